package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// DefaultTolerance is how far a signature's timestamp may be from now
// unless [HMACConfig.Tolerance] says otherwise: 5 minutes, Stripe's default.
const DefaultTolerance = 5 * time.Minute

// HMACConfig builds an [HMACVerifier]. Header and Secrets are required.
type HMACConfig struct {
	// Header names the header that carries the signature
	// ("Stripe-Signature", "Lob-Signature"). Required.
	Header string
	// TimestampHeader names the header that carries the signing timestamp
	// ("Lob-Signature-Timestamp"). When it is empty, Header holds both in
	// the combined form `t=<unix>,v1=<hex>[,v1=<hex>…]` (Stripe, Calendly);
	// when it is set, Header holds the hex signature alone.
	TimestampHeader string
	// Scheme is the key of the signatures in the combined form; the others
	// (Stripe's v0) are ignored. Default "v1".
	Scheme string
	// Prefix, in the separate form, is stripped from the signature before
	// it is decoded ("sha256="). Default none.
	Prefix string
	// Secrets are the signing secrets, used as given (Stripe's "whsec_…"
	// whole). A signature made with any of them is accepted, so that a
	// secret can be rotated: add the new one, switch the provider over,
	// drop the old one. At least one; none may be empty.
	Secrets []string
	// Tolerance is how far the timestamp may be from now, before or after,
	// for the signature to count. Default DefaultTolerance; it must not be
	// negative.
	Tolerance time.Duration
	// Now tells the time the tolerance counts from. Default the real clock
	// (timing.RealClock).
	Now func() time.Time
}

// HMACVerifier is a [Verifier] for the common scheme: a hex HMAC-SHA256 of
// the timestamp, a ".", and the raw body, sent in a header with the
// timestamp, refused when the timestamp is further than a tolerance from
// now. Comparisons take constant time.
//
// It matches, as documented by each provider (what each signs was checked
// against their public material, not against live traffic):
//
//   - Stripe: Header "Stripe-Signature", combined form, Scheme "v1", the
//     endpoint's "whsec_…" secret. (Stripe's own library additionally
//     checks the event's API version; decoding is the adapter's job.)
//   - Calendly: Header "Calendly-Webhook-Signature", combined form.
//   - Lob: Header "Lob-Signature", TimestampHeader
//     "Lob-Signature-Timestamp". Lob's timestamp appears to be in
//     milliseconds: timestamps of 10^11 and above are read as milliseconds,
//     smaller ones as seconds.
//   - Vapi's HMAC credential with its defaults (sha256, hex,
//     "{timestamp}.{body}", no prefix): Header "X-Signature",
//     TimestampHeader "X-Timestamp".
//
// It does not match, and a provider adapter brings its own verifier for:
//
//   - Twilio: X-Twilio-Signature is a base64 HMAC-SHA1 of the full URL and
//     the sorted form parameters, with no timestamp.
//   - Stannp (X-Stannp-Signature) and Cal.com (X-Cal-Signature-256): an
//     HMAC-SHA256 of the body alone, with no timestamp and so no replay
//     protection.
//   - PostGrid's JWT payloads.
//   - Providers that sign nothing (Unipile, Salesforge), and Vapi's bearer
//     credential or legacy X-Vapi-Secret: use a [TokenVerifier].
type HMACVerifier struct {
	header, tsHeader, scheme, prefix string
	secrets                          [][]byte
	tolerance                        time.Duration
	now                              func() time.Time
}

var _ Verifier = (*HMACVerifier)(nil)

// NewHMACVerifier returns the verifier cfg describes, or a
// *invalid.FieldError naming the first missing or bad field of cfg.
func NewHMACVerifier(cfg HMACConfig) (*HMACVerifier, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("webhook", "HMACConfig", field, v, reason)
	}
	switch {
	case strings.TrimSpace(cfg.Header) == "":
		return nil, bad("Header", cfg.Header, "is required")
	case len(cfg.Secrets) == 0:
		return nil, bad("Secrets", "[]", "at least one secret is required")
	case cfg.Tolerance < 0:
		return nil, bad("Tolerance", cfg.Tolerance, "must not be negative")
	}
	v := &HMACVerifier{
		header: cfg.Header, tsHeader: cfg.TimestampHeader, scheme: cfg.Scheme, prefix: cfg.Prefix,
		tolerance: cfg.Tolerance, now: cfg.Now,
	}
	for i, s := range cfg.Secrets {
		if s == "" {
			return nil, bad(fmt.Sprintf("Secrets[%d]", i), "", "must not be empty")
		}
		v.secrets = append(v.secrets, []byte(s))
	}
	if v.scheme == "" {
		v.scheme = "v1"
	}
	if v.tolerance == 0 {
		v.tolerance = DefaultTolerance
	}
	if v.now == nil {
		v.now = timing.RealClock().Now
	}
	return v, nil
}

