// Package vapitest is a fake of Vapi's call API and server messages for
// tests: POST /call (bearer key, the CreateCallDTO fields the adapter
// sends, checked), GET /call and GET /call/{id}, scripted failures, and
// end-of-call reports authenticated as Vapi's HMAC credential signs them
// (hex HMAC-SHA256 of "{timestamp}.{body}" in x-signature, the timestamp
// in milliseconds in x-timestamp) or its bearer credential sends them.
package vapitest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/outbound-go/outbound/adapters/vapi"
)

// Config configures a [Server]; every field has a default.
type Config struct {
	APIKey string           // default "vapi_test_key"
	Secret string           // the HMAC credential's secret; default "vapi_test_secret"
	Now    func() time.Time // default time.Now
}

// Answer is a scripted answer to the next POST /call.
type Answer struct {
	Status     int
	Message    string
	RetryAfter time.Duration
	Hang       bool
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg     Config
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu      sync.Mutex
	calls   []vapi.Call
	answers []Answer
	seq     int
	files   map[string]vapi.File
	bases   map[string][]string // knowledge base → its files
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// NewServer starts the fake on 127.0.0.1.
func NewServer(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = "vapi_test_key"
	}
	if cfg.Secret == "" {
		cfg.Secret = "vapi_test_secret"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, closing: make(chan struct{}), files: map[string]vapi.File{}, bases: map[string][]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /call", s.auth(s.create))
	mux.HandleFunc("GET /call", s.auth(s.list))
	mux.HandleFunc("GET /call/{id}", s.auth(s.get))
	mux.HandleFunc("POST /file", s.auth(s.upload))
	mux.HandleFunc("POST /v2/knowledge-base", s.auth(s.createBase))
	mux.HandleFunc("POST /v2/knowledge-base/{id}/file", s.auth(s.addFile))
	s.srv = httptest.NewServer(mux) // on 127.0.0.1
	return s
}

func (s *Server) URL() string    { return s.srv.URL }
func (s *Server) APIKey() string { return s.cfg.APIKey }
func (s *Server) Secret() string { return s.cfg.Secret }

// Close stops the fake, releasing a hanging request.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.Close()
}

// Fail scripts the answers to the next calls created.
func (s *Server) Fail(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, answers...)
}

