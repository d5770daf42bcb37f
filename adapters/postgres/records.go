package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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

const clientCols = `client_id, name, plan, signup_at, default_zone, state, churned_at, billing_customer,
	billing_subscription, sending_paused_at, sending_pause_reason, answers, booking_url, version`

func scanClient(rows pgx.Rows, c *outbound.Client) error {
	return rows.Scan(scanID(&c.ID.UUID), &c.Name, &c.Plan, scanTime(&c.SignupAt), &c.DefaultZone, &c.State,
		scanTime(&c.ChurnedAt), &c.BillingCustomer, &c.BillingSubscription, scanTime(&c.SendingPausedAt),
		&c.SendingPauseReason, &c.Answers, &c.BookingURL, &c.Version)
}

// clientArgs are $1–$13: every column but the version.
func clientArgs(c *outbound.Client) []any {
	return []any{id(c.ID.UUID), c.Name, c.Plan, ts(c.SignupAt), c.DefaultZone, string(c.State), ts(c.ChurnedAt),
		c.BillingCustomer, c.BillingSubscription, ts(c.SendingPausedAt), string(c.SendingPauseReason), string(c.Answers),
		c.BookingURL}
}

// CreateClient implements [storage.Clients]: the primary key and the
// unique billing keys refuse a duplicate with ErrConflict.
func (s *Store) CreateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO clients (`+clientCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)`,
		clientArgs(c)...)
	if err != nil {
		return wrap(err, "client", c.ID)
	}
	c.Version = 1
	return nil
}

// GetClient implements [storage.Clients].
func (s *Store) GetClient(ctx context.Context, cid outbound.ClientID) (*outbound.Client, error) {
	return getOne(ctx, s, "client", cid, `SELECT `+clientCols+` FROM clients WHERE client_id = $1`, []any{id(cid.UUID)}, scanClient)
}

// findClientByBillingSQL looks the subscription up first, then the
// customer, each on its partial unique index (hence the conditions that the
// column is not empty, written out: they let a generic plan use the index).
const findClientByBillingSQL = `SELECT ` + clientCols + ` FROM (
		(SELECT ` + clientCols + `, 0 AS rank FROM clients
			WHERE $2 <> '' AND billing_subscription <> '' AND billing_subscription = $2 LIMIT 1)
		UNION ALL
		(SELECT ` + clientCols + `, 1 FROM clients
			WHERE $1 <> '' AND billing_customer <> '' AND billing_customer = $1 LIMIT 1)
	) found ORDER BY rank LIMIT 1`

// FindClientByBilling implements [storage.Clients] in one statement.
func (s *Store) FindClientByBilling(ctx context.Context, customer, subscription string) (*outbound.Client, error) {
	key := stringer(fmt.Sprintf("with billing customer %q or subscription %q", customer, subscription))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if customer == "" && subscription == "" {
		return nil, notFound("client", key)
	}
	return getOne(ctx, s, "client", key, findClientByBillingSQL, []any{customer, subscription}, scanClient)
}

// ListClients implements [storage.Clients].
func (s *Store) ListClients(ctx context.Context) ([]outbound.Client, error) {
	cs, err := list(ctx, s, `SELECT `+clientCols+` FROM clients ORDER BY client_id`, nil, scanClient)
	return cs, wrapList(err, "clients")
}

// updateClientSQL replaces a client if its version is still $14, checked on
// the row as locked, and raises the version; the same statement tells a
// stale version from a missing client.
const updateClientSQL = `WITH upd AS (
		UPDATE clients SET name = $2, plan = $3, signup_at = $4, default_zone = $5, state = $6, churned_at = $7,
			billing_customer = $8, billing_subscription = $9, sending_paused_at = $10, sending_pause_reason = $11,
			answers = $12, booking_url = $13, version = version + 1
		WHERE client_id = $1 AND version = $14
		RETURNING version
	)
	SELECT (SELECT version FROM upd), EXISTS (SELECT 1 FROM clients WHERE client_id = $1)`