// Verify checks r's signature against body. It returns an error wrapping
// [ErrSignature] when the signature header (or the timestamp header) is
// missing or malformed, when no signature matches any secret, and one
// wrapping [ErrStale] (which wraps ErrSignature) when a signature matches
// but its timestamp is more than the tolerance away from now.
func (v *HMACVerifier) Verify(r *http.Request, body []byte) error {
	raw := r.Header.Get(v.header)
	if raw == "" {
		return fmt.Errorf("%w: no %s header", ErrSignature, v.header)
	}
	var ts string
	var sigs [][]byte
	if v.tsHeader == "" {
		h, err := parseSignatureHeader(raw, v.scheme)
		if err != nil {
			return fmt.Errorf("%w: %s header: %w", ErrSignature, v.header, err)
		}
		ts, sigs = h.timestamp, h.signatures
	} else {
		ts = strings.TrimSpace(r.Header.Get(v.tsHeader))
		if ts == "" {
			return fmt.Errorf("%w: no %s header", ErrSignature, v.tsHeader)
		}
		sig, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(raw), v.prefix))
		if err != nil || len(sig) != sha256.Size {
			return fmt.Errorf("%w: %s header is not a hex SHA-256 digest", ErrSignature, v.header)
		}
		sigs = [][]byte{sig}
	}
	at, err := parseTimestamp(ts)
	if err != nil {
		return fmt.Errorf("%w: timestamp: %w", ErrSignature, err)
	}
	if !v.matches(ts, body, sigs) {
		return fmt.Errorf("%w: no signature matches", ErrSignature)
	}
	if d := v.now().Sub(at); d > v.tolerance || d < -v.tolerance {
		return fmt.Errorf("%w: signed %s from now, tolerance %s", ErrStale, d.Round(time.Second), v.tolerance)
	}
	return nil
}

// matches reports whether any signature is the HMAC of ts.body under any
// secret. It computes every secret's MAC and compares each with every
// signature in constant time.
func (v *HMACVerifier) matches(ts string, body []byte, sigs [][]byte) bool {
	ok := false
	for _, secret := range v.secrets {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(ts))
		m.Write([]byte{'.'})
		m.Write(body)
		want := m.Sum(nil)
		for _, sig := range sigs {
			if hmac.Equal(want, sig) {
				ok = true
			}
		}
	}
	return ok
}

// signatureHeader is a parsed combined signature header.
type signatureHeader struct {
	timestamp  string   // the t= value, as sent (it is what was signed)
	signatures [][]byte // the decoded signatures of the scheme asked for
}

// maxSignatures bounds how many signatures of one header are tried.
const maxSignatures = 8

// parseSignatureHeader parses the combined form `t=<unix>,v1=<hex>,…`:
// comma-separated key=value pairs in any order. It needs one t and at least
// one well-formed signature (64 hex digits) under scheme; other keys, and
// signatures that are not hex digests, are ignored, as Stripe does. At most
// maxSignatures signatures are kept.
func parseSignatureHeader(s, scheme string) (signatureHeader, error) {
	var h signatureHeader
	for part := range strings.SplitSeq(s, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			if h.timestamp != "" {
				return signatureHeader{}, fmt.Errorf("more than one timestamp")
			}
			h.timestamp = val
		case scheme:
			sig, err := hex.DecodeString(val)
			if err != nil || len(sig) != sha256.Size || len(h.signatures) == maxSignatures {
				continue
			}
			h.signatures = append(h.signatures, sig)
		}
	}
	switch {
	case h.timestamp == "":
		return signatureHeader{}, fmt.Errorf("no timestamp (t=)")
	case len(h.signatures) == 0:
		return signatureHeader{}, fmt.Errorf("no %s signature", scheme)
	}
	return h, nil
}

// parseTimestamp reads a Unix timestamp: seconds, or milliseconds when it
// is 10^11 or more (10^11 seconds is past the year 5000; 10^11 milliseconds
// is 1973).
func parseTimestamp(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, fmt.Errorf("%q is not a positive Unix time", truncate(s, 20))
	}
	if n >= 1e11 {
		return time.UnixMilli(n), nil
	}
	return time.Unix(n, 0), nil
}

// truncate shortens s to at most n bytes for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
