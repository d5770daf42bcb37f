// Package twiliotest is a fake of Twilio's REST API (2010-04-01) and of
// its callbacks, for tests: texts (POST and GET Messages.json), calls
// (POST and GET Calls.json), recordings' media (GET Recordings/{sid}.mp3),
// numbers (AvailablePhoneNumbers/{country}/{type}.json,
// IncomingPhoneNumbers.json, DELETE IncomingPhoneNumbers/{sid}.json), each
// under HTTP Basic authentication with the account's SID and token,
// answering with Twilio's JSON and Twilio's error body ({"code",
// "message", "more_info", "status"}); scripted failures; a recipient's STOP
// honoured as Twilio does (21610 on the next text from that number); and
// callbacks signed as Twilio signs them — X-Twilio-Signature, the base64
// HMAC-SHA1 under the auth token of the URL followed by each parameter's
// name and value sorted by name — with an I-Twilio-Idempotency-Token.
package twiliotest

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a [Server]; every field has a default.
type Config struct {
	AccountSID string           // default "AC" and 32 zeros
	AuthToken  string           // default "twiliotesttoken"
	Now        func() time.Time // default time.Now
	// SMSURL receives texts to a number not bought here (Text).
	SMSURL string
	// Client posts the callbacks. Default a client with a 10 s timeout.
	Client *http.Client
}

// Answer is a scripted answer to the next text or call created.
type Answer struct {
	Status     int           // the HTTP status
	Code       int           // Twilio's error code
	Message    string        // Twilio's message
	RetryAfter time.Duration // a Retry-After header, when set
	Hang       bool          // answer nothing until the request gives up
}

// Message is a text the fake holds.
type Message struct {
	Sid, From, To, Body, Status, StatusCallback, MessagingServiceSid, Direction string
	Created                                                                     time.Time
}

// Call is a call the fake holds.
type Call struct {
	Sid, From, To, URL, Status, StatusCallback, MachineDetection string
	Record                                                       bool
	RecordingStatusCallback                                      string
	Created                                                      time.Time
}

// Number is a number the account holds.
type Number struct {
	Sid, PhoneNumber, FriendlyName, SmsURL, StatusCallback, BundleSid, AddressSid string
	Created                                                                       time.Time
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg     Config
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once
	seq     atomic.Int64

	mu         sync.Mutex
	messages   []*Message
	calls      []*Call
	numbers    []*Number
	available  map[string][]string // by country and type ("AU/Mobile")
	stopped    map[[2]string]bool  // recipient, sender: texted STOP
	taken      map[string]bool     // listed, but bought by someone else
	recordings map[string]string   // recording SID → call SID
	answers    []Answer
	requests   []url.Values // the form of each create, in order
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// NewServer starts the fake on 127.0.0.1.
func NewServer(cfg Config) *Server {
	if cfg.AccountSID == "" {
		cfg.AccountSID = "AC" + strings.Repeat("0", 32)
	}
	if cfg.AuthToken == "" {
		cfg.AuthToken = "twiliotesttoken"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Server{cfg: cfg, closing: make(chan struct{}), available: map[string][]string{},
		stopped: map[[2]string]bool{}, taken: map[string]bool{}, recordings: map[string]string{}}
	base := "/2010-04-01/Accounts/{account}/"
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+base+"Messages.json", s.auth(s.createMessage))
	mux.HandleFunc("GET "+base+"Messages.json", s.auth(s.listMessages))
	mux.HandleFunc("POST "+base+"Calls.json", s.auth(s.createCall))
	mux.HandleFunc("GET "+base+"Calls.json", s.auth(s.listCalls))
	mux.HandleFunc("GET "+base+"Recordings/{file}", s.auth(s.recording))
	mux.HandleFunc("GET "+base+"AvailablePhoneNumbers/{country}/{type}", s.auth(s.availableNumbers))
	mux.HandleFunc("POST "+base+"IncomingPhoneNumbers.json", s.auth(s.buy))
	mux.HandleFunc("GET "+base+"IncomingPhoneNumbers.json", s.auth(s.listNumbers))
	mux.HandleFunc("DELETE "+base+"IncomingPhoneNumbers/{file}", s.auth(s.release))
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the fake's root, for the adapter's BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// AccountSID and AuthToken are the account's credentials.
func (s *Server) AccountSID() string { return s.cfg.AccountSID }
func (s *Server) AuthToken() string  { return s.cfg.AuthToken }

// Close stops the fake, releasing a hanging request.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.Close()
}

// Fail scripts the answers to the next texts or calls created.
func (s *Server) Fail(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, answers...)
}

