package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/outbound-go/outbound/invalid"
)

// BodyHMACVerifier is a [Verifier] for the scheme that signs the raw body
// alone: a header holds the hex HMAC-SHA256 of the body under the
// webhook's secret, with no timestamp (Stannp's X-Stannp-Signature,
// Cal.com's X-Cal-Signature-256). With no time signed a delivery cannot be
// refused as stale; the sink's deduplication by event ID makes a replay
// harmless. Comparisons take constant time.
type BodyHMACVerifier struct {
	header  string
	secrets [][]byte
}

var _ Verifier = (*BodyHMACVerifier)(nil)

// NewBodyHMACVerifier returns the verifier of header's signatures made
// with any of secrets (more than one lets a secret be rotated), or a
// *invalid.FieldError naming pkg's field when the header is empty, there
// is no secret, or one is empty.
func NewBodyHMACVerifier(pkg, header string, secrets ...string) (*BodyHMACVerifier, error) {
	if strings.TrimSpace(header) == "" {
		return nil, invalid.Field(pkg, "NewVerifier", "header", header, "is required")
	}
	if len(secrets) == 0 {
		return nil, invalid.Field(pkg, "NewVerifier", "secrets", "[]", "at least one secret is required")
	}
	v := &BodyHMACVerifier{header: header}
	for i, s := range secrets {
		if s == "" {
			return nil, invalid.Field(pkg, "NewVerifier", fmt.Sprintf("secrets[%d]", i), "", "must not be empty")
		}
		v.secrets = append(v.secrets, []byte(s))
	}
	return v, nil
}

// SignBody returns the signature of body under secret: the lower-case hex
// HMAC-SHA256 of body.
func SignBody(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify implements Verifier: the header must hold the hex HMAC-SHA256 of
// body (upper or lower case, with or without a "sha256=" prefix) under one
// of the secrets. Anything else (no header, not a hex digest, Cal.com's
// "no-secret-provided", no secret matching) fails with an error wrapping
// ErrSignature.
func (v *BodyHMACVerifier) Verify(r *http.Request, body []byte) error {
	raw := strings.TrimSpace(r.Header.Get(v.header))
	if raw == "" {
		return fmt.Errorf("%w: no %s header", ErrSignature, v.header)
	}
	raw = strings.TrimPrefix(strings.ToLower(raw), "sha256=")
	got, err := hex.DecodeString(raw)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: %s is not a hex SHA-256", ErrSignature, v.header)
	}
	ok := false
	for _, s := range v.secrets {
		mac := hmac.New(sha256.New, s)
		mac.Write(body)
		if hmac.Equal(mac.Sum(nil), got) {
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("%w: no secret matches", ErrSignature)
	}
	return nil
}
