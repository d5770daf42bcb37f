// Package hubspottest is a fake HubSpot for tests: an httptest server on
// 127.0.0.1 that answers the CRM calls adapters/hubspot makes as HubSpot
// documents them — contacts upserted by email
// (/crm/v3/objects/contacts/batch/upsert), deals created with their
// associations (/crm/v3/objects/deals) and searched by a property
// (/crm/v3/objects/deals/search) — behind a private app's bearer token,
// with HubSpot's error body, pipelines and stages that must exist, deal
// properties that must be defined, and failures scripted by the test.
//
// The fake indexes a deal for search as soon as it is created, unless the
// test holds the index (HoldIndex) to play HubSpot's search lag.
package hubspottest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures the fake.
type Config struct {
	// Token is the private app token the fake accepts. Default
	// "pat-na1-test".
	Token string
	// Pipelines are the deal pipelines and their stages. Default
	// {"default": appointmentscheduled, qualifiedtobuy, presentationscheduled,
	// decisionmakerboughtin, contractsent, closedwon, closedlost}.
	Pipelines map[string][]string
	// DealProperties are the custom deal properties the account defines
	// (HubSpot's own are always known). Default {"outbound_booking_key"}.
	DealProperties []string
}

// Answer is a scripted failure: the next request that carries the token
// gets it instead of its answer.
type Answer struct {
	// Status is the status to answer (429, 500, 400, …). 207 answers a
	// batch's multi-status body: no results, one error of Category.
	Status int
	// Category is HubSpot's category in the body. Default by status:
	// RATE_LIMITS for 429, INTERNAL_ERROR for 5xx, VALIDATION_ERROR else.
	Category string
	// Policy is the limit a 429 names (policyName). Default
	// TEN_SECONDLY_ROLLING for a 429.
	Policy string
	// RetryAfter sets a Retry-After header, in whole seconds, when not 0.
	RetryAfter time.Duration
	// Header holds more headers to answer with (a Retry-After date).
	Header http.Header
	// Body, when set, is answered as it is instead of HubSpot's JSON.
	Body string
	// Hang answers nothing until the request is cancelled or the fake
	// closed.
	Hang bool
}

// Contact is a contact the fake holds.
type Contact struct {
	ID         string
	Properties map[string]string
}

// Deal is a deal the fake holds, with the contacts it is associated with.
type Deal struct {
	ID         string
	Properties map[string]string
	Contacts   []string
	// TypeIDs are the association type IDs the deal was associated with.
	TypeIDs []int
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg      Config
	srv      *httptest.Server
	mu       sync.Mutex
	next     int
	contacts []*Contact
	deals    []*Deal
	fail     []Answer
	requests int
	held     bool            // deals created now are not yet searchable
	unfound  map[string]bool // IDs of the deals search does not see yet
	closed   chan struct{}
	close    sync.Once
}

// New starts the fake; Close stops it.
func New(cfg Config) *Server {
	if cfg.Token == "" {
		cfg.Token = "pat-na1-test"
	}
	if cfg.Pipelines == nil {
		cfg.Pipelines = map[string][]string{"default": {"appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
			"decisionmakerboughtin", "contractsent", "closedwon", "closedlost"}}
	}
	if cfg.DealProperties == nil {
		cfg.DealProperties = []string{"outbound_booking_key"}
	}
	s := &Server{cfg: cfg, next: 100, unfound: map[string]bool{}, closed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /crm/v3/objects/contacts/batch/upsert", s.upsertContacts)
	mux.HandleFunc("POST /crm/v3/objects/deals", s.createDeal)
	mux.HandleFunc("POST /crm/v3/objects/deals/search", s.searchDeals)
	s.srv = httptest.NewServer(s.gate(mux))
	return s
}

// URL is the fake's API root, for hubspot.Config.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Token is the token the fake accepts.
func (s *Server) Token() string { return s.cfg.Token }

// Close stops the fake, ending the requests it holds. It may be called
// more than once.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.closed)
		s.srv.Close()
	})
}

// HoldIndex plays HubSpot's search lag: while held, a deal created is not
// found by search; released, every deal is. A test uses it to show what
// the lag allows (a deal pushed again at once is created twice).
func (s *Server) HoldIndex(held bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = held
	if !held {
		clear(s.unfound)
	}
}