// Stock makes numbers available to buy in country ("AU") of type
// ("Mobile", "Local", "TollFree").
func (s *Server) Stock(country, typ string, numbers ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := country + "/" + typ
	s.available[k] = append(s.available[k], numbers...)
}

// Take makes numbers still listed as available but bought by someone
// else: buying one is refused with 21422, as when another buyer gets there
// between the search and the purchase.
func (s *Server) Take(numbers ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range numbers {
		s.taken[n] = true
	}
}

// Messages returns the texts sent, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = *m
	}
	return out
}

// Calls returns the calls placed, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = *c
	}
	return out
}

// Numbers returns the numbers the account holds.
func (s *Server) Numbers() []Number {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Number, len(s.numbers))
	for i, n := range s.numbers {
		out[i] = *n
	}
	return out
}

// Requests returns the form of each text and call created, in order.
func (s *Server) Requests() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Delivered is how many texts and calls carry touch key in their callback
// URLs (the adapter's "touch" parameter).
func (s *Server) Delivered(key string) int {
	n := 0
	has := func(raw string) bool {
		u, err := url.Parse(raw)
		return err == nil && u.Query().Get("touch") == key
	}
	for _, m := range s.Messages() {
		if has(m.StatusCallback) {
			n++
		}
	}
	for _, c := range s.Calls() {
		if has(c.URL) {
			n++
		}
	}
	return n
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != s.cfg.AccountSID || pass != s.cfg.AuthToken {
			writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
			return
		}
		if r.PathValue("account") != s.cfg.AccountSID {
			writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
			return
		}
		h(w, r)
	}
}

