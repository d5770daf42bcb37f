// Package lobtest is a fake of Lob's letters API and webhooks for tests:
// an httptest server on 127.0.0.1 that takes letters the way Lob documents,
// keeps them, fails on demand, and signs and delivers tracking events drawn
// from a seed to a webhook URL. The adapter's own tests run against it, and
// a host's can too:
//
//	srv := lobtest.NewServer(lobtest.Config{Now: clock.Now})
//	defer srv.Close()
//	ch, _ := lob.New(lob.Config{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: clock.Now})
//
// # What it enforces
//
//   - POST /v1/letters, GET /v1/letters and GET /v1/letters/{id}; any other
//     path is 404 (unrecognized_endpoint), any other method 405.
//   - HTTP Basic authentication with the API key as user name and an empty
//     password, else 401 (unauthorized).
//   - A JSON body with to, from, file, color and use_type. to and from are
//     an address ID (adr_…) or an inline address with a name or company
//     and an address_line1, and for a US address (address_country US or
//     none) an address_zip; the answer to a missing one is Lob's 422
//     ("to.address_zip is required or to must be a string"). file is an
//     HTML string under 10,000 characters, a template ID or a URL; metadata
//     at most 20 string pairs, keys under 40 characters and values under
//     500, neither holding '"' or '\'.
//   - Idempotency-Key (or the idempotency_key query parameter, not both;
//     at most 256 characters): a create repeated with a key seen in the
//     last 24 hours answers with the letter the key made and makes none.
//   - The list filters by metadata[key]=value, pages with limit (1 to 100,
//     default 10) and the after or before cursor, newest first, and names
//     the next page in next_url.
//
// # Failing on demand
//
// Server.Fail queues answers to the next API requests: any status with
// Lob's error body (a 422 naming an address field, a 409, a 503), a 429
// with Retry-After and Lob's X-Rate-Limit headers, no answer until the
// client gives up, or a letter made and the connection dropped before the
// answer (a lost answer, for idempotency tests).
//
// # Webhooks
//
// Each letter's tracking is drawn from its touch ID (or its ID) and the
// seed of Config.Model (a channeltest.Model): letter.mailed a day after it
// was made, then letter.delivered 3 to 7 days after, or, for a share of
// letters (5 % by default), letter.returned_to_sender 7 to 14 days after.
// Server.DeliverDue posts every event that is due by the clock and not yet
// acknowledged, signed as Lob signs (Lob-Signature: hex HMAC-SHA256 of
// the timestamp, ".", and the body; Lob-Signature-Timestamp in Unix
// milliseconds); an event answered other than 2xx stays due, as Lob
// retries. Event IDs are stable, so a delivery again carries the same one.
package lobtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/timing"
)

// Defaults of [Config].
const (
	DefaultAPIKey        = "test_lobtest_key"
	DefaultWebhookSecret = "lobtest_webhook_secret"
)

// idempotencyTTL is how long Lob keeps an idempotency key.
const idempotencyTTL = 24 * time.Hour

