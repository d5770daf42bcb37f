// Package infraforgetest is a fake InfraForge public API on 127.0.0.1, for
// the tests of the infraforge adapter and of hosts. It enforces what the
// adapter relies on: the Authorization header (the plain key), the routes
// and their methods, the workspaceId of every list and purchase, the
// purchase's fields (domains, the registrant's contact; mailboxes with
// domainId, username, firstName), page and size on the mailbox list; it
// keeps the account's domains, DNS records, mailboxes and credits, and
// answers the failures it is told to through its [Gate] (429 with
// Retry-After, 5xx, a lost answer after the purchase went through).
//
// The bodies are the adapter's reading of an API whose schemas are not
// published (UNVERIFIED): a host should not take them for InfraForge's.
package infraforgetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Config configures a [Server].
type Config struct {
	// APIKey is the key every request must carry as Authorization.
	// Default "if_test_key".
	APIKey string
	// WorkspaceID is the workspace the account has. Default "ws_1".
	WorkspaceID string
	// Credits the account holds: a domain costs DomainPrice, a mailbox
	// MailboxPrice. Default 1000.
	Credits int
	// DomainPrice and MailboxPrice default to 10 and 3.
	DomainPrice, MailboxPrice int
	// Taken are names already registered elsewhere: not available.
	Taken []string
	// DKIM makes the fake add a DKIM record to each domain bought, as
	// InfraForge's mail set-up does. Default false: DNS stays incomplete
	// until the test calls [Server.SetDKIM].
	DKIM bool
	// Bought, if set, is told each mailbox's address once it is bought
	// (outside the fake's lock): how a test or a demo connects it
	// elsewhere, as InfraForge's export to Warmforge does.
	Bought func(address string)
}

// Domain is a domain of the fake account.
type Domain struct {
	ID, Name, Workspace string
	Records             []Record
	Contact             map[string]any
}

// Record is a DNS record.
type Record struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Value    string `json:"value"`
	Editable bool   `json:"editable"`
}

// Mailbox is a mailbox of the fake account.
type Mailbox struct {
	ID, Email, DomainID, Workspace, FirstName, LastName string
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg   Config
	srv   *httptest.Server
	gate  *Gate
	mu    sync.Mutex
	doms  []*Domain
	mbs   []*Mailbox
	taken map[string]bool
	seq   int
}

// NewServer starts a fake; Close it when done.
func NewServer(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = "if_test_key"
	}
	if cfg.WorkspaceID == "" {
		cfg.WorkspaceID = "ws_1"
	}
	if cfg.Credits == 0 {
		cfg.Credits = 1000
	}
	if cfg.DomainPrice == 0 {
		cfg.DomainPrice = 10
	}
	if cfg.MailboxPrice == 0 {
		cfg.MailboxPrice = 3
	}
	s := &Server{cfg: cfg, gate: NewGate(cfg.APIKey), taken: map[string]bool{}}
	for _, n := range cfg.Taken {
		s.taken[strings.ToLower(n)] = true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /check-domain-availability", s.check)
	mux.HandleFunc("POST /check-domain-availability-bulk", s.checkBulk)
	mux.HandleFunc("GET /domains", s.listDomains)
	mux.HandleFunc("POST /domains", s.buyDomains)
	mux.HandleFunc("GET /domains/{id}/dns", s.getDNS)
	mux.HandleFunc("PUT /domains/{id}/dns", s.putDNS)
	mux.HandleFunc("GET /mailboxes", s.listMailboxes)
	mux.HandleFunc("POST /mailboxes", s.buyMailboxes)
	mux.HandleFunc("GET /credits/balance", s.balance)
	s.srv = httptest.NewServer(s.gate.Wrap(route, mux))
	return s
}

// route names a request: its method and path, IDs as {id}.
func route(r *http.Request) string {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) >= 2 && (segs[0] == "domains" || segs[0] == "mailboxes") && segs[1] != "bulk-dns" && segs[1] != "generate" {
		segs[1] = "{id}"
	}
	return r.Method + " /" + strings.Join(segs, "/")
}

// URL is the fake's base URL, for Config.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// APIKey is the key the fake takes.
func (s *Server) APIKey() string { return s.cfg.APIKey }

// WorkspaceID is the fake account's workspace.
func (s *Server) WorkspaceID() string { return s.cfg.WorkspaceID }

// Gate gives the fake's failures and counts its requests.
func (s *Server) Gate() *Gate { return s.gate }

// Close shuts the fake down.
func (s *Server) Close() { s.srv.Close() }

// Take makes name unavailable, as if someone else registered it.
func (s *Server) Take(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taken[strings.ToLower(name)] = true
}

// SetCredits sets the account's credits.
func (s *Server) SetCredits(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Credits = n
}

