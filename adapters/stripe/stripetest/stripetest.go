// Package stripetest is a fake of the part of Stripe the stripe adapter
// uses: subscriptions read by ID (GET /v1/subscriptions/{id}, bearer
// authentication, Stripe's error shape) and the events a subscription's
// life sends, as Stripe's event objects signed the way Stripe signs them
// (stripe-go's GenerateTestSignedPayload). Hosts test their billing
// wiring against it.
package stripetest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	stripego "github.com/stripe/stripe-go/v76"
	stripewebhook "github.com/stripe/stripe-go/v76/webhook"
)

// Config configures a [Server]; every field has a default.
type Config struct {
	// APIKey is the secret key requests must carry as a bearer token.
	// Default "sk_test_stripetest".
	APIKey string
	// WebhookSecret signs the events. Default "whsec_stripetest".
	WebhookSecret string
	// APIVersion is the version the events say they are rendered in.
	// Default stripe-go's.
	APIVersion string
	// Now tells the time of the events and their signatures. Default
	// time.Now.
	Now func() time.Time
}

// Subscription is a subscription the fake holds.
type Subscription struct {
	ID, Customer, Price, Status string
	PeriodEnd                   time.Time
	Metadata                    map[string]string
}

// Event is one event the fake sent: its ID, type and body, unsigned.
type Event struct {
	ID, Type string
	Body     []byte
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg Config
	srv *httptest.Server

	mu    sync.Mutex
	subs  map[string]*Subscription
	seq   int
	fails []int // statuses the next reads answer
	reads int
}

// NewServer starts the fake on 127.0.0.1.
func NewServer(cfg Config) *Server {
	if cfg.APIKey == "" {
		cfg.APIKey = "sk_test_stripetest"
	}
	if cfg.WebhookSecret == "" {
		cfg.WebhookSecret = "whsec_stripetest"
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = stripego.APIVersion
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, subs: map[string]*Subscription{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/subscriptions/{id}", s.getSubscription)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request_error", "", "Unrecognized request URL ("+r.Method+": "+r.URL.Path+").")
	})
	s.srv = httptest.NewServer(mux) // on 127.0.0.1
	return s
}

// URL is the API's root, for the adapter's Config.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// APIKey is the key requests must carry.
func (s *Server) APIKey() string { return s.cfg.APIKey }

// WebhookSecret is the events' signing secret.
func (s *Server) WebhookSecret() string { return s.cfg.WebhookSecret }

// Close stops the fake.
func (s *Server) Close() { s.srv.Close() }

// Fail makes the next reads answer these HTTP statuses, one each.
func (s *Server) Fail(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, statuses...)
}

// Reads is how many subscription reads the fake answered.
func (s *Server) Reads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// Subscription returns the subscription with this ID.
func (s *Server) Subscription(id string) (Subscription, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[id]
	if !ok {
		return Subscription{}, false
	}
	return *sub, true
}

// Sign returns the Stripe-Signature header of body, signed at at.
func (s *Server) Sign(body []byte, at time.Time) string {
	return stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{
		Payload: body, Secret: s.cfg.WebhookSecret, Timestamp: at}).Header
}

// Checkout has a customer with email and name subscribe to price through
// a checkout session whose metadata is md, and returns what Stripe sends:
// checkout.session.completed, customer.subscription.created and the first
// invoice's invoice.paid. The subscription's ID is the last return value.
func (s *Server) Checkout(email, name, price string, md map[string]string) ([]Event, string) {
	s.mu.Lock()
	cus, sub := s.id("cus_"), s.id("sub_")
	s.mu.Unlock()
	return s.CheckoutAs(cus, sub, email, name, price, md), sub
}

// CheckoutAs is Checkout for a customer and subscription of the given IDs,
// for a host whose own records name them.
func (s *Server) CheckoutAs(cus, subID, email, name, price string, md map[string]string) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	sub := &Subscription{ID: subID, Customer: cus, Price: price, Status: "active", PeriodEnd: now.AddDate(0, 1, 0), Metadata: md}
	s.subs[sub.ID] = sub
	session := map[string]any{"id": s.id("cs_"), "object": "checkout.session", "mode": "subscription", "status": "complete",
		"customer": cus, "subscription": sub.ID, "metadata": orEmpty(md),
		"customer_details": map[string]any{"email": email, "name": name}}
	return []Event{
		s.event("checkout.session.completed", session, nil),
		s.event("customer.subscription.created", s.subJSON(sub), nil),
		s.event("invoice.paid", s.invoiceJSON(sub, "subscription_create", true, false, email, name), nil),
	}
}

// ChangePrice moves the subscription to another price and returns the
// customer.subscription.updated event, the previous items in its
// previous_attributes.
func (s *Server) ChangePrice(subID, price string) (Event, error) {
	return s.with(subID, func(sub *Subscription) Event {
		before := s.subJSON(sub)["items"]
		sub.Price = price
		return s.event("customer.subscription.updated", s.subJSON(sub), map[string]any{"items": before})
	})
}

