// Package salesforgetest is a fake of Salesforge's public API v2 and of its
// webhooks, for the tests of the salesforge adapter and of hosts: an
// httptest server on 127.0.0.1.
//
//	srv := salesforgetest.NewServer(salesforgetest.Config{Now: clock.Now})
//	defer srv.Close()
//	client, _ := salesforge.NewClient(salesforge.ClientConfig{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: clock.Now})
//
// # What it enforces
//
//   - The Authorization header: the API key as it is; "Bearer <key>", another
//     key or none is answered 401.
//   - The paths: GET /me, GET /workspaces, and under
//     /workspaces/{wid}: GET mailboxes, GET mailboxes/{mid}, POST
//     mailboxes/{mid}/emails/{emailId}/reply, GET threads, GET
//     primebox-labels, POST dnc/bulk, GET and POST integrations/webhooks.
//     Any other path is 404, another method 405; an unknown workspace or
//     mailbox is 404.
//   - JSON bodies: dnc/bulk takes {"dncs": [...]} of 1 to 1,000 email
//     addresses or domains; a webhook {name, url, type, sequenceID?} with an
//     absolute http(s) url and one of the documented types; a reply
//     {content, includeHistory, ccs, bccs} with content. Anything else is
//     422 with {"message"}. Unknown JSON fields are refused too, so a
//     misspelt field does not pass unnoticed.
//   - Listings page with limit (1 to 100, default 20) and offset (0 or
//     more) and answer {"data", "total", "limit", "offset"}; threads filter
//     by filter (all, unread, reminders), positive, labels[] and
//     mailbox_ids[].
//
// # Failing on demand
//
// Server.Fail queues answers to the next API requests: any status with a
// JSON {"message"}, a 429 with Retry-After, or no answer until the client
// gives up.
//
// # Webhooks
//
// Sends reach Salesforge's mailbox by SMTP, not through this API, so a test
// tells the fake about each with Server.Record. Its outcomes are drawn from
// the touch ID and the seed of Config.Model (a channeltest.Model): a hard
// bounce (email_bounced), or email_sent then possibly an unsubscribe
// (contact_unsubscribed) or a reply (email_replied; an out-of-office is a
// reply too, Salesforge having no type for it). Complaints make no webhook:
// Salesforge documents none. Server.DeliverDue posts every outcome that is
// due by the clock to each webhook registered for its type, at the URL
// registered (with its token), until answered 2xx.
//
// The reply and bounce blocks of its payloads ("reply", "bounce") are the
// shapes the adapter reads; Salesforge documents neither.
package salesforgetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/timing"
)

// Defaults of [Config].
const (
	DefaultAPIKey    = "sf_test_key"
	DefaultWorkspace = "wks_test"
	DefaultMailbox   = "mbox_test"
	DefaultFrom      = "ana@mail.sender.example.com"
)

// Config configures a [Server]. The zero value uses every default.
type Config struct {
	// APIKey is the key requests must carry. Default DefaultAPIKey.
	APIKey string
	// Workspaces are the workspaces the key reaches. Default one,
	// DefaultWorkspace.
	Workspaces []salesforge.Workspace
	// Mailboxes are every workspace's mailboxes. Default one,
	// DefaultMailbox, sending as DefaultFrom.
	Mailboxes []salesforge.Mailbox
	// Now tells the time outcomes fall due by. Default the real clock.
	Now func() time.Time
	// Model draws each send's outcomes. Default a channeltest.Model with
	// seed 0 and the default rates.
	Model *channeltest.Model
	// HTTPClient posts the webhooks. Default a client with a 10 s timeout.
	HTTPClient *http.Client
}

// Answer is an answer the fake gives to the next API request instead of
// serving it.
type Answer struct {
	// Status and Message: the error answer, {"message": Message}.
	Status  int
	Message string
	// RetryAfter, with a 429, sets Retry-After in whole seconds, rounded up.
	RetryAfter time.Duration
	// Hang gives no answer until the client gives up or the fake closes.
	Hang bool
}

// Thread is a Primebox thread the fake lists.
type Thread struct {
	ID           string   `json:"id"`
	MailboxID    string   `json:"mailboxId"`
	SequenceID   string   `json:"sequenceId,omitempty"`
	ContactEmail string   `json:"contactEmail"`
	Subject      string   `json:"subject"`
	Unread       bool     `json:"unread"`
	Positive     bool     `json:"positive"`
	Reminder     bool     `json:"reminder"`
	Labels       []string `json:"labels,omitempty"`
}

