package main

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

// The pool's routes are the agency's: an admin token's only.

// adminOnly refuses a client's token as a route it may not know of.
func adminOnly(p principal) error {
	if !p.admin {
		return notFound("route")
	}
	return nil
}

type poolKindJSON struct {
	Kind        string         `json:"kind"`
	States      map[string]int `json:"states"`
	BufferRatio float64        `json:"buffer_ratio"` // available / (available + assigned); the pool buys below 0.4
}

type orderJSON struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Count     int       `json:"count"`
	Provider  string    `json:"provider,omitempty"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
}

// getPool answers the pool by kind and state, with each kind's buffer, and
// the purchases in flight.
func (a *api) getPool(w http.ResponseWriter, r *http.Request, p principal) error {
	if err := adminOnly(p); err != nil {
		return err
	}
	rs, err := a.store(p).ListResources(r.Context(), storage.ResourceFilter{})
	if err != nil {
		return err
	}
	byKind := map[outbound.ResourceKind]map[string]int{}
	for _, res := range rs {
		if byKind[res.Kind] == nil {
			byKind[res.Kind] = map[string]int{}
		}
		byKind[res.Kind][string(res.State)]++
	}
	out := struct {
		Kinds    []poolKindJSON `json:"kinds"`
		InFlight []orderJSON    `json:"purchases_in_flight"`
	}{Kinds: []poolKindJSON{}, InFlight: []orderJSON{}}
	for _, k := range []outbound.ResourceKind{outbound.KindDomain, outbound.KindMailbox, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender} {
		states := byKind[k]
		if states == nil {
			states = map[string]int{}
		}
		pk := poolKindJSON{Kind: string(k), States: states}
		avail, assigned := states[string(outbound.StateAvailable)], states[string(outbound.StateAssigned)]
		if avail+assigned > 0 {
			pk.BufferRatio = float64(avail) / float64(avail+assigned)
		}
		out.Kinds = append(out.Kinds, pk)
	}
	orders, err := a.store(p).ListOrders(r.Context(), outbound.OrderPending, outbound.OrderPlaced)
	if err != nil {
		return err
	}
	for _, o := range orders {
		out.InFlight = append(out.InFlight, orderJSON{ID: o.ID.String(), Kind: string(o.Kind), Count: o.Count, Provider: o.Provider,
			State: string(o.State), CreatedAt: o.CreatedAt})
	}
	return writeJSON(w, http.StatusOK, out)
}

type resourceJSON struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Provider    string `json:"provider"`
	ProviderRef string `json:"provider_ref"`
	Address     string `json:"address"`
	State       string `json:"state"`
	ClientID    string `json:"client_id,omitempty"`
	Paused      bool   `json:"paused"`
	PauseReason string `json:"pause_reason,omitempty"`
}

func resourceOf(r *outbound.Resource) resourceJSON {
	out := resourceJSON{ID: r.ID.String(), Kind: string(r.Kind), Provider: r.Provider, ProviderRef: r.ProviderRef, Address: r.Address,
		State: string(r.State), Paused: r.Paused, PauseReason: string(r.PauseReason)}
	if !r.Client.IsZero() {
		out.ClientID = r.Client.String()
	}
	return out
}

// registerResources adds the agency's own domains, mailboxes, numbers,
// seats and senders: each with its provider, provider ID, address and
// purchase date (warmup counts from it). Registering the same again
// changes nothing.
func (a *api) registerResources(w http.ResponseWriter, r *http.Request, p principal) error {
	if err := adminOnly(p); err != nil {
		return err
	}
	var in []struct {
		Kind        string    `json:"kind"`
		Provider    string    `json:"provider"`
		ProviderRef string    `json:"provider_ref"`
		Address     string    `json:"address"`
		PurchasedAt time.Time `json:"purchased_at"`
		Domain      string    `json:"domain"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	regs := make([]pool.Registration, 0, len(in))
	for _, x := range in {
		regs = append(regs, pool.Registration{Kind: outbound.ResourceKind(x.Kind), Provider: x.Provider, ProviderRef: x.ProviderRef,
			Address: x.Address, PurchasedAt: x.PurchasedAt, Domain: x.Domain})
	}
	rs, err := a.svc.Pool().Register(r.Context(), regs)
	if err != nil {
		return err
	}
	out := make([]resourceJSON, 0, len(rs))
	for i := range rs {
		out = append(out, resourceOf(&rs[i]))
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"items": out})
}

