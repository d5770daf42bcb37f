package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/timing"
)

// api is the JSON API under /api/v1: an admin token sees every client, a
// client's token only its own; a record of another client answers 404,
// never its data. Errors are application/problem+json (RFC 9457) naming
// the field and value; lists page by an opaque cursor.
type api struct {
	svc     *distribution.Service
	st      storage.Store
	clock   timing.Clock
	log     *slog.Logger
	admin   [sha256.Size]byte                       // the admin token's digest; zero: no admin
	mu      sync.RWMutex                            // guards clients
	clients map[[sha256.Size]byte]outbound.ClientID // a client token's digest → its client
	openapi []byte                                  // the API's description, as served
	alerts  *alertLog                               // the pool's latest alerts; nil: none kept
	// scope returns a client's store handle (on Postgres, row-level
	// security binds its every statement to the client); nil: the store
	// has none and the checks of principal.sees are the only fence.
	scope func(outbound.ClientID) storage.Store
}

// store is the store p's request reads: a client token's through its
// client's handle where the store has one, so that a check this API
// missed still finds no other client's row; the admin's the platform's.
func (a *api) store(p principal) storage.Store {
	if !p.admin && a.scope != nil {
		return a.scope(p.client)
	}
	return a.st
}

// principal is who a request is from.
type principal struct {
	admin  bool
	client outbound.ClientID // a client token's client
}

// sees reports whether p may see client's records.
func (p principal) sees(client outbound.ClientID) bool {
	return p.admin || (!client.IsZero() && p.client == client)
}

// newAPI builds the API from the tokens: adminToken (may be empty: no
// admin) and clientTokens, "clientID:token" pairs separated by commas.
func newAPI(svc *distribution.Service, st storage.Store, clock timing.Clock, log *slog.Logger, adminToken, clientTokens string) (*api, error) {
	doc, err := json.MarshalIndent(openAPI(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("api description: %w", err)
	}
	a := &api{svc: svc, st: st, clock: clock, log: log, clients: map[[sha256.Size]byte]outbound.ClientID{}, openapi: doc}
	if adminToken != "" {
		a.admin = sha256.Sum256([]byte(adminToken))
	}
	for _, pair := range strings.Split(clientTokens, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, tok, ok := strings.Cut(pair, ":")
		cid, err := outbound.ParseID[outbound.ClientID](id)
		if !ok || err != nil || len(tok) < 16 {
			return nil, &configError{Setting: "OUTBOUND_CLIENT_TOKENS", Value: id, Reason: "want clientID:token pairs, tokens of 16 characters or more"}
		}
		a.clients[sha256.Sum256([]byte(tok))] = cid
	}
	return a, nil
}

// authenticate reads the bearer token. Digests are compared in constant
// time; the admin's first.
func (a *api) authenticate(r *http.Request) (principal, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return principal{}, false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	if a.admin != ([sha256.Size]byte{}) && subtle.ConstantTimeCompare(sum[:], a.admin[:]) == 1 {
		return principal{admin: true}, true
	}
	a.mu.RLock()
	cid, ok := a.clients[sum]
	a.mu.RUnlock()
	if ok {
		return principal{client: cid}, true
	}
	return principal{}, false
}

// grant lets tok in as client's token from now on.
func (a *api) grant(tok string, client outbound.ClientID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.clients[sha256.Sum256([]byte(tok))] = client
}

// handler is an API handler: it answers, or returns an error the wrapper
// writes as a problem.
type handler func(w http.ResponseWriter, r *http.Request, p principal) error

// handle mounts h on mux behind authentication.
func (a *api) handle(mux *http.ServeMux, pattern string, h handler) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		p, ok := a.authenticate(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="outbound"`)
			writeProblem(w, problem{Status: http.StatusUnauthorized, Title: "Unauthorized", Detail: "a valid bearer token is required"})
			return
		}
		if err := h(w, r, p); err != nil {
			a.fail(w, r, err)
		}
	})
}

// problem is an RFC 9457 problem detail, with the field and value at
// fault when one is.
type problem struct {
	Type   string `json:"type,omitempty"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Field  string `json:"field,omitempty"`
	Value  any    `json:"value,omitempty"`
}

func (p problem) Error() string { return p.Detail }

func writeProblem(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// notFound is what a record another client holds answers, as one that
// does not exist does.
func notFound(what string) problem {
	return problem{Status: http.StatusNotFound, Title: "Not Found", Detail: what + " not found"}
}

// badRequest names the field at fault.
func badRequest(field string, value any, detail string) problem {
	return problem{Status: http.StatusBadRequest, Title: "Bad Request", Field: field, Value: value, Detail: detail}
}

// fail writes err as a problem: a problem as it is, bad input as 400
// naming its field, a missing record as 404, a conflict as 409, anything
// else as 500 (logged, not shown).
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p problem
	var fe *invalid.FieldError
	var ae *distribution.AllowanceError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &ae):
		p = problem{Status: http.StatusConflict, Title: "Conflict", Detail: ae.Error()}
	case errors.As(err, &fe):
		p = badRequest(fe.Field, fe.Value, fe.Reason)
	case errors.Is(err, storage.ErrNotFound):
		p = notFound("record")
	case errors.Is(err, storage.ErrConflict), errors.Is(err, distribution.ErrInactive):
		p = problem{Status: http.StatusConflict, Title: "Conflict", Detail: err.Error()}
	default:
		a.log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p = problem{Status: http.StatusInternalServerError, Title: "Internal Server Error", Detail: "the request failed; it is logged"}
	}
	writeProblem(w, p)
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// decodeJSON reads a JSON request body of at most 1 MiB into v, refusing
// unknown fields.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("body", nil, "not the JSON this route takes: "+err.Error())
	}
	return nil
}

// The page sizes of a list.
const (
	defaultPage = 100
	maxPage     = 500
)

// page is a list's window: the items after the cursor, at most limit.
type page struct {
	after string // the sort key of the last item of the page before; "" from the start
	limit int
}

// pageOf reads limit and cursor.
func pageOf(r *http.Request) (page, error) {
	p := page{limit: defaultPage}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			return p, badRequest("limit", v, fmt.Sprintf("must be a whole number from 1 to %d", maxPage))
		}
		p.limit = n
	}
	if v := r.URL.Query().Get("cursor"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(raw) == 0 {
			return p, badRequest("cursor", v, "not a cursor this API gave")
		}
		p.after = string(raw)
	}
	return p, nil
}

// list is a page of items and the cursor of the next, "" at the end.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// paginate cuts items (sorted by key) to the page.
func paginate[T any](items []T, key func(T) string, p page) list[T] {
	out := list[T]{Items: []T{}}
	for _, it := range items {
		if p.after != "" && key(it) <= p.after {
			continue
		}
		if len(out.Items) == p.limit {
			out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(key(out.Items[len(out.Items)-1])))
			break
		}
		out.Items = append(out.Items, it)
	}
	return out
}