// Reply is a reply the fake queued.
type Reply struct {
	Workspace, Mailbox, EmailID string
	Content                     string
	IncludeHistory              bool
	CCs, BCCs                   []string
}

// Outcome is one webhook event about a recorded send.
type Outcome struct {
	// Type is the webhook type ("email_replied").
	Type string
	// At is when it happens.
	At time.Time
	// Workspace is the workspace it happens in.
	Workspace string
	// EmailID is the send's email ID: its Message-ID without the brackets.
	EmailID string
	// From is the mailbox's address, To the contact's.
	From, To string
	Subject  string
	// Text is the reply's text, or the bounce's reason.
	Text string
}

type sent struct {
	workspace string
	outcomes  []Outcome
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg     Config
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	fails    []Answer
	dnc      map[string][]string
	webhooks map[string][]salesforge.Webhook
	threads  map[string][]Thread
	replies  []Reply
	sends    []sent
	acked    map[string]bool
	requests int
	nextID   int
}

// NewServer starts a fake on 127.0.0.1. Close it when done.
func NewServer(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = DefaultAPIKey
	}
	if len(cfg.Workspaces) == 0 {
		cfg.Workspaces = []salesforge.Workspace{{ID: DefaultWorkspace, Name: "Test", Slug: "test"}}
	}
	if len(cfg.Mailboxes) == 0 {
		cfg.Mailboxes = []salesforge.Mailbox{{ID: DefaultMailbox, Email: DefaultFrom, FirstName: "Ana", LastName: "Lind"}}
	}
	if cfg.Now == nil {
		cfg.Now = timing.RealClock().Now
	}
	if cfg.Model == nil {
		cfg.Model = &channeltest.Model{}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Server{cfg: cfg, closing: make(chan struct{}), dnc: map[string][]string{},
		webhooks: map[string][]salesforge.Webhook{}, threads: map[string][]Thread{}, acked: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /me", s.api(s.me))
	mux.HandleFunc("GET /workspaces", s.api(s.workspaces))
	mux.HandleFunc("GET /workspaces/{wid}/mailboxes", s.api(s.inWorkspace(s.mailboxes)))
	mux.HandleFunc("GET /workspaces/{wid}/mailboxes/{mid}", s.api(s.inWorkspace(s.mailbox)))
	mux.HandleFunc("POST /workspaces/{wid}/mailboxes/{mid}/emails/{eid}/reply", s.api(s.inWorkspace(s.reply)))
	mux.HandleFunc("GET /workspaces/{wid}/threads", s.api(s.inWorkspace(s.listThreads)))
	mux.HandleFunc("GET /workspaces/{wid}/primebox-labels", s.api(s.inWorkspace(s.labels)))
	mux.HandleFunc("POST /workspaces/{wid}/dnc/bulk", s.api(s.inWorkspace(s.addDNC)))
	mux.HandleFunc("GET /workspaces/{wid}/integrations/webhooks", s.api(s.inWorkspace(s.listWebhooks)))
	mux.HandleFunc("POST /workspaces/{wid}/integrations/webhooks", s.api(s.inWorkspace(s.createWebhook)))
	s.srv = httptest.NewServer(mux)
	return s
}

// Close stops the fake; hanging requests return.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.Close()
}

// URL is the API's base URL.
func (s *Server) URL() string { return s.srv.URL }

// APIKey is the key requests must carry.
func (s *Server) APIKey() string { return s.cfg.APIKey }

// Fail queues answers to the next API requests, one each.
func (s *Server) Fail(a ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, a...)
}

// Requests is how many API requests the fake has served or failed, its
// refusals of authentication included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// DNC returns a workspace's do-not-contact entries, in the order added,
// each once.
func (s *Server) DNC(workspace string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dnc[workspace])
}

// Webhooks returns a workspace's registered webhooks.
func (s *Server) Webhooks(workspace string) []salesforge.Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.webhooks[workspace])
}

// Replies returns the replies queued through the API.
func (s *Server) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.replies)
}