// scripted takes the next scripted answer and gives it; it reports
// whether it answered.
func (s *Server) scripted(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	if len(s.answers) == 0 {
		s.mu.Unlock()
		return false
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	s.mu.Unlock()
	if a.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return true
	}
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(a.RetryAfter.Round(time.Second)/time.Second)))
	}
	writeError(w, a.Status, a.Code, a.Message)
	return true
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 21100, "Invalid form")
		return
	}
	f := r.PostForm
	to, from, body := f.Get("To"), f.Get("From"), f.Get("Body")
	switch {
	case !e164.MatchString(to):
		writeError(w, http.StatusBadRequest, 21211, fmt.Sprintf("The 'To' number %s is not a valid phone number.", to))
		return
	case from == "" && f.Get("MessagingServiceSid") == "":
		writeError(w, http.StatusBadRequest, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message")
		return
	case from != "" && !e164.MatchString(from):
		writeError(w, http.StatusBadRequest, 21212, fmt.Sprintf("The 'From' number %s is not a valid phone number, shortcode, or alphanumeric sender ID.", from))
		return
	case body == "" && f.Get("MediaUrl") == "":
		writeError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	case len([]rune(body)) > 1600:
		writeError(w, http.StatusBadRequest, 21617, "The concatenated message body exceeds the 1600 character limit.")
		return
	}
	if s.scripted(w, r) {
		return
	}
	s.mu.Lock()
	if s.stopped[[2]string{to, from}] {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, 21610, "Attempt to send to unsubscribed recipient")
		return
	}
	status := "queued"
	if f.Get("MessagingServiceSid") != "" {
		status = "accepted"
	}
	m := &Message{Sid: s.sid("SM"), From: from, To: to, Body: body, Status: status, StatusCallback: f.Get("StatusCallback"),
		MessagingServiceSid: f.Get("MessagingServiceSid"), Direction: "outbound-api", Created: s.cfg.Now().UTC()}
	s.messages = append(s.messages, m)
	s.requests = append(s.requests, f)
	out := s.messageJSON(m)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) messageJSON(m *Message) map[string]any {
	return map[string]any{
		"sid": m.Sid, "account_sid": s.cfg.AccountSID, "from": m.From, "to": m.To, "body": m.Body, "status": m.Status,
		"direction": m.Direction, "date_created": m.Created.Format(time.RFC1123Z), "date_updated": m.Created.Format(time.RFC1123Z),
		"date_sent": nil, "num_segments": "1", "num_media": "0", "error_code": nil, "error_message": nil,
		"messaging_service_sid": nullable(m.MessagingServiceSid), "api_version": "2010-04-01",
		"uri": "/2010-04-01/Accounts/" + s.cfg.AccountSID + "/Messages/" + m.Sid + ".json",
	}
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	var page []map[string]any
	for i := len(s.messages) - 1; i >= 0; i-- {
		m := s.messages[i]
		if (q.Get("To") == "" || q.Get("To") == m.To) && (q.Get("From") == "" || q.Get("From") == m.From) {
			page = append(page, s.messageJSON(m))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.page(r, "messages", page))
}

// page is a list answer: the first PageSize records, no next page.
func (s *Server) page(r *http.Request, key string, records []map[string]any) map[string]any {
	size, err := strconv.Atoi(r.URL.Query().Get("PageSize"))
	if err != nil || size <= 0 {
		size = 50
	}
	if len(records) > size {
		records = records[:size]
	}
	if records == nil {
		records = []map[string]any{}
	}
	return map[string]any{key: records, "page": 0, "page_size": size, "start": 0, "end": max(len(records)-1, 0),
		"uri": r.URL.RequestURI(), "first_page_uri": r.URL.RequestURI(), "next_page_uri": nil, "previous_page_uri": nil}
}

func (s *Server) createCall(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 21100, "Invalid form")
		return
	}
	f := r.PostForm
	to, from := f.Get("To"), f.Get("From")
	switch {
	case !e164.MatchString(to):
		writeError(w, http.StatusBadRequest, 21211, fmt.Sprintf("The 'To' number %s is not a valid phone number.", to))
		return
	case !e164.MatchString(from):
		writeError(w, http.StatusBadRequest, 21212, fmt.Sprintf("The 'From' number %s is not a valid phone number.", from))
		return
	case f.Get("Url") == "" && f.Get("Twiml") == "" && f.Get("ApplicationSid") == "":
		writeError(w, http.StatusBadRequest, 21205, "Url, Twiml or ApplicationSid is required")
		return
	}
	switch md := f.Get("MachineDetection"); md {
	case "", "Enable", "DetectMessageEnd":
	default:
		writeError(w, http.StatusBadRequest, 21626, "Invalid MachineDetection: "+md)
		return
	}
	if s.scripted(w, r) {
		return
	}
	c := &Call{Sid: s.sid("CA"), From: from, To: to, URL: f.Get("Url"), Status: "queued", StatusCallback: f.Get("StatusCallback"),
		MachineDetection: f.Get("MachineDetection"), Record: f.Get("Record") == "true",
		RecordingStatusCallback: f.Get("RecordingStatusCallback"), Created: s.cfg.Now().UTC()}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.requests = append(s.requests, f)
	out := s.callJSON(c)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) callJSON(c *Call) map[string]any {
	return map[string]any{
		"sid": c.Sid, "account_sid": s.cfg.AccountSID, "from": c.From, "to": c.To, "status": c.Status,
		"direction": "outbound-api", "date_created": c.Created.Format(time.RFC1123Z), "date_updated": c.Created.Format(time.RFC1123Z),
		"start_time": nil, "end_time": nil, "duration": nil, "answered_by": nil, "api_version": "2010-04-01",
		"uri": "/2010-04-01/Accounts/" + s.cfg.AccountSID + "/Calls/" + c.Sid + ".json",
	}
}