// Config configures a [Server]. The zero value uses every default.
type Config struct {
	// APIKey is the key requests must authenticate with. Default
	// DefaultAPIKey.
	APIKey string
	// WebhookSecret signs the webhooks. Default DefaultWebhookSecret.
	WebhookSecret string
	// Now tells the time letters are made at, idempotency keys expire by,
	// events fall due by and webhooks are signed at. Default the real
	// clock; tests pass a fake clock's Now.
	Now func() time.Time
	// Model draws each letter's outcome (delivered or returned to sender,
	// and when) from its seed. Default a channeltest.Model with seed 0 and
	// the default rates (95 % delivered).
	Model *channeltest.Model
	// Provider is the provider name the model's draws are made for.
	// Default lob.DefaultProvider.
	Provider string
	// HTTPClient posts the webhooks. Default a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Letter is a mail piece the fake made: a letter, or a postcard (Object
// says which).
type Letter struct {
	// Object is "letter" or "postcard".
	Object string
	// ID is Lob's letter ID, ltr_…, or postcard ID, psc_….
	ID string
	// IdempotencyKey is the key it was made under, or "".
	IdempotencyKey string
	// To is the recipient: ToID for an address ID, else the inline
	// address.
	To   lob.Address
	ToID string
	// From is the sender: FromID for an address ID, else the inline
	// address.
	From   lob.Address
	FromID string
	// File is a letter's HTML, template ID or URL.
	File string
	// Front, Back and Size are a postcard's.
	Front, Back, Size string
	Color             bool
	UseType           string
	Description       string
	Metadata          map[string]string
	// Created is when the fake made it, by its clock.
	Created time.Time
}

// Answer is an answer the fake can be told to give to the next API
// request instead of serving it. The zero Answer serves the request.
type Answer struct {
	// Status and Code give Lob's error answer {"error":{"message",
	// "status_code","code"}} (Code default: Lob's code for the status;
	// Message default: a line naming lobtest).
	Status  int
	Code    string
	Message string
	// RetryAfter, with a 429, sets Retry-After (whole seconds, rounded up)
	// and Lob's X-Rate-Limit-Limit, -Remaining and -Reset headers.
	RetryAfter time.Duration
	// Hang gives no answer until the client gives up (or the fake
	// closes).
	Hang bool
	// LoseAnswer serves the request (a create makes its letter) and drops
	// the connection before the answer.
	LoseAnswer bool
}

type keyed struct {
	id string
	at time.Time
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg     Config
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	letters  []*Letter // in the order made
	byID     map[string]*Letter
	byKey    map[string]keyed
	fails    []Answer
	creates  int
	acked    map[string]bool // event IDs answered 2xx
	sequence uint64
}

// NewServer starts a fake on 127.0.0.1. Close it when done.
func NewServer(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = DefaultAPIKey
	}
	if cfg.WebhookSecret == "" {
		cfg.WebhookSecret = DefaultWebhookSecret
	}
	if cfg.Now == nil {
		cfg.Now = timing.RealClock().Now
	}
	if cfg.Model == nil {
		cfg.Model = &channeltest.Model{}
	}
	if cfg.Provider == "" {
		cfg.Provider = lob.DefaultProvider
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Server{cfg: cfg, closing: make(chan struct{}), byID: map[string]*Letter{}, byKey: map[string]keyed{}, acked: map[string]bool{}}
	mux := http.NewServeMux()
	for _, object := range []string{objectLetter, objectPostcard} {
		mux.HandleFunc("POST /v1/"+object+"s", s.auth(s.create(object)))
		mux.HandleFunc("GET /v1/"+object+"s", s.auth(s.list(object)))
		mux.HandleFunc("GET /v1/"+object+"s/{id}", s.auth(s.retrieve(object)))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		switch rest, ok := strings.CutPrefix(r.URL.Path, "/v1/letters"); {
		case ok && rest == "":
			w.Header().Set("Allow", "GET, POST")
			writeError(w, http.StatusMethodNotAllowed, "bad_request", "Method not allowed.")
		case ok && strings.Count(rest, "/") == 1 && len(rest) > 1:
			w.Header().Set("Allow", "GET")
			writeError(w, http.StatusMethodNotAllowed, "bad_request", "Method not allowed.")
		default:
			writeError(w, http.StatusNotFound, "unrecognized_endpoint", "The requested endpoint does not exist.")
		}
	})
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the API's base URL, for lob.Config.BaseURL: "http://127.0.0.1:port/v1".
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// APIKey is the key the fake takes.
func (s *Server) APIKey() string { return s.cfg.APIKey }

// WebhookSecret is the secret the fake signs webhooks with.
func (s *Server) WebhookSecret() string { return s.cfg.WebhookSecret }

// Close stops the fake, ending requests left hanging.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.Close()
}

// Fail queues answers to the next API requests, one each, in order.
func (s *Server) Fail(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, answers...)
}

// Letters returns the letters made, in order, as copies.
func (s *Server) Letters() []Letter {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Letter, len(s.letters))
	for i, l := range s.letters {
		out[i] = l.clone()
	}
	return out
}

// Letter returns the letter with this ID.
func (s *Server) Letter(id string) (Letter, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.byID[id]
	if !ok {
		return Letter{}, false
	}
	return l.clone(), true
}

