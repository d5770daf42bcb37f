// Package stannptest is a fake of Stannp's letters API and webhooks for
// tests: an httptest server on 127.0.0.1 that checks requests have the
// shape the adapter's documentation gives, records the letters it takes,
// answers scripted failures, and signs webhook deliveries as Stannp does.
package stannptest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures a [Server]. Every field has a default.
type Config struct {
	// APIKey is the key requests must carry as the Basic user name.
	// Default "test-key".
	APIKey string
	// WebhookSecret signs webhook deliveries. Default "whsec-test".
	WebhookSecret string
	// Now tells the time letters are created at. Default time.Now.
	Now func() time.Time
}

// Letter is a mail piece the fake took: a letter, or a postcard (Object
// says which).
type Letter struct {
	// Object is "letter" or "postcard".
	Object string
	// ID is the piece's ID, a number as a string.
	ID string
	// Recipient holds the recipient[…] fields by their inner name
	// ("address1").
	Recipient map[string]string
	// Fields holds the other form fields (test, tags, idempotency_key…).
	Fields map[string]string
	// File is a letter's uploaded file's content and FileType its content
	// type.
	File     []byte
	FileType string
	// Front and Back are a postcard's uploaded front and back files, when
	// uploaded rather than named by URL (Fields "front", "back") or, for
	// the back, written as Fields "message".
	Front, Back []byte
	// Created is when the fake took it.
	Created time.Time
}

// Answer is a scripted answer to the next create request.
type Answer struct {
	// Status is the HTTP status to answer with (and "success":false).
	Status int
	// Message is the error text; default one naming the status.
	Message string
	// RetryAfter, when positive, is sent as Retry-After in whole seconds.
	RetryAfter time.Duration
	// Hang holds the request unanswered until the client gives up or the
	// server closes.
	Hang bool
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg     Config
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	answers  []Answer
	letters  []Letter
	byKey    map[string]int // idempotency_key → index in letters
	next     int
	requests int
}

// NewServer starts a fake on 127.0.0.1. Close it when done.
func NewServer(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = "test-key"
	}
	if cfg.WebhookSecret == "" {
		cfg.WebhookSecret = "whsec-test"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, closing: make(chan struct{}), byKey: map[string]int{}, next: 1000}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/letters/create", s.create("letter"))
	mux.HandleFunc("/v1/postcards/create", s.create("postcard"))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint "+r.URL.Path)
	})
	s.srv = httptest.NewServer(mux) // on 127.0.0.1
	return s
}

// URL is the API's root including /v1, for Config.BaseURL.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// APIKey is the key the fake accepts.
func (s *Server) APIKey() string { return s.cfg.APIKey }

// WebhookSecret is the secret deliveries are signed with.
func (s *Server) WebhookSecret() string { return s.cfg.WebhookSecret }

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.srv.Close()
}

// Fail queues answers for the next create requests, in order.
func (s *Server) Fail(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, answers...)
}

// Letters returns copies of the letters taken, in order.
func (s *Server) Letters() []Letter {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Letter, len(s.letters))
	for i, l := range s.letters {
		out[i] = l.clone()
	}
	return out
}

// Delivered is how many letters carry the tag "touch:<key>".
func (s *Server) Delivered(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.letters {
		for _, t := range strings.Split(l.Fields["tags"], ",") {
			if strings.TrimSpace(t) == "touch:"+key {
				n++
				break
			}
		}
	}
	return n
}

// CreateRequests is how many create requests arrived, answered or not.
func (s *Server) CreateRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (l Letter) clone() Letter {
	c := l
	c.Recipient = make(map[string]string, len(l.Recipient))
	for k, v := range l.Recipient {
		c.Recipient[k] = v
	}
	c.Fields = make(map[string]string, len(l.Fields))
	for k, v := range l.Fields {
		c.Fields[k] = v
	}
	c.File, c.Front, c.Back = bytes.Clone(l.File), bytes.Clone(l.Front), bytes.Clone(l.Back)
	return c
}

// create serves POST /v1/letters/create and POST /v1/postcards/create.
func (s *Server) create(object string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.make(object, w, r) }
}

// make creates one piece of object from the request.
func (s *Server) make(object string, w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	var a *Answer
	if len(s.answers) > 0 {
		a = &s.answers[0]
		s.answers = s.answers[1:]
	}
	s.mu.Unlock()
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != s.cfg.APIKey || pass != "" {
		writeError(w, http.StatusUnauthorized, "invalid API key")
		return
	}
	if r.URL.Query().Has("api_key") {
		writeError(w, http.StatusBadRequest, "the fake wants the key in Basic auth only")
		return
	}
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
			msg = fmt.Sprintf("scripted %d", a.Status)
		}
		writeError(w, a.Status, msg)
		return
	}
	l, msg := s.parse(r, object)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	s.mu.Lock()
	if key := l.Fields["idempotency_key"]; key != "" {
		if i, ok := s.byKey[key]; ok {
			orig := s.letters[i]
			s.mu.Unlock()
			writeJSON(w, http.StatusConflict, map[string]any{"success": true, "data": letterJSON(orig)})
			return
		}
		s.byKey[key] = len(s.letters)
	}
	s.next++
	l.ID = strconv.Itoa(s.next)
	l.Created = s.cfg.Now().UTC()
	s.letters = append(s.letters, l)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": letterJSON(l)})
}

