// Package hubspottest is a fake HubSpot for tests: an httptest server on
// 127.0.0.1 that answers the CRM calls adapters/hubspot makes as HubSpot
// documents them — contacts upserted by email
// (/crm/v3/objects/contacts/batch/upsert), deals created with their
// associations (/crm/v3/objects/deals) and searched by a property
// (/crm/v3/objects/deals/search) — behind a private app's bearer token,
// with HubSpot's error body, pipelines and stages that must exist, deal
// properties that must be defined, and failures scripted by the test.
package hubspottest

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

// Answer is a scripted failure: the next request gets it instead of its
// answer.
type Answer struct {
	Status     int           // the status to answer (429, 500, 400, …)
	Category   string        // HubSpot's category in the body; default by status
	RetryAfter time.Duration // a Retry-After header, when set
	Hang       bool          // answer nothing until the request is cancelled
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
	closed   chan struct{}
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
	s := &Server{cfg: cfg, next: 100, closed: make(chan struct{})}
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

// Close stops the fake, ending the requests it holds.
func (s *Server) Close() {
	close(s.closed)
	s.srv.Close()
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

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// refuse writes HubSpot's error body.
func refuse(w http.ResponseWriter, status int, category, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "error", "message": fmt.Sprintf(format, args...),
		"correlationId": "c0ffee00-0000-4000-8000-000000000000", "category": category})
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
		var a *Answer
		if len(s.fail) > 0 {
			a = &s.fail[0]
			s.fail = s.fail[1:]
		}
		s.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+s.cfg.Token {
			refuse(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
				"Authentication credentials not found. This API supports OAuth 2.0 authentication.")
			return
		}
		if a != nil {
			if a.Hang {
				// The body read, the server notices the client hanging up.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-s.closed:
				}
				return
			}
			if a.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(a.RetryAfter.Seconds())))
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
			refuse(w, a.Status, cat, "scripted failure")
			return
		}
		next.ServeHTTP(w, r)
	})
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
	s.mu.Lock()
	defer s.mu.Unlock()
	var results []map[string]any
	for _, x := range in.Inputs {
		if x.IDProperty != "email" || strings.TrimSpace(x.ID) == "" {
			refuse(w, http.StatusBadRequest, "VALIDATION_ERROR", "idProperty must be a unique property (email) with an id")
			return
		}
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