// Calls returns the calls made, in order.
func (s *Server) Calls() []vapi.Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Delivered is how many calls carry touch key in their name.
func (s *Server) Delivered(key string) int {
	n := 0
	for _, c := range s.Calls() {
		if vapi.TouchOf(c.Name) == key {
			n++
		}
	}
	return n
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.cfg.APIKey {
			writeError(w, http.StatusUnauthorized, "Unauthorized", "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.")
			return
		}
		h(w, r)
	}
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var a *Answer
	if len(s.answers) > 0 {
		a = &s.answers[0]
		s.answers = s.answers[1:]
	}
	s.mu.Unlock()
	if a != nil {
		if a.Hang {
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
			return
		}
		if a.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(a.RetryAfter/time.Second)))
		}
		msg := a.Message
		if msg == "" {
			msg = "scripted failure"
		}
		writeError(w, a.Status, http.StatusText(a.Status), msg)
		return
	}
	var body struct {
		AssistantID        string          `json:"assistantId"`
		Assistant          json.RawMessage `json:"assistant"`
		PhoneNumberID      string          `json:"phoneNumberId"`
		Customer           *vapi.Customer  `json:"customer"`
		Name               string          `json:"name"`
		AssistantOverrides *struct {
			VariableValues   map[string]string `json:"variableValues"`
			VoicemailMessage string            `json:"voicemailMessage"`
		} `json:"assistantOverrides"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request", "body must be a CreateCallDTO object")
		return
	}
	var problems []string
	if (body.AssistantID == "") == (len(body.Assistant) == 0) {
		problems = append(problems, "exactly one of assistantId or assistant must be provided")
	}
	if body.PhoneNumberID == "" {
		problems = append(problems, "phoneNumberId must be a string")
	}
	if body.Customer == nil || !e164.MatchString(body.Customer.Number) {
		problems = append(problems, "customer.number must be a valid phone number in the E.164 format")
	}
	if len(body.Name) > 40 {
		problems = append(problems, "name must be shorter than or equal to 40 characters")
	}
	if o := body.AssistantOverrides; o != nil && len([]rune(o.VoicemailMessage)) > 1000 {
		problems = append(problems, "assistantOverrides.voicemailMessage must be shorter than or equal to 1000 characters")
	}
	if len(problems) > 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"message": problems, "error": "Bad Request", "statusCode": 400})
		return
	}
	s.mu.Lock()
	s.seq++
	call := vapi.Call{ID: fmt.Sprintf("call-%08x-0000-4000-8000-%012x", s.seq, s.seq), Name: body.Name, Status: "queued",
		CreatedAt: s.cfg.Now().UTC().Format(time.RFC3339Nano), PhoneNumberID: body.PhoneNumberID, Customer: *body.Customer}
	s.calls = append(s.calls, call)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, callJSON(call))
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "Bad Request", "limit must not be greater than 1000")
			return
		}
		limit = n
	}
	calls := s.Calls()
	slices.Reverse(calls) // newest first
	out := []map[string]any{}
	for _, c := range calls[:min(limit, len(calls))] {
		out = append(out, callJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	for _, c := range s.Calls() {
		if c.ID == r.PathValue("id") {
			writeJSON(w, http.StatusOK, callJSON(c))
			return
		}
	}
	writeError(w, http.StatusNotFound, "Not Found", "Couldn't Get Call. Call Not Found.")
}

// KnowledgeBase returns the files of knowledge base id, and whether it
// exists.
func (s *Server) KnowledgeBase(id string) ([]vapi.File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, ok := s.bases[id]
	var out []vapi.File
	for _, f := range ids {
		out = append(out, s.files[f])
	}
	return out, ok
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request", "the body must be multipart/form-data")
		return
	}
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		writeError(w, http.StatusBadRequest, "Bad Request", "file is required")
		return
	}
	switch p := r.FormValue("purpose"); p {
	case "", "assistant", "composer-attachment", "knowledge-base-v2":
	default:
		writeError(w, http.StatusBadRequest, "Bad Request", "purpose must be one of assistant, composer-attachment, knowledge-base-v2")
		return
	}
	s.mu.Lock()
	s.seq++
	f := vapi.File{ID: fmt.Sprintf("file-%08x", s.seq), Name: files[0].Filename, Status: "done"}
	s.files[f.ID] = f
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"id": f.ID, "name": f.Name, "status": f.Status, "bytes": files[0].Size,
		"object": "file", "purpose": r.FormValue("purpose")})
}

func (s *Server) createBase(w http.ResponseWriter, r *http.Request) {
	var body struct{ Name, Description string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" {
		writeError(w, http.StatusBadRequest, "Bad Request", "name must be a string")
		return
	}
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("kb-%08x", s.seq)
	s.bases[id] = nil
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "name": body.Name, "description": body.Description})
}

func (s *Server) addFile(w http.ResponseWriter, r *http.Request) {
	var body struct {
		FileID string `json:"fileId"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if _, ok := s.bases[id]; !ok {
		writeError(w, http.StatusNotFound, "Not Found", "knowledge base not found")
		return
	}
	if _, ok := s.files[body.FileID]; !ok {
		writeError(w, http.StatusBadRequest, "Bad Request", "fileId must be an uploaded file")
		return
	}
	s.bases[id] = append(s.bases[id], body.FileID)
	writeJSON(w, http.StatusCreated, map[string]any{"knowledgeBaseId": id, "fileId": body.FileID, "status": "processing"})
}

func callJSON(c vapi.Call) map[string]any {
	return map[string]any{"id": c.ID, "orgId": "org-vapitest", "type": "outboundPhoneCall", "name": c.Name, "status": c.Status,
		"createdAt": c.CreatedAt, "updatedAt": c.CreatedAt, "phoneNumberId": c.PhoneNumberID, "customer": c.Customer,
		"subscriptionLimits": map[string]any{"concurrencyBlocked": false, "concurrencyLimit": 10, "remainingConcurrentCalls": 9}}
}

// Report returns the end-of-call-report of call id, ended for reason with
// the transcript (lines "AI: …" and "User: …") and summary, at at.
func (s *Server) Report(id, reason, transcript, summary string, at time.Time) ([]byte, error) {
	var call *vapi.Call
	for _, c := range s.Calls() {
		if c.ID == id {
			call = &c
		}
	}
	if call == nil {
		return nil, fmt.Errorf("vapitest: no call %s", id)
	}
	c := callJSON(*call)
	c["status"], c["endedReason"] = "ended", reason
	return json.Marshal(map[string]any{"message": map[string]any{
		"type": "end-of-call-report", "endedReason": reason, "timestamp": at.UnixMilli(), "call": c,
		"customer": call.Customer, "phoneNumber": map[string]any{"id": call.PhoneNumberID, "number": "+61280000000"},
		"artifact": map[string]any{"transcript": transcript, "recordingUrl": "https://storage.vapi.example/" + id + "-mono.wav",
			"messages": []any{}},
		"analysis": map[string]any{"summary": summary, "successEvaluation": "true"},
	}})
}

// Sign returns the x-signature and x-timestamp headers Vapi's HMAC
// credential puts on body sent at at.
func (s *Server) Sign(body []byte, at time.Time) (signature, timestamp string) {
	timestamp = strconv.FormatInt(at.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(s.cfg.Secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil)), timestamp
}

func writeError(w http.ResponseWriter, status int, kind, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "error": kind, "statusCode": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