// pauseResource pauses a resource (with the operator's reason) or resumes
// it: its touches move to the client's other resources meanwhile.
func (a *api) pauseResource(pause bool) handler {
	return func(w http.ResponseWriter, r *http.Request, p principal) error {
		if err := adminOnly(p); err != nil {
			return err
		}
		id, err := idParam[outbound.ResourceID](r, "resource")
		if err != nil {
			return err
		}
		if pause {
			var in struct {
				Reason string `json:"reason"`
			}
			if err := decodeJSON(r, &in); err != nil {
				return err
			}
			if in.Reason == "" {
				return badRequest("reason", "", "say why the resource is paused")
			}
			_, err = a.svc.Pool().Pause(r.Context(), id, in.Reason)
		} else {
			err = a.svc.Pool().Resume(r.Context(), id)
		}
		if errors.Is(err, storage.ErrNotFound) {
			return notFound("resource")
		}
		if err != nil {
			return err
		}
		res, err := a.store(p).GetResource(r.Context(), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, resourceOf(res))
	}
}

// alertLog keeps the pool's latest alerts for the API, and hands each to
// the next alerter (the log): a per-process view, newest first.
type alertLog struct {
	next pool.Alerter
	mu   sync.Mutex
	last []pool.Alert
}

// alertsKept is how many alerts the log keeps.
const alertsKept = 500

// Alert implements pool.Alerter.
func (l *alertLog) Alert(ctx context.Context, a pool.Alert) error {
	l.mu.Lock()
	l.last = append(l.last, a)
	if len(l.last) > alertsKept {
		l.last = slices.Delete(l.last, 0, len(l.last)-alertsKept)
	}
	l.mu.Unlock()
	if l.next == nil {
		return nil
	}
	return l.next.Alert(ctx, a)
}

func (l *alertLog) newestFirst() []pool.Alert {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.last)
	slices.Reverse(out)
	return out
}

type alertJSON struct {
	Kind     string    `json:"kind"`
	Resource string    `json:"resource_id,omitempty"`
	Client   string    `json:"client_id,omitempty"`
	Message  string    `json:"message"`
	Count    int       `json:"count,omitempty"`
	At       time.Time `json:"at"`
}

func (a *api) listAlerts(w http.ResponseWriter, r *http.Request, p principal) error {
	if err := adminOnly(p); err != nil {
		return err
	}
	out := []alertJSON{}
	if a.alerts != nil {
		for _, al := range a.alerts.newestFirst() {
			j := alertJSON{Kind: string(al.Kind), Message: al.Message, Count: al.Count, At: al.At}
			if !al.Resource.IsZero() {
				j.Resource = al.Resource.String()
			}
			if !al.Client.IsZero() {
				j.Client = al.Client.String()
			}
			out = append(out, j)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

type eventJSON struct {
	ID       string    `json:"id"`
	Provider string    `json:"provider"`
	Type     string    `json:"type"`
	Channel  string    `json:"channel,omitempty"`
	TouchID  string    `json:"touch_id,omitempty"`
	At       time.Time `json:"at"`
	Class    string    `json:"reply_class,omitempty"`
	Body     string    `json:"body,omitempty"`
}

// leadEvents answers what the lead's providers reported: deliveries,
// replies with their class, opt-outs, call outcomes.
func (a *api) leadEvents(w http.ResponseWriter, r *http.Request, p principal) error {
	l, err := a.lead(r, p)
	if err != nil {
		return err
	}
	evs, err := a.store(p).ListEvents(r.Context(), l.Client)
	if err != nil {
		return err
	}
	out := []eventJSON{}
	for _, e := range evs {
		if e.Lead != l.ID {
			continue
		}
		j := eventJSON{ID: e.ID.String(), Provider: e.Provider, Type: string(e.Type), Channel: string(e.Kind), At: e.At,
			Class: e.Metadata["reply_class"], Body: e.Body}
		if e.Topic != "" && e.Topic != outbound.TopicMessage {
			j.Type = string(e.Topic)
		}
		if !e.Touch.IsZero() {
			j.TouchID = e.Touch.String()
		}
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
