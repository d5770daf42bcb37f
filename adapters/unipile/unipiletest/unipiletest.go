// Package unipiletest is a fake Unipile (v1 API, LinkedIn) on 127.0.0.1 for
// the tests of the unipile adapter and of hosts: it checks what the real
// API documents (paths, the X-API-KEY header, JSON and multipart fields,
// the note's length, the seat's account state), records invitations and
// messages, answers 429 or 500 when told, and delivers webhooks (with the
// secret header the host gave at creation) for accepted invitations,
// replies and account statuses, by hand or drawn from a seed.
//
// The error types it answers beyond those Unipile documents
// (errors/too_many_characters, errors/disconnected_account) are its own
// names: the adapter classifies by HTTP status, not by type.
package unipiletest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/outbound-go/outbound/adapters/adaptertest"
	"github.com/outbound-go/outbound/invalid"
)

// Profile is a LinkedIn member the fake knows.
type Profile struct {
	PublicID   string // the /in/<public-id> of the profile URL
	ProviderID string // LinkedIn's member ID ("ACoAA…")
	FirstName  string
	LastName   string
}

// ProfileURL is the member's profile URL.
func (p Profile) ProfileURL() string { return "https://www.linkedin.com/in/" + p.PublicID + "/" }

// Account is a seat: a LinkedIn account connected to Unipile.
type Account struct {
	ID         string // Unipile's account ID
	ProviderID string // the seat's own LinkedIn member ID
}

// Config configures a [Server].
type Config struct {
	// APIKey is the key every request must carry as X-API-KEY. Required.
	APIKey string
	// Accounts are the seats, each in status OK. At least one, unless
	// AnyAccount.
	Accounts []Account
	// AnyAccount makes the fake take every other account ID for a seat in
	// status OK the first time a request or a status names it, with a
	// made-up provider ID: a host whose pool names its seats as it likes
	// tests without listing them.
	AnyAccount bool
	// Profiles are the members the fake knows.
	Profiles []Profile
	// AnyProfile makes the fake answer every other public identifier with
	// a made-up member, as if LinkedIn had them all.
	AnyProfile bool
	// MaxNote is the longest note, in characters. Default 300.
	MaxNote int
	// Seed seeds [Server.Simulate].
	Seed uint64
	// Now tells the time. Required.
	Now func() time.Time
	// Client delivers webhooks. Default: a client with a 10 s timeout.
	Client *http.Client
}

// Invitation is a connection request the fake took.
type Invitation struct {
	ID         string
	AccountID  string
	ProviderID string
	Note       string
	At         time.Time
	Accepted   bool
}

// Message is a message in a chat.
type Message struct {
	ID        string
	ChatID    string
	AccountID string
	// SenderID is the sender's provider ID: the seat's for a message it
	// sent.
	SenderID string
	FromSeat bool
	Text     string
	At       time.Time
}

// Answer is a failure the fake gives to the next send.
type Answer struct {
	Status     int
	RetryAfter time.Duration // sent as whole seconds when positive
	Type       string        // "errors/…"
	Title      string
	Hang       bool // do not answer until the client gives up
}

type hook struct {
	id, url, source string
	headers         [][2]string
}

type chat struct {
	id, accountID, attendee string
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg  Config
	srv  *httptest.Server
	mu   sync.Mutex
	rng  *rand.Rand
	seq  int
	next []Answer

	status      map[string]string  // account → status
	seats       map[string]Account // account → seat
	profiles    map[string]Profile // public or provider ID → profile
	invitations []*Invitation
	relations   map[[2]string]bool // account, provider ID
	chats       []*chat
	messages    []Message
	hooks       []hook
	links       []*HostedLink
	stop        chan struct{}
}

