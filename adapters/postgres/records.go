package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// getOne runs a query for one record; ErrNotFound when there is none.
func getOne[T any](ctx context.Context, s *Store, record string, key interface{ String() string }, sql string, args []any, scan func(pgx.Rows, *T) error) (*T, error) {
	rs, err := list(ctx, s, sql, args, scan)
	if err != nil {
		return nil, wrap(err, record, key)
	}
	if len(rs) == 0 {
		return nil, notFound(record, key)
	}
	return &rs[0], nil
}

// updated turns an update's affected row count into ErrNotFound when it
// changed nothing.
func updated(n int64, err error, record string, key interface{ String() string }) error {
	if err != nil {
		return wrap(err, record, key)
	}
	if n == 0 {
		return notFound(record, key)
	}
	return nil
}

// where builds a conjunction of conditions with positional arguments.
type where struct {
	conds []string
	args  []any
}

// add appends a condition in which each "?" is the next argument.
func (w *where) add(cond string, args ...any) {
	var b strings.Builder
	n := 0
	for _, r := range cond {
		if r == '?' {
			w.args = append(w.args, args[n])
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(len(w.args)))
			continue
		}
		b.WriteRune(r)
	}
	w.conds = append(w.conds, b.String())
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Clients

const clientCols = `client_id, name, plan, signup_at, default_zone, state, churned_at`

func scanClient(rows pgx.Rows, c *outbound.Client) error {
	return rows.Scan(scanID(&c.ID.UUID), &c.Name, &c.Plan, scanTime(&c.SignupAt), &c.DefaultZone, &c.State, scanTime(&c.ChurnedAt))
}

func clientArgs(c *outbound.Client) []any {
	return []any{id(c.ID.UUID), c.Name, c.Plan, ts(c.SignupAt), c.DefaultZone, string(c.State), ts(c.ChurnedAt)}
}

// CreateClient implements [storage.Clients].
func (s *Store) CreateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO clients (`+clientCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`, clientArgs(c)...)
	return wrap(err, "client", c.ID)
}

// GetClient implements [storage.Clients].
func (s *Store) GetClient(ctx context.Context, cid outbound.ClientID) (*outbound.Client, error) {
	return getOne(ctx, s, "client", cid, `SELECT `+clientCols+` FROM clients WHERE client_id = $1`, []any{id(cid.UUID)}, scanClient)
}

// ListClients implements [storage.Clients].
func (s *Store) ListClients(ctx context.Context) ([]outbound.Client, error) {
	cs, err := list(ctx, s, `SELECT `+clientCols+` FROM clients ORDER BY client_id`, nil, scanClient)
	return cs, wrapList(err, "clients")
}

// UpdateClient implements [storage.Clients].
func (s *Store) UpdateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	n, err := s.exec(ctx, `UPDATE clients SET name = $2, plan = $3, signup_at = $4, default_zone = $5, state = $6, churned_at = $7
		WHERE client_id = $1`, clientArgs(c)...)
	return updated(n, err, "client", c.ID)
}

// wrapList wraps a listing's error.
func wrapList(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrForbidden) || errors.Is(err, storage.ErrConflict) {
		return err
	}
	return wrap(err, "listing", stringer(what))
}

type stringer string

func (s stringer) String() string { return string(s) }

// Resources

const resourceCols = `id, client_id, kind, parent_id, provider, provider_ref, address, state,
	created_at, purchased_at, paused, pause_reason, held_until`

func scanResource(rows pgx.Rows, r *outbound.Resource) error {
	return rows.Scan(scanID(&r.ID.UUID), scanID(&r.Client.UUID), &r.Kind, scanID(&r.Parent.UUID), &r.Provider,
		&r.ProviderRef, &r.Address, &r.State, scanTime(&r.CreatedAt), scanTime(&r.PurchasedAt), &r.Paused,
		&r.PauseReason, scanTime(&r.HeldUntil))
}

func resourceArgs(r *outbound.Resource) []any {
	return []any{id(r.ID.UUID), ref(r.Client.UUID), string(r.Kind), ref(r.Parent.UUID), r.Provider, r.ProviderRef,
		r.Address, string(r.State), ts(r.CreatedAt), ts(r.PurchasedAt), r.Paused, r.PauseReason, ts(r.HeldUntil)}
}