// AddThreads adds threads to a workspace's Primebox.
func (s *Server) AddThreads(workspace string, ts ...Thread) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.threads[workspace] = append(s.threads[workspace], ts...)
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// api checks the key and serves the failures queued before h.
func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		var a *Answer
		if len(s.fails) > 0 {
			a = &s.fails[0]
			s.fails = s.fails[1:]
		}
		s.mu.Unlock()
		if r.Header.Get("Authorization") != s.cfg.APIKey {
			writeError(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		if a != nil {
			switch {
			case a.Hang:
				select {
				case <-r.Context().Done():
				case <-s.closing:
				}
				return
			default:
				if a.RetryAfter > 0 {
					w.Header().Set("Retry-After", strconv.FormatInt(int64((a.RetryAfter+time.Second-1)/time.Second), 10))
				}
				msg := a.Message
				if msg == "" {
					msg = "salesforgetest: " + http.StatusText(a.Status)
				}
				writeError(w, a.Status, msg)
				return
			}
		}
		h(w, r)
	}
}

// inWorkspace answers 404 for an unknown workspace.
func (s *Server) inWorkspace(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !slices.ContainsFunc(s.cfg.Workspaces, func(ws salesforge.Workspace) bool { return ws.ID == r.PathValue("wid") }) {
			writeError(w, http.StatusNotFound, "workspace not found")
			return
		}
		h(w, r)
	}
}

// decode reads a JSON body into v, refusing unknown fields; it answers 422
// and returns false when it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return false
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "invalid body: "+err.Error())
		return false
	}
	return true
}

// paged answers one page of items, or 422 for a bad limit or offset.
func paged[T any](w http.ResponseWriter, r *http.Request, items []T) {
	limit, offset := 20, 0
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusUnprocessableEntity, "limit must be between 1 and 100")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusUnprocessableEntity, "offset must be 0 or more")
			return
		}
		offset = n
	}
	lo, hi := min(offset, len(items)), min(offset+limit, len(items))
	data := items[lo:hi]
	if data == nil {
		data = []T{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "total": len(items), "limit": limit, "offset": offset})
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"id": "usr_test", "email": "owner@sender.example.com", "name": "Test Owner"})
}

func (s *Server) workspaces(w http.ResponseWriter, r *http.Request) { paged(w, r, s.cfg.Workspaces) }

func (s *Server) mailboxes(w http.ResponseWriter, r *http.Request) { paged(w, r, s.cfg.Mailboxes) }

func (s *Server) findMailbox(id string) (salesforge.Mailbox, bool) {
	i := slices.IndexFunc(s.cfg.Mailboxes, func(m salesforge.Mailbox) bool { return m.ID == id })
	if i < 0 {
		return salesforge.Mailbox{}, false
	}
	return s.cfg.Mailboxes[i], true
}

func (s *Server) mailbox(w http.ResponseWriter, r *http.Request) {
	m, ok := s.findMailbox(r.PathValue("mid"))
	if !ok {
		writeError(w, http.StatusNotFound, "mailbox not found")
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.findMailbox(r.PathValue("mid")); !ok {
		writeError(w, http.StatusNotFound, "mailbox not found")
		return
	}
	var body struct {
		Content        string   `json:"content"`
		IncludeHistory bool     `json:"includeHistory"`
		CCs            []string `json:"ccs"`
		BCCs           []string `json:"bccs"`
	}
	if !decode(w, r, &body) {
		return
	}
	if strings.TrimSpace(body.Content) == "" {
		writeError(w, http.StatusUnprocessableEntity, "content is required")
		return
	}
	for _, a := range slices.Concat(body.CCs, body.BCCs) {
		if !strings.Contains(a, "@") {
			writeError(w, http.StatusUnprocessableEntity, "invalid address in ccs or bccs")
			return
		}
	}
	s.mu.Lock()
	s.replies = append(s.replies, Reply{Workspace: r.PathValue("wid"), Mailbox: r.PathValue("mid"), EmailID: r.PathValue("eid"),
		Content: body.Content, IncludeHistory: body.IncludeHistory, CCs: body.CCs, BCCs: body.BCCs})
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued"})
}

func (s *Server) listThreads(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := q.Get("filter")
	if filter != "" && filter != "all" && filter != "unread" && filter != "reminders" {
		writeError(w, http.StatusUnprocessableEntity, "filter must be all, unread or reminders")
		return
	}
	var positive *bool
	if v := q.Get("positive"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, http.StatusUnprocessableEntity, "positive must be true or false")
			return
		}
		positive = &b
	}
	labels, mailboxes := q["labels[]"], q["mailbox_ids[]"]
	s.mu.Lock()
	all := slices.Clone(s.threads[r.PathValue("wid")])
	s.mu.Unlock()
	out := make([]Thread, 0, len(all))
	for _, t := range all {
		switch {
		case filter == "unread" && !t.Unread, filter == "reminders" && !t.Reminder,
			positive != nil && t.Positive != *positive,
			len(mailboxes) > 0 && !slices.Contains(mailboxes, t.MailboxID),
			len(labels) > 0 && !slices.ContainsFunc(labels, func(l string) bool { return slices.Contains(t.Labels, l) }),
			q.Get("q") != "" && !strings.Contains(strings.ToLower(t.Subject+" "+t.ContactEmail), strings.ToLower(q.Get("q"))):
			continue
		}
		out = append(out, t)
	}
	paged(w, r, out)
}