// Credits returns the account's credits.
func (s *Server) Credits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Credits
}

// SetDKIM adds a DKIM record to the domain name, as InfraForge does once
// its mail set-up completes.
func (s *Server) SetDKIM(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.doms {
		if d.Name == name {
			d.Records = append(d.Records, dkim())
		}
	}
}

func dkim() Record {
	return Record{Name: "infraforge._domainkey", Type: "TXT", Value: "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"}
}

// Domains returns a copy of the account's domains, in purchase order.
func (s *Server) Domains() []Domain {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := values(s.doms)
	for i := range out {
		out[i].Records = slices.Clone(out[i].Records)
	}
	return out
}

// values copies what ps point at.
func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// Mailboxes returns a copy of the account's mailboxes, in purchase order.
func (s *Server) Mailboxes() []Mailbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	return values(s.mbs)
}

// DecodeJSON reads a JSON body into v, answering 415 without the JSON
// content type and 400 for a body that does not decode.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		WriteError(w, http.StatusUnsupportedMediaType, "content type must be application/json")
		return false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		WriteError(w, http.StatusBadRequest, "invalid body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) workspace(w http.ResponseWriter, ws string) bool {
	switch ws {
	case "":
		WriteError(w, http.StatusBadRequest, "workspaceId is required")
		return false
	case s.cfg.WorkspaceID:
		return true
	}
	WriteError(w, http.StatusNotFound, "workspace not found")
	return false
}

// availableLocked reports whether name can be bought.
func (s *Server) availableLocked(name string) bool {
	if s.taken[name] {
		return false
	}
	for _, d := range s.doms {
		if d.Name == name {
			return false
		}
	}
	return validName(name)
}