// Delivered is how many letters were made under idempotency key key:
// 0 or 1.
func (s *Server) Delivered(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.letters {
		if key != "" && l.IdempotencyKey == key {
			n++
		}
	}
	return n
}

// CreateRequests is how many POST requests (letters and postcards) were authenticated,
// repeats and failures included.
func (s *Server) CreateRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

func (l *Letter) clone() Letter {
	c := *l
	if l.Metadata != nil {
		c.Metadata = make(map[string]string, len(l.Metadata))
		for k, v := range l.Metadata {
			c.Metadata[k] = v
		}
	}
	return c
}

// auth checks Basic authentication, then takes a queued failure.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != s.cfg.APIKey || pass != "" {
			writeError(w, http.StatusUnauthorized, "unauthorized", "Your API key is not valid. Please sign up on lob.com to get a valid api key.")
			return
		}
		s.mu.Lock()
		if r.Method == http.MethodPost {
			s.creates++
		}
		var a Answer
		if len(s.fails) > 0 {
			a, s.fails = s.fails[0], s.fails[1:]
		}
		s.mu.Unlock()
		switch {
		case a.Hang:
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
		case a.LoseAnswer:
			h(discard{header: http.Header{}}, r)
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case a.Status == http.StatusTooManyRequests:
			secs := int64((a.RetryAfter + time.Second - 1) / time.Second)
			if secs > 0 {
				w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			}
			w.Header().Set("X-Rate-Limit-Limit", "150")
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(s.cfg.Now().Unix()+max(secs, 1), 10))
			writeAnswer(w, a, fmt.Sprintf("Rate limit exceeded. Please wait %d seconds and try your request again.", max(secs, 1)))
		case a.Status != 0:
			writeAnswer(w, a, "The request was refused by lobtest.")
		default:
			h(w, r)
		}
	}
}

// writeAnswer writes a scripted error answer.
func writeAnswer(w http.ResponseWriter, a Answer, msg string) {
	if a.Message != "" {
		msg = a.Message
	}
	code := a.Code
	if code == "" {
		switch {
		case a.Status == http.StatusTooManyRequests:
			code = "rate_limit_exceeded"
		case a.Status == http.StatusUnauthorized:
			code = "unauthorized"
		case a.Status == http.StatusNotFound:
			code = "not_found"
		case a.Status == http.StatusServiceUnavailable:
			code = "service_unavailable"
		case a.Status >= 500:
			code = "internal_server_error"
		default:
			code = "bad_request"
		}
	}
	writeError(w, a.Status, code, msg)
}

// discard is a ResponseWriter that drops the answer.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// writeError writes Lob's error answer.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	var body struct {
		Error struct {
			Message    string `json:"message"`
			StatusCode int    `json:"status_code"`
			Code       string `json:"code"`
		} `json:"error"`
	}
	body.Error.Message, body.Error.StatusCode, body.Error.Code = msg, status, code
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newID returns a letter ID: "ltr_" and 16 hex digits derived from a
// counter, stable across runs.
func (s *Server) newID(object string) string {
	s.sequence++
	prefix := "ltr_"
	if object == objectPostcard {
		prefix = "psc_"
	}
	return hashID(prefix, object+"/"+strconv.FormatUint(s.sequence, 10))
}

// The objects the fake makes.
const (
	objectLetter   = "letter"
	objectPostcard = "postcard"
)

// hashID returns prefix and 16 hex digits of a hash of seed: an ID shaped
// like Lob's, the same on every run.
func hashID(prefix, seed string) string {
	sum := sha256.Sum256([]byte("lobtest/" + seed))
	return prefix + hex.EncodeToString(sum[:8])
}

// retrieve answers GET /v1/letters/{id} and GET /v1/postcards/{id}.
func (s *Server) retrieve(object string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l, ok := s.Letter(r.PathValue("id"))
		if !ok || l.Object != object {
			writeError(w, http.StatusNotFound, "not_found", object+" not found")
			return
		}
		writeJSON(w, http.StatusOK, letterJSON(l))
	}
}

func (s *Server) list(object string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.listOf(object, w, r) }
}