// New starts the fake on 127.0.0.1.
func New(cfg Config) (*Server, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("unipiletest", "Config", field, v, reason)
	}
	switch {
	case cfg.APIKey == "":
		return nil, bad("APIKey", "", "required")
	case len(cfg.Accounts) == 0 && !cfg.AnyAccount:
		return nil, bad("Accounts", "[]", "at least one seat, or AnyAccount")
	case cfg.Now == nil:
		return nil, bad("Now", nil, "required")
	}
	if cfg.MaxNote == 0 {
		cfg.MaxNote = 300
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Server{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		status: map[string]string{}, seats: map[string]Account{}, profiles: map[string]Profile{},
		relations: map[[2]string]bool{}, stop: make(chan struct{})}
	for _, a := range cfg.Accounts {
		s.status[a.ID], s.seats[a.ID] = "OK", a
	}
	for _, p := range cfg.Profiles {
		s.profiles[p.PublicID], s.profiles[p.ProviderID] = p, p
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("unipiletest: listening: %w", err)
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener = l
	s.srv.Start()
	return s, nil
}

// Close stops the fake, releasing any request it holds.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// DSN is the fake's API address, for the adapter's Config.DSN.
func (s *Server) DSN() string { return s.srv.URL }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// FailNext makes the fake give a to the next send (an invitation, a chat
// started, a message, a hosted-auth link), and the sends after it the
// answers queued behind.
func (s *Server) FailNext(a Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = append(s.next, a)
}

// Invitations returns the invitations taken, in order.
func (s *Server) Invitations() []Invitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copies(s.invitations)
}

// copies returns copies of what ps point to, so that callers read a
// snapshot the fake no longer changes.
func copies[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// Messages returns every message in every chat, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Profile returns the member the fake knows by public or provider ID.
func (s *Server) Profile(id string) (Profile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.profiles[id]
	return p, ok
}

// Delivered is how many invitations and seat messages reached the member
// known by public or provider ID (0 for one the fake never saw).
func (s *Server) Delivered(member string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.profiles[member]
	if !ok {
		return 0
	}
	n := 0
	for _, in := range s.invitations {
		if in.ProviderID == p.ProviderID {
			n++
		}
	}
	for _, m := range s.messages {
		if m.FromSeat && s.chatAttendee(m.ChatID) == p.ProviderID {
			n++
		}
	}
	return n
}

func (s *Server) chatAttendee(id string) string {
	for _, c := range s.chats {
		if c.id == id {
			return c.attendee
		}
	}
	return ""
}

// Control returns the conformance suite's control over the fake. member
// names the recipient of the suite's message with idempotency key key (a
// public or provider ID): Unipile sees no keys, so the fake counts what
// reached that member.
func (s *Server) Control(member func(key string) string) adaptertest.Control {
	return control{s: s, member: member}
}

type control struct {
	s      *Server
	member func(string) string
}

func (c control) Fail(f adaptertest.Failure, retryAfter time.Duration) {
	switch f {
	case adaptertest.FailRejected:
		c.s.FailNext(Answer{Status: http.StatusUnprocessableEntity, Type: "errors/invalid_recipient", Title: "Recipient cannot be reached"})
	case adaptertest.FailRateLimited:
		c.s.FailNext(Answer{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Type: "errors/too_many_requests", Title: "Too many requests"})
	case adaptertest.FailUnavailable:
		c.s.FailNext(Answer{Status: http.StatusServiceUnavailable, Type: "errors/service_unavailable", Title: "Service unavailable"})
	case adaptertest.FailHang:
		c.s.FailNext(Answer{Hang: true})
	}
}

// Supports: Unipile has no opt-out answer.
func (c control) Supports(f adaptertest.Failure) bool { return f != adaptertest.FailOptedOut }

func (c control) Delivered(key string) int { return c.s.Delivered(c.member(key)) }

// id returns a new ID with prefix.
func (s *Server) id(prefix string) string {
	s.seq++
	return prefix + strconv.Itoa(s.seq)
}

// problem writes Unipile's v1 error shape.
func problem(w http.ResponseWriter, status int, typ, title string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "type": typ, "title": title})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-API-KEY") != s.cfg.APIKey {
		problem(w, http.StatusUnauthorized, "errors/missing_credentials", "Missing or wrong X-API-KEY")
		return
	}
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v1/")
	if !ok {
		problem(w, http.StatusNotFound, "errors/not_found", "Unknown path")
		return
	}
	seg := strings.Split(path, "/")
	switch {
	case r.Method == http.MethodPost && path == "users/invite":
		s.send(w, r, s.invite)
	case r.Method == http.MethodGet && path == "users/invite/sent":
		s.listInvitations(w, r)
	case r.Method == http.MethodDelete && len(seg) == 4 && seg[0] == "users" && seg[1] == "invite" && seg[2] == "sent":
		s.cancel(w, r, seg[3])
	case r.Method == http.MethodGet && len(seg) == 2 && seg[0] == "users":
		s.profile(w, r, seg[1])
	case r.Method == http.MethodPost && path == "chats":
		s.send(w, r, s.startChat)
	case r.Method == http.MethodPost && len(seg) == 3 && seg[0] == "chats" && seg[2] == "messages":
		s.send(w, r, func(w http.ResponseWriter, r *http.Request) { s.writeChat(w, r, seg[1]) })
	case r.Method == http.MethodGet && len(seg) == 3 && seg[0] == "chats" && seg[2] == "messages":
		s.listMessages(w, r, seg[1])
	case r.Method == http.MethodPost && path == "webhooks":
		s.createWebhook(w, r)
	case r.Method == http.MethodPost && path == "hosted/accounts/link":
		s.send(w, r, s.hostedLink)
	default:
		problem(w, http.StatusNotFound, "errors/not_found", "Unknown path")
	}
}

