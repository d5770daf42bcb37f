// Package warmforgetest is a fake Warmforge public API (v1) on 127.0.0.1,
// for the tests of the warmforge adapter and of hosts. It enforces the
// Authorization header ("Bearer <key>", or the plain key when told), the
// mailbox routes with or without the /workspaces/{id} prefix (an unknown
// workspace is 404), page and page_size (1–100) and the status filter of
// the mailbox list, from and to (YYYY-MM-DD) of the warmup stats, and
// mailboxIds (1–100) of the placement results; it keeps mailboxes with
// their status (active, access_lost, pending, suspended) and warmup flag,
// and answers warmup stats and placement results a test seeds. Failures
// (429 with Retry-After, 5xx, a lost answer) go through its [Gate], the
// one infraforgetest's fake uses.
//
// The bodies follow a third-party reading of Warmforge's Swagger (see
// adapters/warmforge): UNVERIFIED against the live API.
package warmforgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/outbound-go/outbound/adapters/infraforge/infraforgetest"
)

// The mailbox statuses.
const (
	StatusActive     = "active"
	StatusAccessLost = "access_lost"
	StatusPending    = "pending"
	StatusSuspended  = "suspended"
)

// Config configures a [Server].
type Config struct {
	// APIKey is the key. Default "wf_test_key".
	APIKey string
	// PlainKey makes the fake take the key as is instead of "Bearer <key>".
	PlainKey bool
	// WorkspaceID is the account's workspace. Default "wsp_1".
	WorkspaceID string
}

// Mailbox is a mailbox of the fake.
type Mailbox struct {
	ID, Address   string
	Status        string // default active
	Warm          bool
	WarmupEnabled bool
	HeatScore     int
}

// Day is one day of warmup stats.
type Day struct {
	Date                        string // YYYY-MM-DD
	SentCount, ReplyCount, Spam int
}

// Placement is a mailbox's latest placement test.
type Placement struct {
	Result, EmailSent, Pending int
	Date                       string
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg        Config
	srv        *httptest.Server
	gate       *infraforgetest.Gate
	mu         sync.Mutex
	mbs        []*Mailbox
	stats      map[string][]Day
	placements map[string]Placement
	seq        int
}

// NewServer starts a fake; Close it when done.
func NewServer(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = "wf_test_key"
	}
	if cfg.WorkspaceID == "" {
		cfg.WorkspaceID = "wsp_1"
	}
	auth := "Bearer " + cfg.APIKey
	if cfg.PlainKey {
		auth = cfg.APIKey
	}
	s := &Server{cfg: cfg, gate: infraforgetest.NewGate(auth), stats: map[string][]Day{}, placements: map[string]Placement{}}
	mux := http.NewServeMux()
	for _, pre := range []string{"", "/workspaces/{wid}"} {
		mux.HandleFunc("GET "+pre+"/mailboxes", s.list)
		mux.HandleFunc("GET "+pre+"/mailboxes/{address}", s.get)
		mux.HandleFunc("PATCH "+pre+"/mailboxes/{address}", s.patch)
		mux.HandleFunc("GET "+pre+"/mailboxes/{address}/warmup/stats", s.warmupStats)
		mux.HandleFunc("POST "+pre+"/mailboxes/placement-results/latest", s.latest)
	}
	s.srv = httptest.NewServer(s.gate.Wrap(route, mux))
	return s
}

// route names a request: its method and path without the workspace
// prefix, an address as {address}.
func route(r *http.Request) string {
	p := r.URL.Path
	if strings.HasPrefix(p, "/workspaces/") {
		if i := strings.Index(p[len("/workspaces/"):], "/"); i >= 0 {
			p = p[len("/workspaces/")+i:]
		}
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) >= 2 && segs[0] == "mailboxes" && segs[1] != "placement-results" {
		segs[1] = "{address}"
	}
	return r.Method + " /" + strings.Join(segs, "/")
}

// URL is the fake's base URL. APIKey, WorkspaceID: what it takes.
func (s *Server) URL() string         { return s.srv.URL }
func (s *Server) APIKey() string      { return s.cfg.APIKey }
func (s *Server) WorkspaceID() string { return s.cfg.WorkspaceID }