// listOf lists the pieces of one object, newest first.
func (s *Server) listOf(object string, w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusUnprocessableEntity, "invalid", "limit must be an integer from 1 to 100")
			return
		}
		limit = n
	}
	after, before := q.Get("after"), q.Get("before")
	if after != "" && before != "" {
		writeError(w, http.StatusUnprocessableEntity, "invalid", "before and after cannot both be set")
		return
	}
	filter := map[string]string{}
	for k, vs := range q {
		if strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]") && len(vs) > 0 {
			filter[k[len("metadata["):len(k)-1]] = vs[0]
		}
	}
	s.mu.Lock()
	var match []Letter
	for i := len(s.letters) - 1; i >= 0; i-- { // newest first
		l := s.letters[i]
		ok := l.Object == object
		for k, v := range filter {
			if l.Metadata[k] != v {
				ok = false
				break
			}
		}
		if ok {
			match = append(match, l.clone())
		}
	}
	s.mu.Unlock()
	start, end := 0, len(match)
	switch {
	case after != "":
		i := slices.IndexFunc(match, func(l Letter) bool { return l.ID == after })
		if i < 0 {
			writeError(w, http.StatusUnprocessableEntity, "invalid", "after is not a "+object+" of this list")
			return
		}
		start = i + 1
	case before != "":
		i := slices.IndexFunc(match, func(l Letter) bool { return l.ID == before })
		if i < 0 {
			writeError(w, http.StatusUnprocessableEntity, "invalid", "before is not a "+object+" of this list")
			return
		}
		end, start = i, max(i-limit, 0)
	}
	end = min(end, start+limit)
	page := match[start:end]
	data := make([]map[string]any, len(page))
	for i, l := range page {
		data[i] = letterJSON(l)
	}
	pageURL := func(cursor, id string) *string {
		u := *r.URL
		v := u.Query()
		v.Del("after")
		v.Del("before")
		v.Set(cursor, id)
		u.RawQuery = v.Encode()
		out := s.srv.URL + u.RequestURI()
		return &out
	}
	body := map[string]any{"object": "list", "data": data, "count": len(data), "next_url": nil, "previous_url": nil}
	if end < len(match) && len(page) > 0 {
		body["next_url"] = pageURL("after", page[len(page)-1].ID)
	}
	if start > 0 && len(page) > 0 {
		body["previous_url"] = pageURL("before", page[0].ID)
	}
	if slices.Contains(q["include"], "total_count") || slices.Contains(q["include[]"], "total_count") {
		body["total_count"] = len(match)
	}
	writeJSON(w, http.StatusOK, body)
}

// letterJSON renders a letter as Lob's letter object.
func letterJSON(l Letter) map[string]any {
	addr := func(side, id string, a lob.Address) map[string]any {
		if id != "" {
			return map[string]any{"id": id, "object": "address"}
		}
		country := a.Country
		if country == "" {
			country = "US"
		}
		return map[string]any{
			"id": hashID("adr_", side+"/"+l.ID), "object": "address", "name": a.Name, "company": a.Company,
			"address_line1": a.Line1, "address_line2": a.Line2, "address_city": a.City, "address_state": a.State,
			"address_zip": a.Zip, "address_country": country,
		}
	}
	md := l.Metadata
	if md == nil {
		md = map[string]string{}
	}
	created := l.Created.UTC().Format("2006-01-02T15:04:05.000Z")
	out := map[string]any{
		"id": l.ID, "object": l.Object, "description": l.Description, "metadata": md,
		"to": addr("to", l.ToID, l.To), "use_type": l.UseType, "mail_type": "usps_first_class", "carrier": "USPS",
		"tracking_events": []any{}, "date_created": created, "date_modified": created, "send_date": created,
		"expected_delivery_date": l.Created.UTC().AddDate(0, 0, 5).Format(time.DateOnly),
	}
	if l.Object == objectPostcard {
		out["size"] = l.Size
		out["url"] = "https://lob-assets.example/" + l.ID + ".pdf"
		if l.FromID != "" || l.From.Line1 != "" {
			out["from"] = addr("from", l.FromID, l.From)
		}
		return out
	}
	out["from"] = addr("from", l.FromID, l.From)
	out["color"] = l.Color
	return out
}
