package infraforge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The answers' shapes are UNVERIFIED (the source names the routes, not
// their bodies): the readers below take a list either bare or wrapped in
// an object under "data", "items", "results" or the resource's name, IDs
// as strings or numbers, and a domain's or mailbox's name under either of
// the names the Forge products use.

// ID is a provider's identifier, read from a JSON string or number.
type ID string

// UnmarshalJSON implements json.Unmarshaler.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*id = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("infraforge: %s is not an ID", b)
		}
		*id = ID(n.String())
	}
	return nil
}

// List is a page of a list answer: its items and, when the answer said,
// how many pages there are.
type List[T any] struct {
	Items      []T
	TotalPages int
}

// UnmarshalJSON reads a bare array, or an object holding the array under
// "data", "items", "results", "domains", "mailboxes", "records",
// "workspaces", "stats" or "placementTests" (the first present; the
// Warmforge answers use the last ones), with "totalPages" or "total_pages"
// beside it.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &l.Items)
	}
	var o map[string]json.RawMessage
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	for _, k := range []string{"totalPages", "total_pages"} {
		if v, ok := o[k]; ok {
			_ = json.Unmarshal(v, &l.TotalPages)
		}
	}
	for _, k := range []string{"data", "items", "results", "domains", "mailboxes", "records", "workspaces", "stats", "placementTests"} {
		v, ok := o[k]
		if !ok || string(bytes.TrimSpace(v)) == "null" {
			continue
		}
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '{' {
			// {"data": {"items": [...], "totalPages": n}}
			return l.UnmarshalJSON(t)
		}
		return json.Unmarshal(v, &l.Items)
	}
	return nil
}

// Domain is a domain of the account.
type Domain struct {
	ID     ID     `json:"id"`
	Name   string `json:"name"`
	Domain string `json:"domain"`
	Status string `json:"status"`
}

// Host is the domain's name, lower case.
func (d Domain) Host() string { return strings.ToLower(firstOf(d.Name, d.Domain)) }

// Mailbox is a mailbox of the account.
type Mailbox struct {
	ID       ID     `json:"id"`
	Email    string `json:"email"`
	Address  string `json:"address"`
	DomainID ID     `json:"domainId"`
	Status   string `json:"status"`
}

// Addr is the mailbox's address, lower case.
func (m Mailbox) Addr() string { return strings.ToLower(firstOf(m.Email, m.Address)) }

// Record is a DNS record of a domain, as GET and PUT /domains/{id}/dns
// carry them (name, type, value; editable is InfraForge's).
type Record struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Value    string `json:"value"`
	Editable *bool  `json:"editable,omitempty"`
}

// availability is one answer of the availability checks.
type availability struct {
	Domain    string `json:"domain"`
	Available *bool  `json:"available"`
	Status    string `json:"status"`
}

// free reports whether the answer says the domain can be bought.
func (a availability) free() bool {
	if a.Available != nil {
		return *a.Available
	}
	return strings.EqualFold(a.Status, "available")
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// Domains lists the workspace's domains (GET /domains?workspaceId=).
func (c *Client) Domains(ctx context.Context) ([]Domain, error) {
	var l List[Domain]
	if err := c.api.Do(ctx, http.MethodGet, "/domains", url.Values{"workspaceId": {c.cfg.WorkspaceID}}, nil, &l); err != nil {
		return nil, err
	}
	return l.Items, nil
}

// Mailboxes lists the workspace's mailboxes whose address contains search
// (GET /mailboxes?workspaceId=&page=&size=&search=), every page.
func (c *Client) Mailboxes(ctx context.Context, search string) ([]Mailbox, error) {
	return Pages(maxPages, func(page int) ([]Mailbox, bool, error) {
		q := url.Values{"workspaceId": {c.cfg.WorkspaceID}, "page": {strconv.Itoa(page)}, "size": {strconv.Itoa(pageSize)}}
		if search != "" {
			q.Set("search", search)
		}
		var l List[Mailbox]
		if err := c.api.Do(ctx, http.MethodGet, "/mailboxes", q, nil, &l); err != nil {
			return nil, false, err
		}
		return l.Items, More(page, len(l.Items), pageSize, l.TotalPages), nil
	})
}

// DNS returns a domain's records (GET /domains/{id}/dns).
func (c *Client) DNS(ctx context.Context, domainID string) ([]Record, error) {
	var l List[Record]
	if err := c.api.Do(ctx, http.MethodGet, "/domains/"+url.PathEscape(domainID)+"/dns", nil, nil, &l); err != nil {
		return nil, err
	}
	return l.Items, nil
}

// SetDNS replaces a domain's records (PUT /domains/{id}/dns {records}).
func (c *Client) SetDNS(ctx context.Context, domainID string, records []Record) error {
	return c.api.Do(ctx, http.MethodPut, "/domains/"+url.PathEscape(domainID)+"/dns", nil, map[string]any{"records": records}, nil)
}

// Available returns which of names can be bought
// (POST /check-domain-availability-bulk {domains}).
func (c *Client) Available(ctx context.Context, names []string) (map[string]bool, error) {
	var l List[availability]
	if err := c.api.Do(ctx, http.MethodPost, "/check-domain-availability-bulk", nil, map[string]any{"domains": names}, &l); err != nil {
		return nil, err
	}
	free := make(map[string]bool, len(l.Items))
	for _, a := range l.Items {
		free[strings.ToLower(a.Domain)] = a.free()
	}
	return free, nil
}

// buyDomains buys names (POST /domains {workspaceId, domains, contact}).
func (c *Client) buyDomains(ctx context.Context, names []string) error {
	body := map[string]any{"workspaceId": c.cfg.WorkspaceID, "domains": names, "contact": c.cfg.Contact}
	return c.api.Do(ctx, http.MethodPost, "/domains", nil, body, nil)
}

// newMailbox is one mailbox of a purchase (POST /mailboxes; UNVERIFIED).
type newMailbox struct {
	DomainID  string `json:"domainId"`
	Domain    string `json:"domain"`
	Username  string `json:"username"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName,omitempty"`
}

// buyMailboxes buys mailboxes (POST /mailboxes {workspaceId, mailboxes}).
func (c *Client) buyMailboxes(ctx context.Context, ms []newMailbox) error {
	return c.api.Do(ctx, http.MethodPost, "/mailboxes", nil, map[string]any{"workspaceId": c.cfg.WorkspaceID, "mailboxes": ms}, nil)
}

// errNotListed is the error of a purchase InfraForge accepted whose result
// its lists do not show (yet).
var errNotListed = errors.New("infraforge: bought but not listed yet")
