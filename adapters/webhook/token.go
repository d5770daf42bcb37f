package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/outbound-go/outbound/invalid"
)

// TokenConfig builds a [TokenVerifier]: exactly one of Header and Query, and
// at least one token.
type TokenConfig struct {
	// Header names the header that carries the token: a secret header the
	// provider was told to send (Unipile's webhook "headers", Vapi's legacy
	// "X-Vapi-Secret"), or "Authorization" with Prefix "Bearer ".
	Header string
	// Prefix is what precedes the token in Header ("Bearer "); it is
	// matched without regard to case. Default none.
	Prefix string
	// Query names the URL query parameter that carries the token, for a
	// provider that can be given nothing but a URL (Salesforge).
	Query string
	// Tokens are the accepted tokens; any of them will do, so that a token
	// can be rotated. At least one; none may be empty. Make them long and
	// random (32 bytes from crypto/rand).
	Tokens []string
}

// TokenVerifier is a [Verifier] for providers that sign nothing: the request
// must carry one of the shared secret tokens, in a header or the URL's
// query. It proves the sender knows the token, not that the body is
// unchanged, and replays are not refused (the sink's deduplication makes
// them harmless). Comparisons take constant time, whatever the lengths.
type TokenVerifier struct {
	header, prefix, query string
	digests               [][sha256.Size]byte
}

var _ Verifier = (*TokenVerifier)(nil)

// NewTokenVerifier returns the verifier cfg describes, or a
// *invalid.FieldError naming the first missing or bad field of cfg.
func NewTokenVerifier(cfg TokenConfig) (*TokenVerifier, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("webhook", "TokenConfig", field, v, reason)
	}
	switch {
	case (cfg.Header == "") == (cfg.Query == ""):
		return nil, bad("Header", cfg.Header, "exactly one of Header and Query is required")
	case cfg.Prefix != "" && cfg.Header == "":
		return nil, bad("Prefix", cfg.Prefix, "only a Header has a prefix")
	case len(cfg.Tokens) == 0:
		return nil, bad("Tokens", "[]", "at least one token is required")
	}
	v := &TokenVerifier{header: cfg.Header, prefix: cfg.Prefix, query: cfg.Query}
	for i, t := range cfg.Tokens {
		if t == "" {
			return nil, bad(fmt.Sprintf("Tokens[%d]", i), "", "must not be empty")
		}
		v.digests = append(v.digests, sha256.Sum256([]byte(t)))
	}
	return v, nil
}

// Verify returns an error wrapping [ErrSignature] unless r carries one of
// the tokens where the config says. The body is not looked at.
func (v *TokenVerifier) Verify(r *http.Request, _ []byte) error {
	var got string
	if v.header != "" {
		got = r.Header.Get(v.header)
		if got == "" {
			return fmt.Errorf("%w: no %s header", ErrSignature, v.header)
		}
		if v.prefix != "" {
			if len(got) < len(v.prefix) || !strings.EqualFold(got[:len(v.prefix)], v.prefix) {
				return fmt.Errorf("%w: %s header lacks its prefix", ErrSignature, v.header)
			}
			got = got[len(v.prefix):]
		}
	} else {
		got = r.URL.Query().Get(v.query)
		if got == "" {
			return fmt.Errorf("%w: no %s query parameter", ErrSignature, v.query)
		}
	}
	// Comparing digests keeps the time independent of the tokens' lengths.
	d := sha256.Sum256([]byte(got))
	ok := 0
	for _, want := range v.digests {
		ok |= subtle.ConstantTimeCompare(d[:], want[:])
	}
	if ok != 1 {
		return fmt.Errorf("%w: token does not match", ErrSignature)
	}
	return nil
}
