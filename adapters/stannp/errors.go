package stannp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
)

// ErrAddress matches (errors.Is) an *APIError by which Stannp refused the
// recipient's address. It is permanent: the same address is refused again.
var ErrAddress = errors.New("stannp: address refused")

// APIError is an error answer of Stannp's, {"success":false,"error":"…"}.
// Send returns it inside a *channel.Error that gives its class.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is Stannp's error text, cut to 200 bytes.
	Message string
	// Field names the recipient field the message names
	// ("recipient[postcode]"), "recipient" for an address Stannp could not
	// verify, or "".
	Field string
}

// Error renders "stannp: 400: address field recipient[postcode]: <message>".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stannp: %d", e.StatusCode)
	if e.Field != "" {
		b.WriteString(": address field " + e.Field)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Is matches ErrAddress when Stannp refused an address field.
func (e *APIError) Is(target error) bool { return target == ErrAddress && e.Field != "" }

// errorText reads the error of Stannp's answer: a string, or an object or
// array rendered as JSON.
func errorText(raw []byte) string {
	var env envelope
	if json.Unmarshal(raw, &env) != nil || len(env.Error) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(env.Error, &s) == nil {
		return s
	}
	return string(env.Error)
}

// addressField returns the recipient field a refusal names, or "".
func addressField(msg string) string {
	lower := strings.ToLower(msg)
	for _, f := range [...]string{"firstname", "lastname", "address1", "address2", "address3", "city", "state", "county", "postcode", "zipcode", "country"} {
		if strings.Contains(lower, f) {
			return "recipient[" + f + "]"
		}
	}
	for _, pair := range [...][2]string{{"post code", "postcode"}, {"zip", "postcode"}, {"address line", "address1"}, {"town", "city"}} {
		if strings.Contains(lower, pair[0]) {
			return "recipient[" + pair[1] + "]"
		}
	}
	if strings.Contains(lower, "address") || strings.Contains(lower, "recipient") {
		return "recipient"
	}
	return ""
}

// classify turns an error answer into a classified error: 429
// rate-limited with its Retry-After; 408 and 5xx retryable; 401 and 403
// permanent (a key problem, which sending again does not mend); any other
// 4xx permanent, naming the recipient field Stannp refused when its
// message names one.
func classify(provider string, status int, h http.Header, raw []byte, now time.Time) error {
	ae := &APIError{StatusCode: status, Message: adapterkit.Truncate(strings.TrimSpace(errorText(raw)), 200)}
	ce := &channel.Error{Provider: provider, Code: strconv.Itoa(status), Err: ae}
	switch {
	case status == http.StatusTooManyRequests:
		ce.Class = channel.ClassRateLimited
		ce.RetryAfter = retryAfter(h, now)
	case status == http.StatusRequestTimeout, status >= 500:
		ce.Class = channel.ClassRetryable
		ce.RetryAfter = retryAfter(h, now)
	default:
		ce.Class = channel.ClassPermanent
		if status != http.StatusUnauthorized && status != http.StatusForbidden {
			ae.Field = addressField(ae.Message)
		}
	}
	return ce
}

// retryAfter reads Retry-After, in seconds or as an HTTP date; zero when
// absent, never over an hour.
func retryAfter(h http.Header, now time.Time) time.Duration {
	return min(adapterkit.RetryAfter(h.Get("Retry-After"), now), time.Hour)
}