// UpdateClient implements [storage.Clients] in one statement: ErrConflict
// when the stored version is not c.Version (another write came first) or
// when a billing key belongs to another client.
func (s *Store) UpdateClient(ctx context.Context, c *outbound.Client) error {
	if err := storage.CheckClient(c); err != nil {
		return err
	}
	var version pgtype.Int8
	var exists bool
	err := s.queryRow(ctx, updateClientSQL, append(clientArgs(c), c.Version), &version, &exists)
	switch {
	case err != nil:
		return wrap(err, "client", c.ID)
	case version.Valid:
		c.Version = version.Int64
		return nil
	case !exists:
		return notFound("client", c.ID)
	}
	return fmt.Errorf("postgres: client %s: version %d is stale: %w", c.ID, c.Version, storage.ErrConflict)
}

// ClientVersions implements [storage.Clients] in one statement.
func (s *Store) ClientVersions(ctx context.Context, ids []outbound.ClientID) (map[outbound.ClientID]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[outbound.ClientID]int64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	arg := make([]pgtype.UUID, len(ids))
	for i, c := range ids {
		arg[i] = id(c.UUID)
	}
	err := s.query(ctx, `SELECT client_id, version FROM clients WHERE client_id = ANY($1::uuid[])`, []any{arg},
		func(rows pgx.Rows) error {
			var c outbound.ClientID
			var v int64
			if err := rows.Scan(scanID(&c.UUID), &v); err != nil {
				return err
			}
			out[c] = v
			return nil
		})
	if err != nil {
		return nil, wrapList(err, "client versions")
	}
	return out, nil
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
	created_at, purchased_at, paused, pause_reason, held_until, paused_at, resumed_at, replaced_by,
	throttle, throttle_reason, health_at, version`

func scanResource(rows pgx.Rows, r *outbound.Resource) error {
	return rows.Scan(scanID(&r.ID.UUID), scanID(&r.Client.UUID), &r.Kind, scanID(&r.Parent.UUID), &r.Provider,
		&r.ProviderRef, &r.Address, &r.State, scanTime(&r.CreatedAt), scanTime(&r.PurchasedAt), &r.Paused,
		&r.PauseReason, scanTime(&r.HeldUntil), scanTime(&r.PausedAt), scanTime(&r.ResumedAt),
		scanID(&r.ReplacedBy.UUID), &r.Throttle, &r.ThrottleReason, scanTime(&r.HealthAt), &r.Version)
}

// resourceArgs are $1–$19: every column but the version.
func resourceArgs(r *outbound.Resource) []any {
	return []any{id(r.ID.UUID), ref(r.Client.UUID), string(r.Kind), ref(r.Parent.UUID), r.Provider, r.ProviderRef,
		r.Address, string(r.State), ts(r.CreatedAt), ts(r.PurchasedAt), r.Paused, string(r.PauseReason), ts(r.HeldUntil),
		ts(r.PausedAt), ts(r.ResumedAt), ref(r.ReplacedBy.UUID), r.Throttle, string(r.ThrottleReason), ts(r.HealthAt)}
}

// bumpClientsSQL raises the version of the clients whose IDs the query
// returns (NULLs and repeats are harmless), locking their rows in ID order
// so that two writers of the same clients never deadlock. The query runs to
// its end, into an array, before any client row is locked: every statement
// locks its resources first and its clients last.
func bumpClientsSQL(query string) string {
	return `UPDATE clients SET version = version + 1 WHERE client_id IN (
		SELECT client_id FROM clients WHERE client_id = ANY(ARRAY(` + query + `)) ORDER BY client_id FOR UPDATE)`
}

// createResourceSQL stores a resource at version 1 and raises the version
// of the client that holds it.
var createResourceSQL = `WITH ins AS (
		INSERT INTO resources (` + resourceCols + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1)
		RETURNING client_id
	)
	` + bumpClientsSQL(`SELECT client_id FROM ins`)

// CreateResource implements [storage.Resources] in one statement: the
// primary key and the unique (provider, provider ref) pair refuse a
// duplicate with ErrConflict; the holder's version goes up.
func (s *Store) CreateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	_, err := s.exec(ctx, createResourceSQL, resourceArgs(r)...)
	if err != nil {
		return wrap(err, "resource", r.ID)
	}
	r.Version = 1
	return nil
}

// GetResource implements [storage.Resources].
func (s *Store) GetResource(ctx context.Context, rid outbound.ResourceID) (*outbound.Resource, error) {
	return getOne(ctx, s, "resource", rid, `SELECT `+resourceCols+` FROM resources WHERE id = $1`, []any{id(rid.UUID)}, scanResource)
}

// FindResource implements [storage.Resources] on the unique (provider,
// provider ref) index.
func (s *Store) FindResource(ctx context.Context, provider, pref string) (*outbound.Resource, error) {
	key := stringer(fmt.Sprintf("of provider %q with reference %q", provider, pref))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if provider == "" || pref == "" {
		return nil, notFound("resource", key)
	}
	return getOne(ctx, s, "resource", key, `SELECT `+resourceCols+` FROM resources
		WHERE provider = $1 AND provider_ref = $2 AND provider <> '' AND provider_ref <> ''`,
		[]any{provider, pref}, scanResource)
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

// lockResourceSQL locks a resource's row for the rest of the transaction,
// so that the next statement, on a snapshot taken after the lock, reads
// the row as it stands and nobody changes it before the commit.
const lockResourceSQL = `SELECT 1 FROM resources WHERE id = $1 FOR UPDATE`

// updateResourceSQL replaces a resource (its row locked by lockResourceSQL)
// if its version is still $20, raises its version and the versions of its
// old and new holders, and tells a stale version from a missing resource.
var updateResourceSQL = `WITH old AS (
		SELECT client_id FROM resources WHERE id = $1
	), upd AS (
		UPDATE resources SET client_id = $2, kind = $3, parent_id = $4, provider = $5, provider_ref = $6,
			address = $7, state = $8, created_at = $9, purchased_at = $10, paused = $11, pause_reason = $12,
			held_until = $13, paused_at = $14, resumed_at = $15, replaced_by = $16, throttle = $17,
			throttle_reason = $18, health_at = $19, version = version + 1
		WHERE id = $1 AND version = $20
		RETURNING client_id, version
	), bump AS (` + bumpClientsSQL(`SELECT client_id FROM upd
			UNION ALL SELECT client_id FROM old WHERE EXISTS (SELECT 1 FROM upd)`) + `)
	SELECT (SELECT version FROM upd), EXISTS (SELECT 1 FROM old)`

// UpdateResource implements [storage.Resources] in one round trip: the
// row's lock, then one statement that checks the version, writes, and
// raises the holders' versions. ErrConflict when the stored version is not
// r.Version or when the (provider, provider ref) pair is another
// resource's.
func (s *Store) UpdateResource(ctx context.Context, r *outbound.Resource) error {
	if err := storage.CheckResource(r); err != nil {
		return err
	}
	b := s.queue()
	b.Queue(lockResourceSQL, id(r.ID.UUID))
	b.Queue(updateResourceSQL, append(resourceArgs(r), r.Version)...)
	var version pgtype.Int8
	var exists bool
	err := s.send(ctx, b, func(br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return err
		}
		return br.QueryRow().Scan(&version, &exists)
	})
	switch {
	case err != nil:
		return wrap(err, "resource", r.ID)
	case version.Valid:
		r.Version = version.Int64
		return nil
	case !exists:
		return notFound("resource", r.ID)
	}
	return fmt.Errorf("postgres: resource %s: version %d is stale: %w", r.ID, r.Version, storage.ErrConflict)
}

// moveLockSQL serialises the moves with a limit into one client: a
// transaction-level advisory lock named after the schema and the client,
// taken before any row lock, so that each such move counts the client's
// resources on a snapshot taken after the previous one committed.
const moveLockSQL = `SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/assign/' || $1::text, 0))`

// moveSQL moves a resource (its row locked by lockResourceSQL) and, for a
// domain, its mailboxes: $1 the resource, $2 and $3 the state and holder it
// must have, $4, $5 and $6 its new state, holder and hold, $7 the limit of
// usable resources of its kind the new holder may have (none when not
// above zero). It raises the version of every row it moves and of their
// old and new holders, and returns how many rows it moved and the
// resource's kind (NULL when it is not stored).
var moveSQL = `WITH target AS (
		SELECT t.id FROM resources t
		WHERE t.id = $1 AND t.kind <> 'mailbox' AND t.state = $2 AND t.client_id IS NOT DISTINCT FROM $3
			AND ($7::int <= 0 OR (SELECT count(*) FROM resources x
				WHERE x.client_id = $5 AND x.kind = t.kind AND x.state = 'assigned' AND NOT x.paused AND x.id <> t.id) < $7)
	), before AS (
		SELECT id, client_id FROM resources WHERE id = (SELECT id FROM target)
		UNION ALL
		SELECT id, client_id FROM resources WHERE parent_id = (SELECT id FROM target)
	), moved AS (
		UPDATE resources r SET state = $4, client_id = $5, held_until = $6, version = r.version + 1
		FROM before
		WHERE r.id = before.id
		RETURNING before.client_id AS old
	), bump AS (` + bumpClientsSQL(`SELECT old FROM moved
			UNION ALL SELECT $5::uuid WHERE EXISTS (SELECT 1 FROM moved)`) + `)
	SELECT (SELECT count(*) FROM moved), (SELECT kind FROM resources WHERE id = $1)`

// MoveResource implements [storage.Resources] in one round trip and one
// transaction: with a limit, the target client's advisory lock; then the
// resource's row lock; then one statement that compares, counts and moves
// the resource with its mailboxes, and raises the versions.
func (s *Store) MoveResource(ctx context.Context, m storage.Move) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := storage.CheckMove(m); err != nil {
		return false, err
	}
	b := s.queue()
	if m.Limit > 0 {
		b.Queue(moveLockSQL, m.ToClient.String())
	}
	b.Queue(lockResourceSQL, id(m.Resource.UUID))
	b.Queue(moveSQL, id(m.Resource.UUID), string(m.From), ref(m.FromClient.UUID), string(m.To), ref(m.ToClient.UUID),
		ts(m.HeldUntil), m.Limit)
	var moved int64
	var kind pgtype.Text
	err := s.send(ctx, b, func(br pgx.BatchResults) error {
		if m.Limit > 0 {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		if _, err := br.Exec(); err != nil {
			return err
		}
		return br.QueryRow().Scan(&moved, &kind)
	})
	switch {
	case err != nil:
		return false, wrap(err, "resource", m.Resource)
	case !kind.Valid:
		return false, notFound("resource", m.Resource)
	}
	if err := storage.CheckMoved(&outbound.Resource{ID: m.Resource, Kind: outbound.ResourceKind(kind.String)}); err != nil {
		return false, err
	}
	return moved > 0, nil
}

// Campaigns

const campaignCols = `id, client_id, name, sequence, state, created_at, icp`

func scanCampaign(rows pgx.Rows, c *outbound.Campaign) error {
	var icp []byte
	if err := rows.Scan(scanID(&c.ID.UUID), scanID(&c.Client.UUID), &c.Name, &c.Sequence, &c.State, scanTime(&c.CreatedAt),
		&icp); err != nil {
		return err
	}
	c.ICP = outbound.ICP{}
	if len(icp) > 0 {
		if err := json.Unmarshal(icp, &c.ICP); err != nil {
			return fmt.Errorf("postgres: campaign %s icp: %w", c.ID, err)
		}
	}
	return nil
}

func campaignArgs(c *outbound.Campaign) []any {
	var icp []byte
	if !c.ICP.IsZero() {
		// A struct of strings and numbers always encodes.
		icp, _ = json.Marshal(c.ICP)
	}
	return []any{id(c.ID.UUID), id(c.Client.UUID), c.Name, c.Sequence, string(c.State), ts(c.CreatedAt), jsonb(icp)}
}

// CreateCampaign implements [storage.Campaigns].
func (s *Store) CreateCampaign(ctx context.Context, c *outbound.Campaign) error {
	if err := storage.CheckCampaign(c); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO campaigns (`+campaignCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`, campaignArgs(c)...)
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
	n, err := s.exec(ctx, `UPDATE campaigns SET client_id = $2, name = $3, sequence = $4, state = $5, created_at = $6, icp = $7
		WHERE id = $1`, campaignArgs(c)...)
	return updated(n, err, "campaign", c.ID)
}
