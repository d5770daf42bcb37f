package unipiletest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// HostedLink is a hosted-auth link the fake made (POST
// hosted/accounts/link), and the account connected through it.
type HostedLink struct {
	Name      string
	URL       string
	NotifyURL string
	APIURL    string
	Providers []string
	ExpiresOn time.Time
	AccountID string // "" until Connect
}

// hostedLink checks a link request as Unipile documents it (type create,
// providers, api_url, expiresOn in the future, notify_url, name) and
// answers {"object":"HostedAuthURL","url"}.
func (s *Server) hostedLink(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Type      string   `json:"type"`
		Providers []string `json:"providers"`
		APIURL    string   `json:"api_url"`
		ExpiresOn string   `json:"expiresOn"`
		NotifyURL string   `json:"notify_url"`
		Name      string   `json:"name"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body); err != nil {
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "Body is not JSON")
		return
	}
	exp, err := time.Parse(time.RFC3339, body.ExpiresOn)
	notify, nerr := url.Parse(body.NotifyURL)
	switch {
	case body.Type != "create" && body.Type != "reconnect":
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "type must be create or reconnect")
	case len(body.Providers) == 0:
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "providers is required")
	case body.APIURL == "":
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "api_url is required")
	case err != nil || !exp.After(s.cfg.Now()):
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "expiresOn must be an ISO 8601 instant in the future")
	case nerr != nil || (notify.Scheme != "https" && notify.Scheme != "http"):
		problem(w, http.StatusBadRequest, "errors/invalid_parameters", "notify_url must be an http(s) URL")
	default:
		s.mu.Lock()
		l := &HostedLink{Name: body.Name, URL: "https://account.unipile.com/" + s.id("hosted_"), NotifyURL: body.NotifyURL,
			APIURL: body.APIURL, Providers: body.Providers, ExpiresOn: exp}
		s.links = append(s.links, l)
		s.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		reply(w, map[string]any{"object": "HostedAuthURL", "url": l.URL})
	}
}

// HostedLinks returns the links made so far, oldest first.
func (s *Server) HostedLinks() []HostedLink {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copies(s.links)
}

// Connect plays the seat's owner going through the link at url: a new
// LinkedIn account joins the fake (status OK) and the link's notify URL is
// posted {"status":"CREATION_SUCCESS","account_id","name"}. It returns the
// account's ID; the error of a notification not answered 2xx matches
// [ErrDelivery].
func (s *Server) Connect(ctx context.Context, linkURL string) (string, error) {
	s.mu.Lock()
	var l *HostedLink
	for _, x := range s.links {
		if x.URL == linkURL {
			l = x
		}
	}
	if l == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("unipiletest: no hosted link %s", linkURL)
	}
	if !s.cfg.Now().Before(l.ExpiresOn) {
		s.mu.Unlock()
		return "", fmt.Errorf("unipiletest: hosted link %s expired at %s", linkURL, l.ExpiresOn.Format(time.RFC3339))
	}
	if l.AccountID == "" {
		l.AccountID = s.id("acc_")
		s.status[l.AccountID], s.seats[l.AccountID] = "OK", Account{ID: l.AccountID, ProviderID: "ACo" + l.AccountID}
	}
	id, notify, name := l.AccountID, l.NotifyURL, l.Name
	s.mu.Unlock()
	body, err := json.Marshal(map[string]string{"status": "CREATION_SUCCESS", "account_id": id, "name": name})
	if err != nil {
		return id, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, notify, bytes.NewReader(body))
	if err != nil {
		return id, fmt.Errorf("unipiletest: notify %s: %w", name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.cfg.Client.Do(req)
	if err != nil {
		return id, fmt.Errorf("unipiletest: notify %s: %w", name, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if res.StatusCode/100 != 2 {
		return id, fmt.Errorf("%w: notify of %s answered %s", ErrDelivery, name, res.Status)
	}
	return id, nil
}
