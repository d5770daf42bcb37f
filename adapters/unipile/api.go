package unipile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
)

// maxAnswer is the most bytes of an answer read.
const maxAnswer = 1 << 20

// APIError is an answer of Unipile's other than 2xx, as its v1 API writes
// them: {"title", "detail", "type": "errors/<code>", "status"}.
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Type is Unipile's error type ("errors/disconnected_account"), or "".
	Type string
	// Title and Detail are Unipile's explanation, or "".
	Title, Detail string
}

// Error renders "unipile: 422 errors/cannot_resend_yet: <title>: <detail>".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("unipile: ")
	b.WriteString(strconv.Itoa(e.Status))
	for _, s := range []string{e.Type, e.Title, e.Detail} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	return b.String()
}

// Code is the error type without its "errors/" prefix ("cannot_resend_yet"),
// or the HTTP status when Unipile named no type.
func (e *APIError) Code() string {
	if t := strings.TrimPrefix(e.Type, "errors/"); t != "" {
		return t
	}
	return strconv.Itoa(e.Status)
}

// classify turns an answer of Unipile's other than 2xx into the error class
// the engine acts on:
//
//   - 429 and 500: Unipile's answers to a seat past LinkedIn's or its own
//     limits: rate-limited, with the Retry-After when it gave one;
//   - any other 5xx: retryable, with the Retry-After when it gave one;
//   - any other 4xx (an invalid field, a profile already invited or not
//     reachable, a disconnected account): permanent, Unipile's reason kept.
func classify(provider string, e *APIError, retryAfter time.Duration) error {
	ce := &channel.Error{Provider: provider, Code: e.Code(), Err: e}
	switch {
	case e.Status == http.StatusTooManyRequests || e.Status == http.StatusInternalServerError:
		ce.Class, ce.RetryAfter = channel.ClassRateLimited, retryAfter
	case e.Status >= 500:
		ce.Class, ce.RetryAfter = channel.ClassRetryable, retryAfter
	default:
		ce.Class = channel.ClassPermanent
	}
	return ce
}

// request is one call of the API.
type request struct {
	method string
	path   string     // below /api/v1, with its escaped segments
	query  url.Values // account_id and the like
	json   any        // a JSON body, or nil
	form   url.Values // a multipart/form-data body, or nil
}

// errUnanswered marks a request that got no answer: it may or may not have
// reached Unipile.
var errUnanswered = adapterkit.ErrUnanswered

// do sends r and decodes a 2xx answer into out (when out is not nil). Its
// errors are classified for the engine: an *APIError inside a
// *channel.Error for an answer other than 2xx; a retryable error wrapping
// errUnanswered for a request that got no answer; the context's own error
// when it was cancelled. The API key is set as a header and never logged.
func (c *Channel) do(ctx context.Context, r request, out any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	contentType := ""
	switch {
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			return channel.Permanent(fmt.Errorf("unipile: encoding %s %s: %w", r.method, r.path, err))
		}
		body, contentType = bytes.NewReader(b), "application/json"
	case r.form != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, k := range slices.Sorted(maps.Keys(r.form)) {
			for _, v := range r.form[k] {
				if err := mw.WriteField(k, v); err != nil {
					return channel.Permanent(fmt.Errorf("unipile: encoding %s %s: %w", r.method, r.path, err))
				}
			}
		}
		if err := mw.Close(); err != nil {
			return channel.Permanent(fmt.Errorf("unipile: encoding %s %s: %w", r.method, r.path, err))
		}
		body, contentType = &buf, mw.FormDataContentType()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return channel.Permanent(fmt.Errorf("unipile: %s %s: %w", r.method, r.path, err))
	}
	req.Header.Set("X-API-KEY", c.cfg.APIKey)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.Client, req, c.cfg.Provider, maxAnswer, c.log)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		ae := &APIError{Status: res.StatusCode}
		var p struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
			Type   string `json:"type"`
		}
		if json.Unmarshal(raw, &p) == nil {
			ae.Type, ae.Title, ae.Detail = p.Type, p.Title, p.Detail
		}
		c.log.WarnContext(ctx, "unipile refused", "method", r.method, "path", r.path, "status", res.StatusCode, "type", ae.Type)
		return classify(c.cfg.Provider, ae, adapterkit.RetryAfter(res.Header.Get("Retry-After"), c.cfg.Now()))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			// Unipile acted but its answer does not read: the outcome is
			// known to have happened, not what it was.
			return &channel.Error{Class: channel.ClassRetryable, Provider: c.cfg.Provider,
				Err: fmt.Errorf("%w: %s %s: decoding the answer: %w", errUnanswered, r.method, r.path, err)}
		}
	}
	return nil
}

// refused reports whether err is Unipile's answer (not a lost request):
// an answer other than 2xx below 500 proves the request did nothing.
func refused(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status < 500
}