// Fail scripts answers for the next requests, in order.
func (s *Server) Fail(answers ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = append(s.fail, answers...)
}

// Requests is how many requests the fake was sent.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Contacts returns copies of the contacts, by ID.
func (s *Server) Contacts() []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Contact, 0, len(s.contacts))
	for _, c := range s.contacts {
		out = append(out, Contact{ID: c.ID, Properties: clone(c.Properties)})
	}
	return out
}

// Deals returns copies of the deals, by ID.
func (s *Server) Deals() []Deal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Deal, 0, len(s.deals))
	for _, d := range s.deals {
		out = append(out, Deal{ID: d.ID, Properties: clone(d.Properties), Contacts: slices.Clone(d.Contacts), TypeIDs: slices.Clone(d.TypeIDs)})
	}
	return out
}

// DealContacts returns copies of the contacts the deal of that ID is
// associated with, or nil when there is no such deal.
func (s *Server) DealContacts(dealID string) []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Contact
	for _, d := range s.deals {
		if d.ID != dealID {
			continue
		}
		for _, id := range d.Contacts {
			for _, c := range s.contacts {
				if c.ID == id {
					out = append(out, Contact{ID: c.ID, Properties: clone(c.Properties)})
				}
			}
		}
	}
	return out
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// correlationID is the fake's correlationId in every error body.
const correlationID = "c0ffee00-0000-4000-8000-000000000000"

// refuse writes HubSpot's error body.
func refuse(w http.ResponseWriter, status int, category, format string, args ...any) {
	reply(w, status, errorBody(category, fmt.Sprintf(format, args...)))
}

func errorBody(category, message string) map[string]any {
	return map[string]any{"status": "error", "message": message, "correlationId": correlationID, "category": category}
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// gate counts the request, checks the token and plays a scripted failure.
func (s *Server) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		authed := r.Header.Get("Authorization") == "Bearer "+s.cfg.Token
		var a *Answer
		if authed && len(s.fail) > 0 {
			a = &s.fail[0]
			s.fail = s.fail[1:]
		}
		s.mu.Unlock()
		switch {
		case !authed:
			refuse(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
				"Authentication credentials not found. This API supports OAuth 2.0 authentication.")
		case a != nil:
			s.play(w, r, a)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// play answers a scripted failure.
func (s *Server) play(w http.ResponseWriter, r *http.Request, a *Answer) {
	if a.Hang {
		// The body read, the server notices the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		return
	}
	for k, vs := range a.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(a.RetryAfter.Seconds())))
	}
	if a.Body != "" {
		w.WriteHeader(a.Status)
		_, _ = io.WriteString(w, a.Body)
		return
	}
	cat := a.Category
	if cat == "" {
		switch {
		case a.Status == http.StatusTooManyRequests:
			cat = "RATE_LIMITS"
		case a.Status >= 500:
			cat = "INTERNAL_ERROR"
		default:
			cat = "VALIDATION_ERROR"
		}
	}
	body := errorBody(cat, "scripted failure")
	switch a.Status {
	case http.StatusTooManyRequests:
		body["policyName"] = cmp.Or(a.Policy, "TEN_SECONDLY_ROLLING")
		body["message"] = "You have reached your " + strings.ToLower(body["policyName"].(string)) + " limit."
	case http.StatusMultiStatus:
		reply(w, a.Status, map[string]any{"status": "COMPLETE", "results": []any{}, "numErrors": 1, "errors": []any{body}})
		return
	}
	reply(w, a.Status, body)
}

func (s *Server) id() string {
	s.next++
	return strconv.Itoa(s.next)
}

