package lob

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

// ErrAddress matches (errors.Is) an *APIError by which Lob refused a
// letter's address: a required field missing or malformed, or an address
// that fails the account's deliverability strictness. Such a failure is
// permanent: the same address will be refused again.
var ErrAddress = errors.New("lob: address refused")

// APIError is an error answer of Lob's: {"error":{"message","status_code",
// "code"}}. Send and Lookup return it inside a *channel.Error that gives
// its class.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is Lob's error code ("invalid", "rate_limit_exceeded",
	// "failed_deliverability_strictness"), or "" when the body had none.
	Code string
	// Message is Lob's message, cut to 200 bytes.
	Message string
	// Field names the address field Lob refused ("to.address_zip",
	// "to.address_line1", "to" for an undeliverable address), or "".
	Field string
}

// Error renders "lob: 422 invalid: to.address_zip: <message>".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "lob: %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Field != "" {
		b.WriteString(": address field " + e.Field)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Is matches ErrAddress when Lob refused an address field.
func (e *APIError) Is(target error) bool { return target == ErrAddress && e.Field != "" }

// errorBody is Lob's error answer.
type errorBody struct {
	Error struct {
		Message    string `json:"message"`
		StatusCode int    `json:"status_code"`
		Code       string `json:"code"`
	} `json:"error"`
}

// addressField returns the address field a 422 message names, with its
// "to." or "from." prefix when it has one ("to.address_zip"), the whole
// "to" address for a deliverability or length refusal, or "".
func addressField(code, msg string) string {
	switch code {
	case "failed_deliverability_strictness":
		return "to"
	case "address_length_exceeds_limit":
		return "to.address_line1"
	case "foreign_return_address":
		return "from.address_country"
	}
	// The fields of an inline address, as Lob names them in its messages.
	addressFields := [...]string{"address_line1", "address_line2", "address_city", "address_state", "address_zip", "address_country", "name", "company"}
	lower := strings.ToLower(msg)
	for _, side := range [...]string{"to.", "from."} {
		for _, f := range addressFields {
			if strings.Contains(lower, side+f) {
				return side + f
			}
		}
	}
	for _, f := range addressFields[:6] {
		if strings.Contains(lower, f) {
			return f
		}
	}
	if strings.Contains(lower, "undeliverable") || strings.Contains(lower, "deliverability") {
		return "to"
	}
	return ""
}

// classify turns a non-2xx answer into a classified error: 429
// rate-limited with its delay; 408, 409 and 5xx retryable; any other 4xx
// permanent, naming the address field Lob refused when it names one.
func classify(provider string, res *http.Response, raw []byte, now time.Time) error {
	var eb errorBody
	_ = json.Unmarshal(raw, &eb)
	ae := &APIError{StatusCode: res.StatusCode, Code: eb.Error.Code, Message: adapterkit.Truncate(strings.TrimSpace(eb.Error.Message), 200)}
	ce := &channel.Error{Provider: provider, Code: ae.Code, Err: ae}
	if ce.Code == "" {
		ce.Code = strconv.Itoa(res.StatusCode)
	}
	switch s := res.StatusCode; {
	case s == http.StatusTooManyRequests:
		ce.Class = channel.ClassRateLimited
		ce.RetryAfter = retryAfter(res.Header, now)
	case s == http.StatusRequestTimeout, s == http.StatusConflict, s >= 500:
		// 408: Lob's request_timeout, "try again". 409: the state
		// conflicted, as when two requests with one idempotency key cross;
		// trying again with the key is safe and answers with the letter.
		ce.Class = channel.ClassRetryable
		ce.RetryAfter = retryAfter(res.Header, now)
	default:
		ce.Class = channel.ClassPermanent
		if s == http.StatusUnprocessableEntity || s == http.StatusBadRequest {
			ae.Field = addressField(ae.Code, ae.Message)
		}
	}
	return ce
}

// retryAfter reads the delay a 429 or 5xx asks for: Retry-After in seconds
// or as an HTTP date, else Lob's X-Rate-Limit-Reset (Unix seconds) less
// now; zero when neither says. It never exceeds an hour.
func retryAfter(h http.Header, now time.Time) time.Duration {
	var d time.Duration
	if v := h.Get("Retry-After"); strings.TrimSpace(v) != "" {
		d = adapterkit.RetryAfter(v, now)
	} else if v := strings.TrimSpace(h.Get("X-Rate-Limit-Reset")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 0 && secs < 1<<40 {
			d = time.Unix(secs, 0).Sub(now)
		}
	}
	return min(max(d, 0), time.Hour)
}
