package unipile

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
)

// DefaultLinkTTL is how long a hosted-auth link stays valid. Unipile asks
// for a short life (minutes to hours); a link that expires unused is made
// again on the pool's next check.
const DefaultLinkTTL = 24 * time.Hour

// SeatLink is one hosted-auth link the provisioner made for a seat of an
// order, and what became of it.
type SeatLink struct {
	// Name is the link's name, the order's key and the seat's ordinal
	// ("pool-linkedin_seat-3#1"): Unipile hands it back on connection.
	Name string
	// URL is Unipile's hosted authentication page for the seat's owner.
	URL string
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time
	// Delivered is set once ProvisionerConfig.Deliver took the link.
	Delivered bool
	// AccountID is the Unipile account connected through the link; "" until
	// then.
	AccountID string
	// ConnectedAt is when Unipile reported the account connected.
	ConnectedAt time.Time
}

// SeatLinks keeps the provisioner's links by name. The default,
// [NewMemoryStore], serves one process; a host whose notify route and pool
// run in different processes, or that restarts between the two, backs it
// with its database.
type SeatLinks interface {
	Link(ctx context.Context, name string) (SeatLink, bool, error)
	PutLink(ctx context.Context, l SeatLink) error
}

// ProvisionerConfig configures a [Provisioner].
type ProvisionerConfig struct {
	// Channel is the LinkedIn channel whose Unipile account, key and HTTP
	// client the provisioner uses. Required.
	Channel *Channel
	// NotifyURL is the host's public address of [Provisioner.NotifyHandler]:
	// Unipile posts the connected account there. Required, http(s).
	NotifyURL string
	// Secret is added to NotifyURL as its token query parameter and checked
	// in constant time by NotifyHandler: Unipile signs nothing. Required.
	Secret string
	// Deliver hands a new link to whoever connects the seat (an operator's
	// inbox, the dashboard): LinkedIn accounts are people's, so a person
	// logs in through Unipile's page. An error leaves the order open; the
	// link is handed over again on the pool's next check. Required.
	Deliver func(ctx context.Context, o outbound.Order, l SeatLink) error
	// Links keeps the links. Default: a [MemoryStore].
	Links SeatLinks
	// LinkTTL is each link's life. Default [DefaultLinkTTL].
	LinkTTL time.Duration
}

// Provisioner is the pool's Provisioner for LinkedIn seats (RP-008): a
// seat is bought by having its owner connect a LinkedIn account through
// Unipile's hosted authentication.
//
// Purchase makes one link per seat of the order (POST hosted/accounts/link,
// type create, provider LINKEDIN, named by the order's key and the seat's
// ordinal, with the notify URL) and hands it over with Deliver; it answers
// "taken, delivered later" (no resources, no error) until every seat of
// the order is connected, then returns the seats: Kind linkedin_seat,
// ProviderRef and Address the Unipile account ID (what the channel sends
// from), State available. The same order asked again makes no new link
// while the last is valid, so a retried order connects its seats once. A
// link that expired unused is made again and handed over again.
type Provisioner struct {
	cfg ProvisionerConfig
	ch  *Channel
	log *slog.Logger
}

var _ pool.Provisioner = (*Provisioner)(nil)

// NewProvisioner checks cfg and returns the provisioner, or a
// *invalid.FieldError naming the first missing or bad field.
func NewProvisioner(cfg ProvisionerConfig) (*Provisioner, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("unipile", "ProvisionerConfig", field, v, reason)
	}
	u, err := url.Parse(cfg.NotifyURL)
	switch {
	case cfg.Channel == nil:
		return nil, bad("Channel", nil, "required")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		return nil, bad("NotifyURL", cfg.NotifyURL, "want the http(s) address of the notify route")
	case cfg.Secret == "":
		return nil, bad("Secret", "", "required: Unipile signs nothing")
	case cfg.Deliver == nil:
		return nil, bad("Deliver", nil, "required: a person connects each seat through the link")
	case cfg.LinkTTL < 0:
		return nil, bad("LinkTTL", cfg.LinkTTL, "must not be negative")
	}
	q := u.Query()
	q.Set("token", cfg.Secret)
	u.RawQuery = q.Encode()
	cfg.NotifyURL = u.String()
	if cfg.Links == nil {
		cfg.Links = NewMemoryStore()
	}
	if cfg.LinkTTL == 0 {
		cfg.LinkTTL = DefaultLinkTTL
	}
	return &Provisioner{cfg: cfg, ch: cfg.Channel, log: cfg.Channel.log}, nil
}