func (s *Server) upsertContacts(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Inputs []struct {
			IDProperty string            `json:"idProperty"`
			ID         string            `json:"id"`
			Properties map[string]string `json:"properties"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Inputs) == 0 {
		refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: expected inputs")
		return
	}
	for _, x := range in.Inputs { // a refused batch writes nothing
		if x.IDProperty != "email" || strings.TrimSpace(x.ID) == "" {
			refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "idProperty must be a unique property (email) with an id")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var results []map[string]any
	for _, x := range in.Inputs {
		var c *Contact
		for _, o := range s.contacts {
			if strings.EqualFold(o.Properties["email"], x.ID) {
				c = o
			}
		}
		isNew := c == nil
		if isNew {
			c = &Contact{ID: s.id(), Properties: map[string]string{"email": strings.ToLower(x.ID)}}
			s.contacts = append(s.contacts, c)
		}
		for k, v := range x.Properties {
			c.Properties[k] = v
		}
		c.Properties["email"] = strings.ToLower(c.Properties["email"]) // HubSpot keeps addresses in lower case
		results = append(results, map[string]any{"id": c.ID, "properties": c.Properties, "new": isNew})
	}
	reply(w, http.StatusOK, map[string]any{"status": "COMPLETE", "results": results})
}

// knownDealProperty reports whether the account defines a deal property.
func (s *Server) knownDealProperty(k string) bool {
	switch k {
	case "dealname", "pipeline", "dealstage", "amount", "closedate", "hubspot_owner_id", "description":
		return true
	}
	return slices.Contains(s.cfg.DealProperties, k)
}

func (s *Server) createDeal(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Properties   map[string]string `json:"properties"`
		Associations []struct {
			To struct {
				ID string `json:"id"`
			} `json:"to"`
			Types []struct {
				Category string `json:"associationCategory"`
				TypeID   int    `json:"associationTypeId"`
			} `json:"types"`
		} `json:"associations"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range in.Properties {
		if !s.knownDealProperty(k) {
			refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: Property %q does not exist", k)
			return
		}
	}
	pipeline := in.Properties["pipeline"]
	if pipeline == "" {
		pipeline = "default"
	}
	stages, ok := s.cfg.Pipelines[pipeline]
	if !ok {
		refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: %q is not a valid pipeline", pipeline)
		return
	}
	if st := in.Properties["dealstage"]; st != "" && !slices.Contains(stages, st) {
		refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: %q is not a valid deal stage of pipeline %q", st, pipeline)
		return
	}
	if cd := in.Properties["closedate"]; cd != "" {
		if _, err := time.Parse(time.RFC3339, cd); err != nil {
			refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property values were not valid: closedate %q", cd)
			return
		}
	}
	d := &Deal{ID: s.id(), Properties: clone(in.Properties)}
	d.Properties["pipeline"] = pipeline
	for _, a := range in.Associations {
		found := slices.ContainsFunc(s.contacts, func(c *Contact) bool { return c.ID == a.To.ID })
		if !found {
			refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "One or more associations are invalid: contact %s does not exist", a.To.ID)
			return
		}
		d.Contacts = append(d.Contacts, a.To.ID)
		for _, t := range a.Types {
			if t.Category != "HUBSPOT_DEFINED" {
				refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "associationCategory %q", t.Category)
				return
			}
			d.TypeIDs = append(d.TypeIDs, t.TypeID)
		}
	}
	s.deals = append(s.deals, d)
	if s.held {
		s.unfound[d.ID] = true
	}
	reply(w, http.StatusCreated, map[string]any{"id": d.ID, "properties": d.Properties, "archived": false})
}

func (s *Server) searchDeals(w http.ResponseWriter, r *http.Request) {
	var in struct {
		FilterGroups []struct {
			Filters []struct {
				PropertyName string `json:"propertyName"`
				Operator     string `json:"operator"`
				Value        string `json:"value"`
			} `json:"filters"`
		} `json:"filterGroups"`
		Limit int `json:"limit"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var results []map[string]any
	for _, d := range s.deals {
		if s.unfound[d.ID] {
			continue
		}
		match := len(in.FilterGroups) == 0
		for _, g := range in.FilterGroups {
			all := true
			for _, f := range g.Filters {
				if f.Operator != "EQ" {
					refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "operator %q is not supported by the fake", f.Operator)
					return
				}
				if !s.knownDealProperty(f.PropertyName) {
					refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "Property %q does not exist", f.PropertyName)
					return
				}
				all = all && d.Properties[f.PropertyName] == f.Value
			}
			match = match || all
		}
		if match {
			results = append(results, map[string]any{"id": d.ID, "properties": d.Properties})
		}
	}
	total := len(results)
	if in.Limit > 0 && len(results) > in.Limit {
		results = results[:in.Limit]
	}
	reply(w, http.StatusOK, map[string]any{"total": total, "results": results})
}