// send gives the scripted answer, if any, then calls h.
func (s *Server) send(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	s.mu.Lock()
	var a *Answer
	if len(s.next) > 0 {
		a = &s.next[0]
		s.next = s.next[1:]
	}
	s.mu.Unlock()
	switch {
	case a == nil:
		h(w, r)
	case a.Hang:
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
	default:
		if a.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(a.RetryAfter/time.Second)))
		}
		problem(w, a.Status, a.Type, a.Title)
	}
}

// account checks the seat named by account_id; it writes the refusal and
// returns false when the seat cannot act. Called with s.mu held.
func (s *Server) account(w http.ResponseWriter, id string) bool {
	s.seat(id)
	st, ok := s.status[id]
	switch {
	case id == "":
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "account_id is required")
	case !ok:
		problem(w, http.StatusNotFound, "errors/resource_not_found", "Account not found")
	case st != "OK" && st != "RECONNECTED" && st != "SYNC_SUCCESS" && st != "CREATION_SUCCESS":
		problem(w, http.StatusUnauthorized, "errors/disconnected_account", "The account is "+st)
	default:
		return true
	}
	return false
}

// seat returns the seat with account ID id, making one up (in status OK)
// under AnyAccount. Called with s.mu held.
func (s *Server) seat(id string) (Account, bool) {
	if a, ok := s.seats[id]; ok {
		return a, true
	}
	if !s.cfg.AnyAccount || strings.TrimSpace(id) == "" {
		return Account{}, false
	}
	a := Account{ID: id, ProviderID: madeUpProviderID("seat:" + id)}
	s.status[id], s.seats[id] = "OK", a
	return a, true
}

// madeUpProviderID is a stable LinkedIn-like member ID for name.
func madeUpProviderID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "ACoAA" + strings.ToUpper(hex.EncodeToString(sum[:10]))
}