// Gate gives the fake's failures and counts its requests.
func (s *Server) Gate() *infraforgetest.Gate { return s.gate }

// Close shuts the fake down.
func (s *Server) Close() { s.srv.Close() }

// Add adds a mailbox (an ID is made when it has none; status active by
// default) and returns its ID, as a mailbox host's sync would.
func (s *Server) Add(m Mailbox) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.ID == "" {
		s.seq++
		m.ID = fmt.Sprintf("wfm_%04d", s.seq)
	}
	if m.Status == "" {
		m.Status = StatusActive
	}
	m.Address = strings.ToLower(m.Address)
	s.mbs = append(s.mbs, &m)
	return m.ID
}

// SetStatus sets the status of the mailbox at address.
func (s *Server) SetStatus(address, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.findLocked(address); m != nil {
		m.Status = status
	}
}

// SetStats seeds the warmup days of the mailbox at address.
func (s *Server) SetStats(address string, days ...Day) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats[strings.ToLower(address)] = days
}

// SetPlacement seeds the latest placement test of mailbox id.
func (s *Server) SetPlacement(id string, p Placement) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.placements[id] = p
}

// Mailbox returns a copy of the mailbox at address.
func (s *Server) Mailbox(address string) (Mailbox, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.findLocked(address); m != nil {
		return *m, true
	}
	return Mailbox{}, false
}

func (s *Server) findLocked(address string) *Mailbox {
	for _, m := range s.mbs {
		if m.Address == strings.ToLower(address) {
			return m
		}
	}
	return nil
}

// workspace answers 404 for a prefix naming another workspace.
func (s *Server) workspace(w http.ResponseWriter, r *http.Request) bool {
	if wid := r.PathValue("wid"); wid != "" && wid != s.cfg.WorkspaceID {
		infraforgetest.WriteError(w, http.StatusNotFound, "workspace not found")
		return false
	}
	return true
}

func (s *Server) json(m *Mailbox) map[string]any {
	return map[string]any{
		"id": m.ID, "address": m.Address, "workspaceID": s.cfg.WorkspaceID, "provider": "smtp", "status": m.Status,
		"warm": m.Warm, "warmupEnabled": m.WarmupEnabled,
		"healthReport": map[string]any{"address": m.Address, "heatScore": m.HeatScore, "blacklists": map[string]any{"detectedCount": 0}},
	}
}