func (s *Server) listCalls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	var page []map[string]any
	for i := len(s.calls) - 1; i >= 0; i-- {
		c := s.calls[i]
		if (q.Get("To") == "" || q.Get("To") == c.To) && (q.Get("From") == "" || q.Get("From") == c.From) {
			page = append(page, s.callJSON(c))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.page(r, "calls", page))
}

// Audio is the body the fake serves for every recording.
var Audio = []byte("ID3\x04\x00\x00\x00\x00\x00\x00twiliotest recording")

func (s *Server) recording(w http.ResponseWriter, r *http.Request) {
	rec, ok := strings.CutSuffix(r.PathValue("file"), ".mp3")
	s.mu.Lock()
	_, known := s.recordings[rec]
	s.mu.Unlock()
	if !ok || !known {
		writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	w.Header().Set("Content-Type", "audio/mpeg")
	_, _ = w.Write(Audio)
}

func (s *Server) availableNumbers(w http.ResponseWriter, r *http.Request) {
	typ, ok := strings.CutSuffix(r.PathValue("type"), ".json")
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	contains := r.URL.Query().Get("Contains")
	s.mu.Lock()
	var page []map[string]any
	for _, n := range s.available[r.PathValue("country")+"/"+typ] {
		if contains != "" && !strings.Contains(n, strings.TrimRight(contains, "*")) {
			continue
		}
		page = append(page, map[string]any{"phone_number": n, "friendly_name": n, "iso_country": r.PathValue("country"),
			"address_requirements": "none", "beta": false, "capabilities": map[string]bool{"voice": true, "SMS": true, "MMS": false}})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.page(r, "available_phone_numbers", page))
}

func (s *Server) buy(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 21100, "Invalid form")
		return
	}
	f := r.PostForm
	number := f.Get("PhoneNumber")
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, list := range s.available {
		if i := slices.Index(list, number); i >= 0 && !s.taken[number] {
			s.available[k] = slices.Delete(list, i, i+1)
			n := &Number{Sid: s.sid("PN"), PhoneNumber: number, FriendlyName: f.Get("FriendlyName"), SmsURL: f.Get("SmsUrl"),
				StatusCallback: f.Get("StatusCallback"), BundleSid: f.Get("BundleSid"), AddressSid: f.Get("AddressSid"),
				Created: s.cfg.Now().UTC()}
			if n.FriendlyName == "" {
				n.FriendlyName = number
			}
			s.numbers = append(s.numbers, n)
			writeJSON(w, http.StatusCreated, s.numberJSON(n))
			return
		}
	}
	writeError(w, http.StatusBadRequest, 21422, "PhoneNumber requested is not available")
}

func (s *Server) numberJSON(n *Number) map[string]any {
	return map[string]any{"sid": n.Sid, "account_sid": s.cfg.AccountSID, "phone_number": n.PhoneNumber,
		"friendly_name": n.FriendlyName, "sms_url": n.SmsURL, "sms_method": "POST", "status_callback": n.StatusCallback,
		"bundle_sid": nullable(n.BundleSid), "address_sid": nullable(n.AddressSid),
		"date_created": n.Created.Format(time.RFC1123Z), "date_updated": n.Created.Format(time.RFC1123Z),
		"capabilities": map[string]bool{"voice": true, "sms": true, "mms": false, "fax": false}}
}

func (s *Server) listNumbers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	var page []map[string]any
	for _, n := range s.numbers {
		if (q.Get("FriendlyName") == "" || q.Get("FriendlyName") == n.FriendlyName) &&
			(q.Get("PhoneNumber") == "" || q.Get("PhoneNumber") == n.PhoneNumber) {
			page = append(page, s.numberJSON(n))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.page(r, "incoming_phone_numbers", page))
}

