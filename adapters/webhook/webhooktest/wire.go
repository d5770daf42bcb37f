package webhooktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

// The test provider's JSON: one delivery is an object with a list of events,
// each an object with exactly one of "message", "billing" and
// "provisioning":
//
//	{"events": [
//	  {"message": {"provider": "webhooktest", "id": "ev_1", "type": "replied", "kind": "email",
//	               "message_id": "m_1", "from": "ann@example.com", "at": "2026-03-02T09:00:00Z"}},
//	  {"billing": {"provider": "stripe", "id": "evt_1", "type": "subscription_started",
//	               "customer": "cus_1", "subscription": "sub_1", "plan": "starter", "at": "…"}},
//	  {"provisioning": {"provider": "infraforge", "id": "ev_2", "type": "domain_ready",
//	                    "kind": "domain", "ref": "dom_1", "address": "acme-mail.com", "at": "…"}}
//	]}
//
// Types and kinds are plain strings on the wire: the decoder passes them on
// as they are, and the handler's validation judges them.

type wireBody struct {
	Events []wireEvent `json:"events"`
}

type wireEvent struct {
	Message      *wireMessage      `json:"message,omitempty"`
	Billing      *wireBilling      `json:"billing,omitempty"`
	Provisioning *wireProvisioning `json:"provisioning,omitempty"`
}

type wireMessage struct {
	Provider       string            `json:"provider"`
	ID             string            `json:"id"`
	Type           string            `json:"type,omitempty"`
	Kind           string            `json:"kind,omitempty"`
	MessageID      string            `json:"message_id,omitempty"`
	IdempotencyKey string            `json:"idempotency_key,omitempty"`
	From           string            `json:"from,omitempty"`
	To             string            `json:"to,omitempty"`
	At             time.Time         `json:"at,omitzero"`
	Detail         string            `json:"detail,omitempty"`
	ReturnAt       time.Time         `json:"return_at,omitzero"`
	Body           string            `json:"body,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`
}

type wireBilling struct {
	Provider     string            `json:"provider"`
	ID           string            `json:"id"`
	Type         string            `json:"type,omitempty"`
	Customer     string            `json:"customer,omitempty"`
	Subscription string            `json:"subscription,omitempty"`
	Plan         string            `json:"plan,omitempty"`
	PreviousPlan string            `json:"previous_plan,omitempty"`
	Final        bool              `json:"final,omitempty"`
	Email        string            `json:"email,omitempty"`
	Name         string            `json:"name,omitempty"`
	PeriodEnd    time.Time         `json:"period_end,omitzero"`
	Amount       int64             `json:"amount,omitempty"`
	Currency     string            `json:"currency,omitempty"`
	At           time.Time         `json:"at,omitzero"`
	Metadata     map[string]string `json:"metadata,omitempty"`
}

type wireProvisioning struct {
	Provider string    `json:"provider"`
	ID       string    `json:"id"`
	Type     string    `json:"type,omitempty"`
	Kind     string    `json:"kind,omitempty"`
	Ref      string    `json:"ref,omitempty"`
	Parent   string    `json:"parent,omitempty"`
	Address  string    `json:"address,omitempty"`
	At       time.Time `json:"at,omitzero"`
	Reason   string    `json:"reason,omitempty"`
}

// Encode returns the test provider's JSON body carrying events, in order.
// It encodes what it is given, valid or not, so that a test can send an
// invalid event; an Inbound with none set becomes an empty object.
func Encode(events ...outbound.Inbound) ([]byte, error) {
	w := wireBody{Events: make([]wireEvent, 0, len(events))}
	for _, in := range events {
		var e wireEvent
		if m := in.Message; m != nil {
			e.Message = &wireMessage{
				Provider: m.Provider, ID: m.ProviderEventID, Type: string(m.Type), Kind: string(m.Kind),
				MessageID: m.ProviderMessageID, IdempotencyKey: m.IdempotencyKey, From: m.From, To: m.To,
				At: m.At, Detail: m.Detail, ReturnAt: m.ReturnAt, Body: m.Body, Metadata: m.Metadata,
			}
		}
		if b := in.Billing; b != nil {
			e.Billing = &wireBilling{
				Provider: b.Provider, ID: b.ProviderEventID, Type: string(b.Type), Customer: b.Customer,
				Subscription: b.Subscription, Plan: b.Plan, PreviousPlan: b.PreviousPlan, Final: b.Final,
				Email: b.Email, Name: b.Name, PeriodEnd: b.PeriodEnd, Amount: b.Amount, Currency: b.Currency,
				At: b.At, Metadata: b.Metadata,
			}
		}
		if p := in.Provisioning; p != nil {
			e.Provisioning = &wireProvisioning{
				Provider: p.Provider, ID: p.ProviderEventID, Type: string(p.Type), Kind: string(p.Kind),
				Ref: p.ProviderRef, Parent: p.Parent, Address: p.Address, At: p.At, Reason: p.Reason,
			}
		}
		w.Events = append(w.Events, e)
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("webhooktest: encode: %w", err)
	}
	return b, nil
}

// maxEvents bounds how many events one delivery may carry.
const maxEvents = 1000

// Decoder decodes the test provider's JSON into events: a [webhook.Decoder].
// It refuses, with an error wrapping [webhook.ErrPayload], a body that is not
// one JSON object of that shape (unknown fields included) or that carries
// more than 1,000 events. It validates nothing else: the handler does.
// Instants come back in UTC.
type Decoder struct{}

var _ webhook.Decoder = Decoder{}

// Decode implements [webhook.Decoder]. The header is not used.
func (Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var w wireBody
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: %w", webhook.ErrPayload, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the JSON object", webhook.ErrPayload)
	}
	if w.Events == nil {
		return nil, fmt.Errorf(`%w: no "events" list`, webhook.ErrPayload)
	}
	if len(w.Events) > maxEvents {
		return nil, fmt.Errorf("%w: %d events, more than %d", webhook.ErrPayload, len(w.Events), maxEvents)
	}
	out := make([]outbound.Inbound, 0, len(w.Events))
	for _, e := range w.Events {
		var in outbound.Inbound
		if m := e.Message; m != nil {
			in.Message = &channel.Event{
				Provider: m.Provider, ProviderEventID: m.ID, Type: channel.EventType(m.Type), Kind: channel.Kind(m.Kind),
				ProviderMessageID: m.MessageID, IdempotencyKey: m.IdempotencyKey, From: m.From, To: m.To,
				At: utc(m.At), Detail: m.Detail, ReturnAt: utc(m.ReturnAt), Body: m.Body, Metadata: m.Metadata,
			}
		}
		if b := e.Billing; b != nil {
			in.Billing = &outbound.BillingEvent{
				Provider: b.Provider, ProviderEventID: b.ID, Type: outbound.BillingEventType(b.Type), Customer: b.Customer,
				Subscription: b.Subscription, Plan: b.Plan, PreviousPlan: b.PreviousPlan, Final: b.Final,
				Email: b.Email, Name: b.Name, PeriodEnd: utc(b.PeriodEnd), Amount: b.Amount, Currency: b.Currency,
				At: utc(b.At), Metadata: b.Metadata,
			}
		}
		if p := e.Provisioning; p != nil {
			in.Provisioning = &outbound.ProvisioningEvent{
				Provider: p.Provider, ProviderEventID: p.ID, Type: outbound.ProvisioningEventType(p.Type),
				Kind: outbound.ResourceKind(p.Kind), ProviderRef: p.Ref, Parent: p.Parent, Address: p.Address,
				At: utc(p.At), Reason: p.Reason,
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// utc returns t in UTC, and the zero time as it is.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