func (s *Server) labels(w http.ResponseWriter, r *http.Request) {
	paged(w, r, []salesforge.Label{{ID: "lbl_interested", Name: "Interested"}, {ID: "lbl_not_now", Name: "Not now"}})
}

func (s *Server) addDNC(w http.ResponseWriter, r *http.Request) {
	var body struct {
		DNCs []string `json:"dncs"`
	}
	if !decode(w, r, &body) {
		return
	}
	if len(body.DNCs) == 0 || len(body.DNCs) > salesforge.MaxDNCBatch {
		writeError(w, http.StatusUnprocessableEntity, "dncs must hold 1 to 1000 entries")
		return
	}
	for _, d := range body.DNCs {
		if d == "" || strings.ContainsAny(d, " ,;") || !strings.Contains(d, ".") {
			writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("invalid dnc entry %q", d))
			return
		}
	}
	wid := r.PathValue("wid")
	s.mu.Lock()
	for _, d := range body.DNCs {
		if !slices.Contains(s.dnc[wid], d) {
			s.dnc[wid] = append(s.dnc[wid], d)
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]int{"count": len(body.DNCs)})
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	hooks := slices.Clone(s.webhooks[r.PathValue("wid")])
	s.mu.Unlock()
	paged(w, r, hooks)
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var h salesforge.Webhook
	if !decode(w, r, &h) {
		return
	}
	u, err := url.Parse(h.URL)
	switch {
	case strings.TrimSpace(h.Name) == "":
		writeError(w, http.StatusUnprocessableEntity, "name is required")
		return
	case err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https"):
		writeError(w, http.StatusUnprocessableEntity, "url must be an absolute http(s) URL")
		return
	case !slices.Contains(salesforge.WebhookTypes(), h.Type):
		writeError(w, http.StatusUnprocessableEntity, "unknown webhook type")
		return
	case h.ID != "":
		writeError(w, http.StatusUnprocessableEntity, "id is assigned by Salesforge")
		return
	}
	wid := r.PathValue("wid")
	s.mu.Lock()
	s.nextID++
	h.ID = hashID("wh_", wid+"/"+strconv.Itoa(s.nextID))
	s.webhooks[wid] = append(s.webhooks[wid], h)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, h)
}

// hashID is prefix and 20 hex digits of a hash of s.
func hashID(prefix, s string) string {
	sum := sha256.Sum256([]byte(s))
	return prefix + hex.EncodeToString(sum[:])[:20]
}

// errNotDelivered is wrapped by the errors of DeliverDue.
var errNotDelivered = errors.New("salesforgetest: webhook not delivered")