func (s *Server) release(w http.ResponseWriter, r *http.Request) {
	id, _ := strings.CutSuffix(r.PathValue("file"), ".json")
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.numbers, func(n *Number) bool { return n.Sid == id })
	if i < 0 {
		writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	s.numbers = slices.Delete(s.numbers, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}

// Sign returns X-Twilio-Signature of a request to fullURL with form
// params, as Twilio computes it.
func (s *Server) Sign(fullURL string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range params[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(s.cfg.AuthToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Request returns Twilio's signed callback to target with form params:
// a POST with X-Twilio-Signature and an I-Twilio-Idempotency-Token made
// from token (so a delivery again carries the same one).
func (s *Server) Request(ctx context.Context, target string, params url.Values, token string) (*http.Request, error) {
	body := params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", s.Sign(target, params))
	sum := sha1.Sum([]byte(s.cfg.AccountSID + "/" + token))
	req.Header.Set("I-Twilio-Idempotency-Token", hex.EncodeToString(sum[:16]))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	return req, nil
}

// StatusParams is a text's status callback: the message's numbers, its
// status and, for undelivered and failed, the error code.
func (s *Server) StatusParams(m Message, status string, errorCode int) url.Values {
	p := url.Values{"AccountSid": {s.cfg.AccountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {m.Sid}, "SmsSid": {m.Sid},
		"MessageStatus": {status}, "SmsStatus": {status}, "From": {m.From}, "To": {m.To}}
	if errorCode != 0 {
		p.Set("ErrorCode", strconv.Itoa(errorCode))
	}
	if m.MessagingServiceSid != "" {
		p.Set("MessagingServiceSid", m.MessagingServiceSid)
	}
	return p
}

// Message returns the text sid, or false.
func (s *Server) Message(sid string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.messages {
		if m.Sid == sid {
			return *m, true
		}
	}
	return Message{}, false
}

// Call returns the call sid, or false.
func (s *Server) Call(sid string) (Call, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.calls {
		if c.Sid == sid {
			return *c, true
		}
	}
	return Call{}, false
}

// Report posts text sid's status callback (delivered, undelivered,
// failed, with errorCode) to its StatusCallback, as Twilio does.
func (s *Server) Report(ctx context.Context, sid, status string, errorCode int) error {
	s.mu.Lock()
	var m *Message
	for _, x := range s.messages {
		if x.Sid == sid {
			m = x
		}
	}
	if m != nil {
		m.Status = status
	}
	s.mu.Unlock()
	if m == nil {
		return fmt.Errorf("twiliotest: no message %s", sid)
	}
	if m.StatusCallback == "" {
		return fmt.Errorf("twiliotest: message %s has no StatusCallback", sid)
	}
	return s.post(ctx, m.StatusCallback, s.StatusParams(*m, status, errorCode), sid+status)
}

// InboundParams is a received text from from to to.
func (s *Server) InboundParams(messageSid, from, to, body string) url.Values {
	return url.Values{"AccountSid": {s.cfg.AccountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {messageSid},
		"SmsSid": {messageSid}, "SmsMessageSid": {messageSid}, "From": {from}, "To": {to}, "Body": {body},
		"NumMedia": {"0"}, "NumSegments": {"1"}, "SmsStatus": {"received"}}
}

// Text delivers a text from from to the account's number to, posting it
// to the number's SmsUrl (Config.SMSURL for a number not bought here). A
// body that is one of Twilio's opt-out words (STOP, STOPALL, UNSUBSCRIBE,
// CANCEL, END, QUIT) blocks further texts from to to from (21610); an
// opt-in word (START, YES, UNSTOP) lifts it. It returns the message SID.
func (s *Server) Text(ctx context.Context, from, to, body string) (string, error) {
	word := strings.ToUpper(strings.TrimSpace(body))
	s.mu.Lock()
	target := s.cfg.SMSURL
	for _, n := range s.numbers {
		if n.PhoneNumber == to && n.SmsURL != "" {
			target = n.SmsURL
		}
	}
	switch word {
	case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT":
		s.stopped[[2]string{from, to}] = true
	case "START", "YES", "UNSTOP":
		delete(s.stopped, [2]string{from, to})
	}
	s.mu.Unlock()
	if target == "" {
		return "", fmt.Errorf("twiliotest: no SmsUrl for %s", to)
	}
	id := s.sid("SM")
	return id, s.post(ctx, target, s.InboundParams(id, from, to, body), id)
}

// CallParams is call c's status callback with its final status and
// answering-machine detection's answer.
func (s *Server) CallParams(c Call, status, answeredBy string) url.Values {
	p := url.Values{"AccountSid": {s.cfg.AccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {c.Sid}, "CallStatus": {status},
		"Direction": {"outbound-api"}, "From": {c.From}, "To": {c.To}, "Called": {c.To}, "Caller": {c.From}}
	if answeredBy != "" {
		p.Set("AnsweredBy", answeredBy)
	}
	if status == "completed" {
		p.Set("CallDuration", "42")
	}
	return p
}

// EndCall ends call sid with status (completed, busy, no-answer, failed)
// and answeredBy (human, machine_end_beep…), posting its status callback;
// a completed call that was recorded then posts its recording's callback
// too. It returns the recording's SID, if any.
func (s *Server) EndCall(ctx context.Context, sid, status, answeredBy string) (string, error) {
	s.mu.Lock()
	var c *Call
	for _, x := range s.calls {
		if x.Sid == sid {
			c = x
		}
	}
	if c != nil {
		c.Status = status
	}
	s.mu.Unlock()
	if c == nil {
		return "", fmt.Errorf("twiliotest: no call %s", sid)
	}
	if c.StatusCallback != "" {
		if err := s.post(ctx, c.StatusCallback, s.CallParams(*c, status, answeredBy), sid+status); err != nil {
			return "", err
		}
	}
	if status != "completed" || !c.Record || c.RecordingStatusCallback == "" {
		return "", nil
	}
	rec := s.Recorded(sid)
	return rec, s.post(ctx, c.RecordingStatusCallback, s.RecordingParams(*c, rec), rec)
}

// Recorded makes a recording of call callSid that the fake serves, and
// returns its SID.
func (s *Server) Recorded(callSid string) string {
	rec := sidFor("RE", callSid)
	s.mu.Lock()
	s.recordings[rec] = callSid
	s.mu.Unlock()
	return rec
}

// RecordingParams is the recording status callback of recording rec of
// call c, completed.
func (s *Server) RecordingParams(c Call, rec string) url.Values {
	return url.Values{"AccountSid": {s.cfg.AccountSID}, "CallSid": {c.Sid}, "RecordingSid": {rec},
		"RecordingUrl":    {"https://api.twilio.com/2010-04-01/Accounts/" + s.cfg.AccountSID + "/Recordings/" + rec},
		"RecordingStatus": {"completed"}, "RecordingDuration": {"41"}, "RecordingChannels": {"1"},
		"RecordingSource": {"OutboundAPI"}, "RecordingStartTime": {s.cfg.Now().UTC().Format(time.RFC1123Z)}}
}

// post delivers a signed callback and wants a 2xx.
func (s *Server) post(ctx context.Context, target string, params url.Values, token string) error {
	req, err := s.Request(ctx, target, params, token)
	if err != nil {
		return err
	}
	res, err := s.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("twiliotest: callback: %w", err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("twiliotest: callback %s: %s: %s", req.URL.Path, res.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}

// sid is the next SID with prefix: the fake's SIDs follow from the
// order of what it was asked, the same in every run.
func (s *Server) sid(prefix string) string {
	return sidFor(prefix, s.cfg.AccountSID+"/"+strconv.FormatInt(s.seq.Add(1), 10))
}

// sidFor is a SID derived from another, the same each time.
func sidFor(prefix, from string) string {
	sum := sha1.Sum([]byte(prefix + from))
	return prefix + hex.EncodeToString(sum[:16])
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg,
		"more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code), "status": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