// CreateResource implements [storage.Resources].
func (s *Store) CreateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO resources (`+resourceCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, resourceArgs(r)...)
	return wrap(err, "resource", r.ID)
}

// GetResource implements [storage.Resources].
func (s *Store) GetResource(ctx context.Context, rid outbound.ResourceID) (*outbound.Resource, error) {
	return getOne(ctx, s, "resource", rid, `SELECT `+resourceCols+` FROM resources WHERE id = $1`, []any{id(rid.UUID)}, scanResource)
}

// ListResources implements [storage.Resources].
func (s *Store) ListResources(ctx context.Context, f storage.ResourceFilter) ([]outbound.Resource, error) {
	var w where
	if f.Kind != "" {
		w.add(`kind = ?`, string(f.Kind))
	}
	if f.State != "" {
		w.add(`state = ?`, string(f.State))
	}
	if !f.Client.IsZero() {
		w.add(`client_id = ?`, id(f.Client.UUID))
	}
	if !f.Parent.IsZero() {
		w.add(`parent_id = ?`, id(f.Parent.UUID))
	}
	rs, err := list(ctx, s, `SELECT `+resourceCols+` FROM resources`+w.String()+` ORDER BY id`, w.args, scanResource)
	return rs, wrapList(err, "resources")
}

// UpdateResource implements [storage.Resources].
func (s *Store) UpdateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	n, err := s.exec(ctx, `UPDATE resources SET client_id = $2, kind = $3, parent_id = $4, provider = $5, provider_ref = $6,
		address = $7, state = $8, created_at = $9, purchased_at = $10, paused = $11, pause_reason = $12, held_until = $13
		WHERE id = $1`, resourceArgs(r)...)
	return updated(n, err, "resource", r.ID)
}

// Campaigns

const campaignCols = `id, client_id, name, sequence, state, created_at`

func scanCampaign(rows pgx.Rows, c *outbound.Campaign) error {
	return rows.Scan(scanID(&c.ID.UUID), scanID(&c.Client.UUID), &c.Name, &c.Sequence, &c.State, scanTime(&c.CreatedAt))
}

func campaignArgs(c *outbound.Campaign) []any {
	return []any{id(c.ID.UUID), id(c.Client.UUID), c.Name, c.Sequence, string(c.State), ts(c.CreatedAt)}
}

// CreateCampaign implements [storage.Campaigns].
func (s *Store) CreateCampaign(ctx context.Context, c *outbound.Campaign) error {
	if err := storage.CheckCampaign(c); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO campaigns (`+campaignCols+`) VALUES ($1, $2, $3, $4, $5, $6)`, campaignArgs(c)...)
	return wrap(err, "campaign", c.ID)
}

// GetCampaign implements [storage.Campaigns].
func (s *Store) GetCampaign(ctx context.Context, cid outbound.CampaignID) (*outbound.Campaign, error) {
	return getOne(ctx, s, "campaign", cid, `SELECT `+campaignCols+` FROM campaigns WHERE id = $1`, []any{id(cid.UUID)}, scanCampaign)
}

// ListCampaigns implements [storage.Campaigns].
func (s *Store) ListCampaigns(ctx context.Context, client outbound.ClientID) ([]outbound.Campaign, error) {
	var w where
	if !client.IsZero() {
		w.add(`client_id = ?`, id(client.UUID))
	}
	cs, err := list(ctx, s, `SELECT `+campaignCols+` FROM campaigns`+w.String()+` ORDER BY id`, w.args, scanCampaign)
	return cs, wrapList(err, "campaigns")
}

// UpdateCampaign implements [storage.Campaigns].
func (s *Store) UpdateCampaign(ctx context.Context, c *outbound.Campaign) error {
	if err := storage.CheckCampaign(c); err != nil {
		return err
	}
	n, err := s.exec(ctx, `UPDATE campaigns SET client_id = $2, name = $3, sequence = $4, state = $5, created_at = $6
		WHERE id = $1`, campaignArgs(c)...)
	return updated(n, err, "campaign", c.ID)
}
