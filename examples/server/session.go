package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
)

// The dashboard's session: a cookie holding who is logged in and until
// when, signed with a key derived from the admin token (so every instance
// of a deployment reads the others' sessions), HTTP-only, SameSite=Strict,
// Secure when the public URL is https. Every form carries a CSRF token
// derived from the session: a form posted without it changes nothing.
type sessions struct {
	key    []byte
	secure bool
	ttl    time.Duration
	now    func() time.Time
}

const (
	sessionCookie = "outbound_session"
	csrfField     = "csrf"
)

func newSessions(adminToken, publicURL string, now func() time.Time) *sessions {
	sum := sha256.Sum256([]byte("outbound-session-key:" + adminToken))
	return &sessions{key: sum[:], secure: strings.HasPrefix(publicURL, "https://"), ttl: 12 * time.Hour, now: now}
}

func (s *sessions) mac(v string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}

// set logs p in.
func (s *sessions) set(w http.ResponseWriter, p principal) {
	who := "admin"
	if !p.admin {
		who = "client:" + p.client.String()
	}
	payload := who + "|" + strconv.FormatInt(s.now().Add(s.ttl).Unix(), 10)
	v := base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + s.mac(payload)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.ttl.Seconds())})
}

// clear logs out.
func (s *sessions) clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// read returns the session's principal and its CSRF token.
func (s *sessions) read(r *http.Request) (principal, string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return principal{}, "", false
	}
	enc, sig, ok := strings.Cut(c.Value, ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || err != nil || !hmac.Equal([]byte(sig), []byte(s.mac(string(raw)))) {
		return principal{}, "", false
	}
	who, exp, ok := strings.Cut(string(raw), "|")
	until, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || s.now().Unix() > until {
		return principal{}, "", false
	}
	csrf := s.mac("csrf|" + string(raw))
	if who == "admin" {
		return principal{admin: true}, csrf, true
	}
	id, err := outbound.ParseID[outbound.ClientID](strings.TrimPrefix(who, "client:"))
	if err != nil {
		return principal{}, "", false
	}
	return principal{client: id}, csrf, true
}

// checkCSRF reports whether a posted form carries the session's token.
func checkCSRF(r *http.Request, want string) error {
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("form: %w", err)
	}
	if got := r.PostForm.Get(csrfField); got == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return fmt.Errorf("missing or wrong CSRF token")
	}
	return nil
}