// parse reads a create request of object as the documented multipart
// form, or returns what is wrong with it.
func (s *Server) parse(r *http.Request, object string) (Letter, string) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return Letter{}, "expected multipart/form-data"
	}
	if err := r.ParseMultipartForm(10 << 20); err != nil {
		return Letter{}, "form: " + err.Error()
	}
	l := Letter{Object: object, Recipient: map[string]string{}, Fields: map[string]string{}}
	for k, vs := range r.MultipartForm.Value {
		if len(vs) != 1 {
			return Letter{}, "field " + k + " given more than once"
		}
		if inner, ok := strings.CutPrefix(k, "recipient["); ok && strings.HasSuffix(inner, "]") {
			l.Recipient[strings.TrimSuffix(inner, "]")] = vs[0]
			continue
		}
		l.Fields[k] = vs[0]
	}
	for _, f := range []string{"address1", "city", "postcode", "country"} {
		if strings.TrimSpace(l.Recipient[f]) == "" {
			return Letter{}, "recipient[" + f + "] is required"
		}
	}
	for _, b := range []string{"test", "duplex", "post_unverified"} {
		if v, ok := l.Fields[b]; ok && v != "true" && v != "false" {
			return Letter{}, b + " must be true or false"
		}
	}
	if object == "postcard" {
		return parsePostcard(r, l)
	}
	if v, ok := l.Fields["size"]; ok && v != "A4" && v != "US-LETTER" {
		return Letter{}, "size must be A4 or US-LETTER"
	}
	files := r.MultipartForm.File["file"]
	switch {
	case len(files) == 1:
		f, err := files[0].Open()
		if err != nil {
			return Letter{}, "file: " + err.Error()
		}
		defer f.Close()
		l.File, _ = io.ReadAll(f)
		l.FileType = files[0].Header.Get("Content-Type")
		if len(l.File) == 0 {
			return Letter{}, "file is empty"
		}
	case l.Fields["template"] == "":
		return Letter{}, "one of template or file is required"
	}
	return l, ""
}

// parsePostcard reads a postcard's own fields: size (A6, A5, 4x6, 6x9,
// 6x11) required; a front, as an uploaded file or a URL, required; a back
// as a file or URL, or a message.
func parsePostcard(r *http.Request, l Letter) (Letter, string) {
	switch l.Fields["size"] {
	case "A6", "A5", "4x6", "6x9", "6x11":
	case "":
		return Letter{}, "size is required"
	default:
		return Letter{}, "size must be A6, A5, 4x6, 6x9 or 6x11"
	}
	read := func(name string) ([]byte, string) {
		files := r.MultipartForm.File[name]
		if len(files) != 1 {
			return nil, ""
		}
		f, err := files[0].Open()
		if err != nil {
			return nil, name + ": " + err.Error()
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		if len(b) == 0 {
			return nil, name + " is empty"
		}
		return b, ""
	}
	var msg string
	if l.Front, msg = read("front"); msg != "" {
		return Letter{}, msg
	}
	if l.Back, msg = read("back"); msg != "" {
		return Letter{}, msg
	}
	switch {
	case l.Front == nil && !isURL(l.Fields["front"]):
		return Letter{}, "front is required: a file or a URL"
	case l.Back == nil && !isURL(l.Fields["back"]) && strings.TrimSpace(l.Fields["message"]) == "":
		return Letter{}, "one of back or message is required"
	}
	return l, ""
}

func isURL(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") }

func letterJSON(l Letter) map[string]any {
	return map[string]any{"id": json.Number(l.ID), "created": l.Created.Format(time.DateTime), "status": "received"}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Status is a mailpiece's status change, for a webhook delivery.
type Status struct {
	// LetterID is the mailpiece's ID.
	LetterID string
	// Status is Stannp's status (printing, dispatched, delivered,
	// returned…).
	Status string
	// At is when it changed.
	At time.Time
}

// DeliveryBody returns a mailpiece_status delivery of statuses, each
// mailpiece carrying the tags of the letter it names when the fake took it.
func (s *Server) DeliveryBody(statuses ...Status) ([]byte, error) {
	s.mu.Lock()
	byID := map[string]Letter{}
	for _, l := range s.letters {
		byID[l.ID] = l
	}
	s.mu.Unlock()
	pieces := make([]map[string]any, 0, len(statuses))
	created := time.Time{}
	for _, st := range statuses {
		mp := map[string]any{"id": json.Number(st.LetterID), "type": "letter", "status": st.Status,
			"updated": st.At.UTC().Format(time.DateTime)}
		if l, ok := byID[st.LetterID]; ok {
			mp["type"] = l.Object
			mp["tags"] = l.Fields["tags"]
			mp["created"] = l.Created.Format(time.DateTime)
		}
		if _, err := strconv.ParseInt(st.LetterID, 10, 64); err != nil {
			mp["id"] = st.LetterID
		}
		pieces = append(pieces, mp)
		if st.At.After(created) {
			created = st.At
		}
	}
	return json.Marshal(map[string]any{"webhook_id": 7, "event": "mailpiece_status",
		"created": created.UTC().Format(time.DateTime), "retries": 0, "mailpieces": pieces})
}

// Sign returns the X-Stannp-Signature of body under secret: the hex
// HMAC-SHA256 of the raw body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// SignedRequest returns the POST Stannp makes to url with body, signed
// with the fake's secret.
func (s *Server) SignedRequest(ctx context.Context, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Stannp-Signature", Sign(s.cfg.WebhookSecret, body))
	return req, nil
}