// Record tells the fake that the mailbox sent m (over SMTP) with receipt
// rc at instant at, in workspace (default the first), so that its outcomes
// are delivered. It returns them.
func (s *Server) Record(workspace string, m *channel.Message, rc channel.Receipt, at time.Time) []Outcome {
	if workspace == "" {
		workspace = s.cfg.Workspaces[0].ID
	}
	id := strings.Trim(rc.ProviderMessageID, "<>")
	base := Outcome{Workspace: workspace, EmailID: id, From: m.From.Address, To: m.To.Email, Subject: m.Subject}
	var out []Outcome
	for _, e := range s.cfg.Model.Events(m, rc, at) {
		o := base
		o.At = e.At
		switch e.Type {
		case channel.EventDelivered:
			o.Type = salesforge.TypeEmailSent
		case channel.EventBounced:
			o.Type, o.Text = salesforge.TypeEmailBounced, e.Detail
		case channel.EventOptedOut:
			o.Type = salesforge.TypeContactUnsubscribed
		case channel.EventReplied, channel.EventOutOfOffice:
			o.Type, o.Text = salesforge.TypeEmailReplied, e.Body
		default:
			continue
		}
		out = append(out, o)
	}
	s.mu.Lock()
	s.sends = append(s.sends, sent{workspace: workspace, outcomes: out})
	s.mu.Unlock()
	return slices.Clone(out)
}

// Body returns the payload Salesforge posts for o to the webhook webhookID.
func Body(o Outcome, webhookID string) ([]byte, error) {
	p := map[string]any{
		"webhookInfo": map[string]any{"id": webhookID, "eventTime": o.At.Format(time.RFC3339), "type": o.Type},
		"sequenceEmail": map[string]any{
			"emailId": o.EmailID, "fromEmail": o.From, "fromName": "", "toEmail": o.To, "toName": "",
			"subject": o.Subject, "content": map[string]string{"text": "", "html": ""},
		},
		"workspace": map[string]any{"id": o.Workspace, "name": "Test", "slug": "test"},
		"contact":   map[string]any{"id": hashID("lead_", o.To), "firstName": "", "lastName": "", "email": o.To, "company": ""},
		"sequence":  map[string]any{"id": "seq_outbound", "name": "outbound"},
		"mailbox":   map[string]any{"id": hashID("mbox_", o.From), "firstName": "", "lastName": "", "email": o.From, "customDomain": ""},
	}
	switch o.Type {
	case salesforge.TypeEmailSent:
		p["emailSentData"] = map[string]any{"step": 1, "ai_generated": false}
	case salesforge.TypeEmailReplied, salesforge.TypePositiveReply, salesforge.TypeNegativeReply:
		p["reply"] = map[string]any{"emailId": hashID("", o.EmailID+"/reply") + "@mail.buyer.example", "fromEmail": o.To,
			"toEmail": o.From, "subject": "Re: " + o.Subject, "content": map[string]string{"text": o.Text, "html": ""}}
	case salesforge.TypeEmailBounced:
		p["bounce"] = map[string]any{"type": "hard", "reason": o.Text}
	}
	return json.Marshal(p)
}

// DeliverDue posts every recorded outcome due by the clock to each webhook
// registered for its type in its workspace, at the registered URL, and
// returns how many posts were answered 2xx. A post answered otherwise stays
// due (Salesforge retries) and is reported in the error.
func (s *Server) DeliverDue(ctx context.Context) (int, error) {
	now := s.cfg.Now()
	type post struct {
		key  string
		url  string
		body []byte
	}
	var posts []post
	s.mu.Lock()
	for _, sd := range s.sends {
		for _, o := range sd.outcomes {
			if o.At.After(now) {
				continue
			}
			for _, h := range s.webhooks[sd.workspace] {
				key := h.ID + "/" + o.Type + "/" + o.EmailID + "/" + o.At.String()
				if h.Type != o.Type || s.acked[key] {
					continue
				}
				body, err := Body(o, h.ID)
				if err != nil {
					s.mu.Unlock()
					return 0, err
				}
				posts = append(posts, post{key, h.URL, body})
			}
		}
	}
	s.mu.Unlock()
	n := 0
	var errs []error
	for _, p := range posts {
		if err := s.Post(ctx, p.url, p.body); err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		s.mu.Lock()
		s.acked[p.key] = true
		s.mu.Unlock()
		n++
	}
	return n, errors.Join(errs...)
}

// Post posts body to url as Salesforge posts a webhook: JSON, nothing
// signed. An answer other than 2xx is an error.
func (s *Server) Post(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		return fmt.Errorf("salesforgetest: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", errNotDelivered, err)
	}
	defer func() { _ = res.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%w: answered %d", errNotDelivered, res.StatusCode)
	}
	return nil
}