// Purchase implements pool.Provisioner for linkedin_seat orders; any other
// kind is refused (pool.ErrPurchaseRefused).
func (p *Provisioner) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	switch {
	case o.Kind != outbound.KindLinkedInSeat:
		return nil, fmt.Errorf("%w: %w", pool.ErrPurchaseRefused,
			invalid.Field("unipile", "Order", "Kind", string(o.Kind), "Unipile connects linkedin_seat only"))
	case o.Count < 1:
		return nil, fmt.Errorf("%w: %w", pool.ErrPurchaseRefused, invalid.Field("unipile", "Order", "Count", o.Count, "must be at least 1"))
	case o.Key == "":
		return nil, fmt.Errorf("%w: %w", pool.ErrPurchaseRefused, invalid.Field("unipile", "Order", "Key", "", "required"))
	}
	now := p.ch.cfg.Now()
	var seats []outbound.Resource
	for i := 1; i <= o.Count; i++ {
		name := o.Key + "#" + strconv.Itoa(i)
		l, ok, err := p.cfg.Links.Link(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("unipile: seat link %s: %w", name, err)
		}
		switch {
		case ok && l.AccountID != "":
			seats = append(seats, outbound.Resource{Kind: outbound.KindLinkedInSeat, Provider: p.ch.cfg.Provider,
				ProviderRef: l.AccountID, Address: l.AccountID, State: outbound.StateAvailable, PurchasedAt: l.ConnectedAt})
			continue
		case !ok || !now.Before(l.ExpiresAt):
			if l, err = p.link(ctx, name, now); err != nil {
				return nil, err
			}
		}
		if !l.Delivered {
			if err := p.cfg.Deliver(ctx, o, l); err != nil {
				return nil, fmt.Errorf("unipile: handing over the link of seat %s: %w", name, err)
			}
			l.Delivered = true
			if err := p.cfg.Links.PutLink(ctx, l); err != nil {
				return nil, fmt.Errorf("unipile: seat link %s: %w", name, err)
			}
		}
	}
	if len(seats) < o.Count {
		return nil, nil // taken: the seats come when their owners connect them
	}
	return seats, nil
}

// link asks Unipile for a new hosted-auth link and stores it.
func (p *Provisioner) link(ctx context.Context, name string, now time.Time) (SeatLink, error) {
	l := SeatLink{Name: name, ExpiresAt: now.Add(p.cfg.LinkTTL).UTC()}
	body := map[string]any{
		"type": "create", "providers": []string{"LINKEDIN"}, "api_url": strings.TrimSuffix(p.ch.base, "/api/v1"),
		"expiresOn": l.ExpiresAt.Format("2006-01-02T15:04:05.000Z"), "notify_url": p.cfg.NotifyURL, "name": name,
	}
	var out struct {
		Object string `json:"object"`
		URL    string `json:"url"`
	}
	if err := p.ch.do(ctx, request{method: http.MethodPost, path: "/hosted/accounts/link", json: body}, &out); err != nil {
		if channel.Classify(err) == channel.ClassPermanent {
			return l, fmt.Errorf("%w: %w", pool.ErrPurchaseRefused, err)
		}
		return l, err
	}
	if out.URL == "" {
		return l, fmt.Errorf("unipile: hosted auth link of seat %s: the answer has no url", name)
	}
	l.URL = out.URL
	if err := p.cfg.Links.PutLink(ctx, l); err != nil {
		return l, fmt.Errorf("unipile: seat link %s: %w", name, err)
	}
	return l, nil
}

// Notification is what Unipile posts to the notify URL when an account is
// connected through a hosted-auth link.
type Notification struct {
	Status    string `json:"status"` // CREATION_SUCCESS, RECONNECTED
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
}

// ParseNotification decodes a notify body; a body without a status, an
// account ID or a name is an error naming the field.
func ParseNotification(body []byte) (Notification, error) {
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		return n, fmt.Errorf("unipile: notify body: %w", err)
	}
	for _, f := range []struct{ name, v string }{{"status", n.Status}, {"account_id", n.AccountID}, {"name", n.Name}} {
		if strings.TrimSpace(f.v) == "" {
			return n, invalid.Field("unipile", "Notification", f.name, "", "required")
		}
	}
	return n, nil
}

// NotifyHandler is the route of NotifyURL. A request without the secret
// token is answered 401 and changes nothing; a body that does not parse,
// 400; a connection under a name this provisioner did not make, 200 and
// ignored; a connection of one of its links is stored (the seat is
// returned by the order's next Purchase) and answered 200; a store that
// fails, 500, so that Unipile posts again.
func (p *Provisioner) NotifyHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("token")), []byte(p.cfg.Secret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxAnswer))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		n, err := ParseNotification(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch err := p.connected(r.Context(), n); {
		case errors.Is(err, errUnknownLink):
			p.log.InfoContext(r.Context(), "hosted auth notification for a link not ours", "name", n.Name)
		case err != nil:
			p.log.ErrorContext(r.Context(), "hosted auth notification not stored", "name", n.Name, "err", err)
			http.Error(w, "not stored", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

var errUnknownLink = errors.New("unipile: no such seat link")

// connected records the account a link connected.
func (p *Provisioner) connected(ctx context.Context, n Notification) error {
	l, ok, err := p.cfg.Links.Link(ctx, n.Name)
	switch {
	case err != nil:
		return err
	case !ok:
		return errUnknownLink
	case l.AccountID == n.AccountID:
		return nil // a redelivery
	}
	l.AccountID, l.ConnectedAt = n.AccountID, p.ch.cfg.Now().UTC()
	return p.cfg.Links.PutLink(ctx, l)
}
