package salesforge

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
)

// APIError is an answer of Salesforge's other than 2xx. Salesforge does not
// document the shape of its error bodies: Message is the "message" or
// "error" field of a JSON body, or the body's text, cut to 200 bytes.
type APIError struct {
	// Method and Path name the request ("POST", "/workspaces/wks_1/dnc/bulk").
	Method, Path string
	// Status is the HTTP status.
	Status int
	// Message is Salesforge's explanation, or "".
	Message string
}

// Error renders "salesforge: POST /workspaces/wks_1/dnc/bulk: 422: <message>".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("salesforge: ")
	b.WriteString(e.Method + " " + e.Path + ": ")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// apiError reads an error answer's body.
func apiError(method, path string, status int, raw []byte) *APIError {
	e := &APIError{Method: method, Path: path, Status: status}
	var p struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(raw, &p) == nil {
		e.Message = p.Message
		if e.Message == "" {
			e.Message = p.Error
		}
	} else {
		e.Message = string(raw)
	}
	e.Message = adapterkit.Truncate(strings.TrimSpace(e.Message), 200)
	return e
}

// classify wraps an error answer in the class the engine and the DNC
// pusher act on: 429 rate-limited with its Retry-After; 408 and 5xx
// retryable (with a Retry-After when given); any other 4xx (a bad key, an
// unknown workspace or mailbox, a refused field) permanent.
func classify(provider string, e *APIError, h http.Header, now time.Time) error {
	ce := &channel.Error{Provider: provider, Code: strconv.Itoa(e.Status), Err: e}
	after := adapterkit.RetryAfter(h.Get("Retry-After"), now)
	switch {
	case e.Status == http.StatusTooManyRequests:
		ce.Class, ce.RetryAfter = channel.ClassRateLimited, after
	case e.Status == http.StatusRequestTimeout || e.Status >= 500:
		ce.Class, ce.RetryAfter = channel.ClassRetryable, after
	default:
		ce.Class = channel.ClassPermanent
	}
	return ce
}