// matches reports whether m passes the list's status filter.
func matches(m *Mailbox, status string) bool {
	switch status {
	case "all":
		return true
	case "warm":
		return m.Warm && m.Status == StatusActive
	case "disconnected":
		return m.Status == StatusAccessLost
	}
	return m.Status == status
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	if !s.workspace(w, r) {
		return
	}
	q := r.URL.Query()
	page, err1 := strconv.Atoi(q.Get("page"))
	size, err2 := strconv.Atoi(q.Get("page_size"))
	if err1 != nil || err2 != nil || page < 1 || size < 1 || size > 100 {
		infraforgetest.WriteError(w, http.StatusBadRequest, "page (from 1) and page_size (1 to 100) are required")
		return
	}
	status := q.Get("status")
	switch status {
	case "":
		status = "all"
	case "warm", "pending", "disconnected", "suspended", "all":
	default:
		infraforgetest.WriteError(w, http.StatusBadRequest, "status must be warm, pending, disconnected, suspended or all")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*Mailbox
	for _, m := range s.mbs {
		if matches(m, status) {
			match = append(match, m)
		}
	}
	from, to := min((page-1)*size, len(match)), min(page*size, len(match))
	out := make([]map[string]any, 0, to-from)
	for _, m := range match[from:to] {
		out = append(out, s.json(m))
	}
	infraforgetest.WriteJSON(w, http.StatusOK, map[string]any{"mailboxes": out, "page": page, "pageSize": size, "totalPages": (len(match) + size - 1) / size})
}

// mailbox finds the path's mailbox, answering 400 or 404 when it cannot.
func (s *Server) mailboxLocked(w http.ResponseWriter, r *http.Request) *Mailbox {
	addr, err := url.PathUnescape(r.PathValue("address"))
	if err != nil || !strings.Contains(addr, "@") {
		infraforgetest.WriteError(w, http.StatusBadRequest, "address must be an email address")
		return nil
	}
	m := s.findLocked(addr)
	if m == nil {
		infraforgetest.WriteError(w, http.StatusNotFound, "mailbox not found")
	}
	return m
}

// withMailbox runs f, under the lock, on the path's mailbox, when there is
// one.
func (s *Server) withMailbox(w http.ResponseWriter, r *http.Request, f func(m *Mailbox)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.mailboxLocked(w, r); m != nil {
		f(m)
	}
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	if s.workspace(w, r) {
		s.withMailbox(w, r, func(m *Mailbox) { infraforgetest.WriteJSON(w, http.StatusOK, s.json(m)) })
	}
}

func (s *Server) patch(w http.ResponseWriter, r *http.Request) {
	if !s.workspace(w, r) {
		return
	}
	var in map[string]json.RawMessage
	if !infraforgetest.DecodeJSON(w, r, &in) {
		return
	}
	known := map[string]bool{"warmupEnabled": true, "warmupStartDate": true, "warmupEndDate": true, "minEmailsPerDay": true,
		"maxEmailsPerDay": true, "emailRampUp": true, "replyRatePercent": true, "firstName": true, "lastName": true, "signature": true}
	var enabled *bool
	for k, v := range in {
		if !known[k] {
			infraforgetest.WriteError(w, http.StatusBadRequest, "unknown field "+k)
			return
		}
		if k == "warmupEnabled" && json.Unmarshal(v, &enabled) != nil {
			infraforgetest.WriteError(w, http.StatusBadRequest, "warmupEnabled must be a boolean")
			return
		}
	}
	s.withMailbox(w, r, func(m *Mailbox) {
		if enabled != nil {
			m.WarmupEnabled = *enabled
		}
		infraforgetest.WriteJSON(w, http.StatusOK, s.json(m))
	})
}

func (s *Server) warmupStats(w http.ResponseWriter, r *http.Request) {
	if !s.workspace(w, r) {
		return
	}
	q := r.URL.Query()
	from, err1 := time.Parse(time.DateOnly, q.Get("from"))
	to, err2 := time.Parse(time.DateOnly, q.Get("to"))
	if err1 != nil || err2 != nil || to.Before(from) {
		infraforgetest.WriteError(w, http.StatusBadRequest, "from and to (YYYY-MM-DD, from ≤ to) are required")
		return
	}
	s.withMailbox(w, r, func(m *Mailbox) {
		out := []map[string]any{}
		for _, d := range s.stats[m.Address] {
			if t, err := time.Parse(time.DateOnly, d.Date); err == nil && !t.Before(from) && !t.After(to) {
				out = append(out, map[string]any{"date": d.Date, "sentCount": d.SentCount, "replyCount": d.ReplyCount, "spamCount": d.Spam, "providerStats": map[string]any{}})
			}
		}
		infraforgetest.WriteJSON(w, http.StatusOK, map[string]any{"stats": out})
	})
}

func (s *Server) latest(w http.ResponseWriter, r *http.Request) {
	if !s.workspace(w, r) {
		return
	}
	var in struct {
		MailboxIDs []string `json:"mailboxIds"`
	}
	if !infraforgetest.DecodeJSON(w, r, &in) {
		return
	}
	if len(in.MailboxIDs) < 1 || len(in.MailboxIDs) > 100 {
		infraforgetest.WriteError(w, http.StatusBadRequest, "mailboxIds must hold 1 to 100 IDs")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, id := range in.MailboxIDs {
		p, ok := s.placements[id]
		if !ok {
			continue
		}
		addr := ""
		for _, m := range s.mbs {
			if m.ID == id {
				addr = m.Address
			}
		}
		out = append(out, map[string]any{"mailboxId": id, "address": addr, "provider": "smtp", "placementTest": map[string]any{
			"id": "pt_" + id, "date": p.Date, "emailSent": p.EmailSent, "result": p.Result, "pendingCount": p.Pending,
		}})
	}
	infraforgetest.WriteJSON(w, http.StatusOK, map[string]any{"results": out})
}