// Renew bills the next period and returns its invoice.paid event.
func (s *Server) Renew(subID string) (Event, error) {
	return s.with(subID, func(sub *Subscription) Event {
		sub.PeriodEnd = sub.PeriodEnd.AddDate(0, 1, 0)
		return s.event("invoice.paid", s.invoiceJSON(sub, "subscription_cycle", true, false, "", ""), nil)
	})
}

// FailPayment fails the renewal's payment and returns its
// invoice.payment_failed event; final means Stripe will not try again.
func (s *Server) FailPayment(subID string, final bool) (Event, error) {
	return s.with(subID, func(sub *Subscription) Event {
		sub.Status = "past_due"
		return s.event("invoice.payment_failed", s.invoiceJSON(sub, "subscription_cycle", false, !final, "", ""), nil)
	})
}

// Cancel ends the subscription and returns customer.subscription.deleted.
func (s *Server) Cancel(subID string) (Event, error) {
	return s.with(subID, func(sub *Subscription) Event {
		sub.Status = "canceled"
		return s.event("customer.subscription.deleted", s.subJSON(sub), nil)
	})
}

// with changes subscription subID by f, under the lock, and returns the
// event f makes.
func (s *Server) with(subID string, f func(*Subscription) Event) (Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[subID]
	if !ok {
		return Event{}, fmt.Errorf("stripetest: no subscription %s", subID)
	}
	return f(sub), nil
}

// id returns a new ID with prefix. Called with s.mu held.
func (s *Server) id(prefix string) string {
	s.seq++
	sum := sha256.Sum256([]byte("stripetest/" + strconv.Itoa(s.seq)))
	return prefix + hex.EncodeToString(sum[:7])
}

// event builds an event object. Called with s.mu held.
func (s *Server) event(typ string, object map[string]any, previous map[string]any) Event {
	data := map[string]any{"object": object}
	if previous != nil {
		data["previous_attributes"] = previous
	}
	id := s.id("evt_")
	body, _ := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": s.cfg.APIVersion,
		"created": s.cfg.Now().Unix(), "type": typ, "data": data, "livemode": false, "pending_webhooks": 1,
		"request": map[string]any{"id": nil, "idempotency_key": nil}})
	return Event{ID: id, Type: typ, Body: body}
}

// subJSON is a subscription as Stripe renders it. Called with s.mu held.
func (s *Server) subJSON(sub *Subscription) map[string]any {
	return map[string]any{"id": sub.ID, "object": "subscription", "customer": sub.Customer, "status": sub.Status,
		"current_period_end": sub.PeriodEnd.Unix(), "metadata": orEmpty(sub.Metadata),
		"items": map[string]any{"object": "list", "has_more": false, "url": "/v1/subscription_items?subscription=" + sub.ID,
			"data": []any{map[string]any{"id": "si_" + sub.ID[len("sub_"):], "object": "subscription_item",
				"price": map[string]any{"id": sub.Price, "object": "price", "currency": "aud", "unit_amount": 49900}}}}}
}

// invoiceJSON is an invoice of the subscription. Called with s.mu held.
func (s *Server) invoiceJSON(sub *Subscription, reason string, paid, retry bool, email, name string) map[string]any {
	in := map[string]any{"id": s.id("in_"), "object": "invoice", "customer": sub.Customer, "subscription": sub.ID,
		"billing_reason": reason, "currency": "aud", "amount_due": 49900, "paid": paid,
		"period_end": sub.PeriodEnd.Unix(), "attempt_count": 1, "next_payment_attempt": nil,
		"customer_email": email, "customer_name": name}
	if paid {
		in["amount_paid"] = 49900
	} else {
		in["amount_paid"] = 0
	}
	if retry {
		in["next_payment_attempt"] = s.cfg.Now().Add(72 * time.Hour).Unix()
	}
	return in
}

func orEmpty(md map[string]string) map[string]string {
	if md == nil {
		return map[string]string{}
	}
	return md
}

func (s *Server) getSubscription(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.cfg.APIKey {
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "", "Invalid API Key provided.")
		return
	}
	s.mu.Lock()
	s.reads++
	if len(s.fails) > 0 {
		status := s.fails[0]
		s.fails = s.fails[1:]
		s.mu.Unlock()
		writeError(w, status, "api_error", "", "stripetest: scripted failure")
		return
	}
	sub, ok := s.subs[r.PathValue("id")]
	var body map[string]any
	if ok {
		body = s.subJSON(sub)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "invalid_request_error", "resource_missing", "No such subscription: '"+r.PathValue("id")+"'")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_stripetest")
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	if strings.HasPrefix(code, "resource_") {
		e["param"] = "id"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}