// member returns the profile known by id, making one up under AnyProfile.
// Called with s.mu held.
func (s *Server) member(id string) (Profile, bool) {
	if p, ok := s.profiles[id]; ok {
		return p, true
	}
	if !s.cfg.AnyProfile || id == "" || strings.HasPrefix(id, "ACoA") {
		return Profile{}, false
	}
	p := Profile{PublicID: id, ProviderID: madeUpProviderID(id), FirstName: id}
	s.profiles[p.PublicID], s.profiles[p.ProviderID] = p, p
	return p, true
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.account(w, r.URL.Query().Get("account_id")) {
		return
	}
	p, ok := s.member(id)
	if !ok {
		problem(w, http.StatusNotFound, "errors/resource_not_found", "Profile not found")
		return
	}
	reply(w, map[string]any{"object": "UserProfile", "provider": "LINKEDIN", "provider_id": p.ProviderID,
		"public_identifier": p.PublicID, "first_name": p.FirstName, "last_name": p.LastName})
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		problem(w, http.StatusUnsupportedMediaType, "errors/invalid_parameters", "JSON expected")
		return
	}
	var body struct {
		AccountID  string `json:"account_id"`
		ProviderID string `json:"provider_id"`
		Message    string `json:"message"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "Body does not parse")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.account(w, body.AccountID) {
		return
	}
	p, ok := s.profiles[body.ProviderID]
	switch {
	case body.ProviderID == "":
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "provider_id is required")
		return
	case !ok || p.ProviderID != body.ProviderID:
		problem(w, http.StatusNotFound, "errors/invalid_recipient", "Recipient not found")
		return
	case utf8.RuneCountInString(body.Message) > s.cfg.MaxNote:
		problem(w, http.StatusBadRequest, "errors/too_many_characters", "The message is too long")
		return
	case s.relations[[2]string{body.AccountID, p.ProviderID}]:
		problem(w, http.StatusUnprocessableEntity, "errors/already_connected", "Already connected")
		return
	}
	for _, in := range s.invitations {
		if in.AccountID == body.AccountID && in.ProviderID == p.ProviderID && !in.Accepted {
			problem(w, http.StatusUnprocessableEntity, "errors/already_invited_recently", "An invitation is pending")
			return
		}
	}
	in := &Invitation{ID: s.id("inv_"), AccountID: body.AccountID, ProviderID: p.ProviderID, Note: body.Message, At: s.cfg.Now()}
	s.invitations = append(s.invitations, in)
	reply(w, map[string]any{"object": "UserInvitationSent", "invitation_id": in.ID})
}

// page reads limit and cursor (an offset) and returns the slice bounds and
// the next cursor.
func page(r *http.Request, n int) (from, to int, next any) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	from, _ = strconv.Atoi(r.URL.Query().Get("cursor"))
	from = min(max(from, 0), n)
	to = min(from+limit, n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next
}

func (s *Server) listInvitations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := r.URL.Query().Get("account_id")
	if !s.account(w, acc) {
		return
	}
	var mine []*Invitation
	for _, in := range slices.Backward(s.invitations) {
		if in.AccountID == acc && !in.Accepted {
			mine = append(mine, in)
		}
	}
	from, to, next := page(r, len(mine))
	items := []map[string]any{}
	for _, in := range mine[from:to] {
		p := s.profiles[in.ProviderID]
		items = append(items, map[string]any{"object": "InvitationSent", "id": in.ID, "invited_user_id": in.ProviderID,
			"invited_user_public_id": p.PublicID, "invited_user": strings.TrimSpace(p.FirstName + " " + p.LastName),
			"date": in.At.UTC().Format(time.RFC3339), "invitation_text": in.Note})
	}
	reply(w, map[string]any{"object": "InvitationList", "items": items, "cursor": next})
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.account(w, r.URL.Query().Get("account_id")) {
		return
	}
	for i, in := range s.invitations {
		if in.ID == id && in.AccountID == r.URL.Query().Get("account_id") && !in.Accepted {
			s.invitations = slices.Delete(s.invitations, i, i+1)
			reply(w, map[string]any{"object": "InvitationCanceled"})
			return
		}
	}
	problem(w, http.StatusNotFound, "errors/resource_not_found", "No pending invitation with this ID")
}

// form reads a multipart/form-data body, as POST chats and POST
// chats/{id}/messages take.
func form(w http.ResponseWriter, r *http.Request) (map[string][]string, bool) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		problem(w, http.StatusUnsupportedMediaType, "errors/invalid_parameters", "multipart/form-data expected")
		return nil, false
	}
	if err := r.ParseMultipartForm(1 << 16); err != nil {
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "Body does not parse")
		return nil, false
	}
	return r.MultipartForm.Value, true
}

func (s *Server) startChat(w http.ResponseWriter, r *http.Request) {
	f, ok := form(w, r)
	if !ok {
		return
	}
	acc, text, attendees := first(f["account_id"]), first(f["text"]), f["attendees_ids"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.account(w, acc) {
		return
	}
	switch {
	case len(attendees) != 1:
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "One attendee expected")
		return
	case strings.TrimSpace(text) == "":
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "text is required")
		return
	}
	p, known := s.profiles[attendees[0]]
	if !known || p.ProviderID != attendees[0] {
		problem(w, http.StatusNotFound, "errors/invalid_recipient", "Recipient not found")
		return
	}
	c := s.chatWith(acc, p.ProviderID)
	m := s.post(c, s.seats[acc].ProviderID, true, text)
	reply(w, map[string]any{"object": "ChatStarted", "chat_id": c.id, "message_id": m.ID})
}

// chatWith returns the 1:1 chat of the seat with the member, started if
// need be. Called with s.mu held.
func (s *Server) chatWith(acc, providerID string) *chat {
	for _, c := range s.chats {
		if c.accountID == acc && c.attendee == providerID {
			return c
		}
	}
	c := &chat{id: s.id("chat_"), accountID: acc, attendee: providerID}
	s.chats = append(s.chats, c)
	return c
}

// post adds a message to c. Called with s.mu held.
func (s *Server) post(c *chat, sender string, fromSeat bool, text string) Message {
	m := Message{ID: s.id("msg_"), ChatID: c.id, AccountID: c.accountID, SenderID: sender, FromSeat: fromSeat, Text: text, At: s.cfg.Now()}
	s.messages = append(s.messages, m)
	return m
}

func (s *Server) writeChat(w http.ResponseWriter, r *http.Request, id string) {
	f, ok := form(w, r)
	if !ok {
		return
	}
	text := first(f["text"])
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.chats, func(c *chat) bool { return c.id == id })
	switch {
	case i < 0:
		problem(w, http.StatusNotFound, "errors/resource_not_found", "Chat not found")
		return
	case strings.TrimSpace(text) == "":
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "text is required")
		return
	}
	c := s.chats[i]
	if !s.account(w, c.accountID) {
		return
	}
	m := s.post(c, s.seats[c.accountID].ProviderID, true, text)
	reply(w, map[string]any{"object": "MessageSent", "message_id": m.ID})
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.chats, func(c *chat) bool { return c.id == id }) {
		problem(w, http.StatusNotFound, "errors/resource_not_found", "Chat not found")
		return
	}
	var in []Message
	for _, m := range slices.Backward(s.messages) {
		if m.ChatID == id {
			in = append(in, m)
		}
	}
	from, to, next := page(r, len(in))
	items := []map[string]any{}
	for _, m := range in[from:to] {
		isSender := 0
		if m.FromSeat {
			isSender = 1
		}
		items = append(items, map[string]any{"object": "Message", "id": m.ID, "chat_id": m.ChatID, "text": m.Text,
			"is_sender": isSender, "sender_id": m.SenderID, "timestamp": m.At.UTC().Format(time.RFC3339Nano)})
	}
	reply(w, map[string]any{"object": "MessageList", "items": items, "cursor": next})
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RequestURL string `json:"request_url"`
		Source     string `json:"source"`
		Headers    []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"headers"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body); err != nil || body.RequestURL == "" {
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "request_url is required")
		return
	}
	switch body.Source {
	case "messaging", "users", "account_status":
	default:
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "Unknown source")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h := hook{id: s.id("wh_"), url: body.RequestURL, source: body.Source}
	for _, kv := range body.Headers {
		h.headers = append(h.headers, [2]string{kv.Key, kv.Value})
	}
	s.hooks = append(s.hooks, h)
	w.WriteHeader(http.StatusCreated)
	reply(w, map[string]any{"object": "WebhookCreated", "webhook_id": h.id})
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// ErrDelivery is matched by the error of a webhook delivery the host's
// endpoint did not answer 2xx.
var ErrDelivery = errors.New("unipiletest: webhook not accepted")

// deliver posts body to every webhook of source, with the headers each
// was created with (and no Content-Type unless one of them sets it, as
// Unipile does for webhooks created through the API).
func (s *Server) deliver(ctx context.Context, source string, body []byte) error {
	s.mu.Lock()
	var hooks []hook
	for _, h := range s.hooks {
		if h.source == source {
			hooks = append(hooks, h)
		}
	}
	s.mu.Unlock()
	var errs []error
	for _, h := range hooks {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
		if err != nil {
			errs = append(errs, fmt.Errorf("unipiletest: webhook %s: %w", h.id, err))
			continue
		}
		for _, kv := range h.headers {
			req.Header.Set(kv[0], kv[1])
		}
		res, err := s.cfg.Client.Do(req)
		if err != nil {
			errs = append(errs, fmt.Errorf("unipiletest: webhook %s: %w", h.id, err))
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode/100 != 2 {
			errs = append(errs, fmt.Errorf("%w: webhook %s answered %s", ErrDelivery, h.id, res.Status))
		}
	}
	return errors.Join(errs...)
}