func validName(n string) bool {
	labels := strings.Split(n, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	return true
}

func (s *Server) check(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(r.URL.Query().Get("domain"))
	if name == "" {
		WriteError(w, http.StatusBadRequest, "domain is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	WriteJSON(w, http.StatusOK, map[string]any{"domain": name, "available": s.availableLocked(name)})
}

func (s *Server) checkBulk(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Domains []string `json:"domains"`
	}
	if !DecodeJSON(w, r, &in) {
		return
	}
	if len(in.Domains) == 0 {
		WriteError(w, http.StatusBadRequest, "domains is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, 0, len(in.Domains))
	for _, n := range in.Domains {
		n = strings.ToLower(n)
		out = append(out, map[string]any{"domain": n, "available": s.availableLocked(n)})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) listDomains(w http.ResponseWriter, r *http.Request) {
	if !s.workspace(w, r.URL.Query().Get("workspaceId")) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, 0, len(s.doms))
	for _, d := range s.doms {
		out = append(out, map[string]any{"id": d.ID, "name": d.Name, "workspaceId": d.Workspace, "status": "active"})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"data": out})
}

// contactFields are the registrant fields a purchase must carry.
var contactFields = []string{"firstName", "lastName", "email", "address", "city", "postalCode", "country"}

func (s *Server) buyDomains(w http.ResponseWriter, r *http.Request) {
	var in struct {
		WorkspaceID string         `json:"workspaceId"`
		Domains     []string       `json:"domains"`
		Contact     map[string]any `json:"contact"`
	}
	if !DecodeJSON(w, r, &in) || !s.workspace(w, in.WorkspaceID) {
		return
	}
	if len(in.Domains) == 0 {
		WriteError(w, http.StatusBadRequest, "domains is required")
		return
	}
	for _, f := range contactFields {
		if v, _ := in.Contact[f].(string); strings.TrimSpace(v) == "" {
			WriteError(w, http.StatusBadRequest, "contact."+f+" is required")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range in.Domains {
		if !s.availableLocked(strings.ToLower(n)) {
			WriteError(w, http.StatusUnprocessableEntity, fmt.Sprintf("domain %s is not available", n))
			return
		}
	}
	if cost := len(in.Domains) * s.cfg.DomainPrice; cost > s.cfg.Credits {
		WriteError(w, http.StatusPaymentRequired, fmt.Sprintf("insufficient credits: %d needed, %d left", cost, s.cfg.Credits))
		return
	}
	var out []map[string]any
	for _, n := range in.Domains {
		s.seq++
		d := &Domain{ID: fmt.Sprintf("dom_%04d", s.seq), Name: strings.ToLower(n), Workspace: in.WorkspaceID, Contact: in.Contact}
		if s.cfg.DKIM {
			d.Records = append(d.Records, dkim())
		}
		s.doms = append(s.doms, d)
		s.cfg.Credits -= s.cfg.DomainPrice
		out = append(out, map[string]any{"id": d.ID, "name": d.Name})
	}
	WriteJSON(w, http.StatusCreated, map[string]any{"data": out})
}

func (s *Server) domainLocked(w http.ResponseWriter, id string) *Domain {
	for _, d := range s.doms {
		if d.ID == id {
			return d
		}
	}
	WriteError(w, http.StatusNotFound, "domain not found")
	return nil
}

func (s *Server) getDNS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.domainLocked(w, r.PathValue("id")); d != nil {
		WriteJSON(w, http.StatusOK, map[string]any{"records": d.Records})
	}
}

func (s *Server) putDNS(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Records []Record `json:"records"`
	}
	if !DecodeJSON(w, r, &in) {
		return
	}
	for i, rec := range in.Records {
		switch strings.ToUpper(rec.Type) {
		case "A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA":
		default:
			WriteError(w, http.StatusBadRequest, fmt.Sprintf("records[%d].type %q is not a record type", i, rec.Type))
			return
		}
		if rec.Name == "" || rec.Value == "" {
			WriteError(w, http.StatusBadRequest, fmt.Sprintf("records[%d]: name and value are required", i))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.domainLocked(w, r.PathValue("id")); d != nil {
		d.Records = in.Records
		WriteJSON(w, http.StatusOK, map[string]any{"records": d.Records})
	}
}

func (s *Server) listMailboxes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !s.workspace(w, q.Get("workspaceId")) {
		return
	}
	page, err1 := strconv.Atoi(q.Get("page"))
	size, err2 := strconv.Atoi(q.Get("size"))
	if err1 != nil || err2 != nil || page < 1 || size < 1 || size > 100 {
		WriteError(w, http.StatusBadRequest, "page (from 1) and size (1 to 100) are required")
		return
	}
	search := strings.ToLower(q.Get("search"))
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []*Mailbox
	for _, m := range s.mbs {
		if strings.Contains(m.Email, search) {
			match = append(match, m)
		}
	}
	total := (len(match) + size - 1) / size
	from, to := min((page-1)*size, len(match)), min(page*size, len(match))
	out := make([]map[string]any, 0, to-from)
	for _, m := range match[from:to] {
		out = append(out, map[string]any{"id": m.ID, "email": m.Email, "domainId": m.DomainID, "status": "active"})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"data": out, "page": page, "size": size, "totalPages": total, "total": len(match)})
}

func (s *Server) buyMailboxes(w http.ResponseWriter, r *http.Request) {
	var in struct {
		WorkspaceID string `json:"workspaceId"`
		Mailboxes   []struct {
			DomainID  string `json:"domainId"`
			Username  string `json:"username"`
			FirstName string `json:"firstName"`
			LastName  string `json:"lastName"`
		} `json:"mailboxes"`
	}
	if !DecodeJSON(w, r, &in) || !s.workspace(w, in.WorkspaceID) {
		return
	}
	if len(in.Mailboxes) == 0 {
		WriteError(w, http.StatusBadRequest, "mailboxes is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var add []*Mailbox
	for i, m := range in.Mailboxes {
		if m.Username == "" || m.FirstName == "" {
			WriteError(w, http.StatusBadRequest, fmt.Sprintf("mailboxes[%d]: username and firstName are required", i))
			return
		}
		d := s.domainLocked(w, m.DomainID)
		if d == nil {
			return
		}
		email := strings.ToLower(m.Username) + "@" + d.Name
		for _, o := range s.mbs {
			if o.Email == email {
				WriteError(w, http.StatusConflict, "mailbox "+email+" already exists")
				return
			}
		}
		add = append(add, &Mailbox{Email: email, DomainID: d.ID, Workspace: in.WorkspaceID, FirstName: m.FirstName, LastName: m.LastName})
	}
	if cost := len(add) * s.cfg.MailboxPrice; cost > s.cfg.Credits {
		WriteError(w, http.StatusPaymentRequired, fmt.Sprintf("insufficient credits: %d needed, %d left", cost, s.cfg.Credits))
		return
	}
	var out []map[string]any
	for _, m := range add {
		s.seq++
		m.ID = fmt.Sprintf("mbx_%04d", s.seq)
		s.mbs = append(s.mbs, m)
		s.cfg.Credits -= s.cfg.MailboxPrice
		out = append(out, map[string]any{"id": m.ID, "email": m.Email})
	}
	if s.cfg.Bought != nil {
		s.mu.Unlock()
		for _, m := range add {
			s.cfg.Bought(m.Email)
		}
		s.mu.Lock()
	}
	WriteJSON(w, http.StatusCreated, map[string]any{"data": out})
}

func (s *Server) balance(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	WriteJSON(w, http.StatusOK, map[string]any{"balance": s.cfg.Credits})
}
