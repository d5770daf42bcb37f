// Package adapterkit holds what the provider adapters under adapters/
// share: one HTTP exchange with a provider, reading a Retry-After header,
// the rate defaults, a letter's HTML from plain text, cutting a provider's
// text for an error, the first check of a JSON webhook body, and the
// instants and meeting events the scheduling adapters read. It is internal: a host's own adapter copies
// what it needs.
package adapterkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"

	"github.com/outbound-go/outbound/adapters/webhook"
	"golang.org/x/time/rate"
)

// RetryAfter reads a Retry-After header's value: seconds, or an HTTP date
// measured from now. It returns 0 for none, for one it cannot read, and
// for a delay already past.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), int64(1<<62)/int64(time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// ParagraphsHTML renders plain text as an HTML document opened by open
// (`<html>`, or one with a style): escaped, a paragraph for each block
// separated by a blank line, a line break for each other newline.
func ParagraphsHTML(open, text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	b.WriteString(open)
	b.WriteString("<body>")
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			b.WriteString(html.EscapeString(line))
		}
		b.WriteString("</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}

// Truncate shortens s to at most n bytes, marking the cut with "…".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// DecodeObject decodes a webhook body that must be one JSON object into v,
// or returns an error wrapping webhook.ErrPayload.
func DecodeObject(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return fmt.Errorf("%w: not a JSON object", webhook.ErrPayload)
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		return fmt.Errorf("%w: %v", webhook.ErrPayload, err)
	}
	return nil
}

// Rate applies an adapter's rate defaults to a configured rate and burst:
// a negative rate means no limit (0, 0); a zero rate takes def and at
// least defBurst; a rate without a burst gets a burst of 1.
func Rate(r rate.Limit, burst int, def rate.Limit, defBurst int) (rate.Limit, int) {
	switch {
	case r < 0:
		return 0, 0
	case r == 0:
		return def, max(burst, defBurst)
	case burst <= 0:
		return r, 1
	}
	return r, burst
}

// ErrUnanswered marks a request that got no answer, or an answer that
// could not be read: it may or may not have reached the provider.
var ErrUnanswered = errors.New("no answer")

// Exchange sends req with client and reads at most limit bytes of the
// answer, whatever its status. A request that got no answer, or whose
// answer could not be read, is a retryable *channel.Error of provider
// wrapping ErrUnanswered, naming the method and path but not the URL's
// query (and warned of on log, when not nil, without a header or a
// body); a cancelled ctx returns its own error.
func Exchange(ctx context.Context, client *http.Client, req *http.Request, provider string, limit int64, log *slog.Logger) (*http.Response, []byte, error) {
	name := req.Method + " " + req.URL.Path
	lost := func(what string, err error) error {
		if cerr := ctx.Err(); errors.Is(cerr, context.Canceled) {
			return fmt.Errorf("%s: %s: %w", provider, name, cerr)
		}
		var ne net.Error
		timeout := errors.As(err, &ne) && ne.Timeout()
		if log != nil {
			log.WarnContext(ctx, provider+" request unanswered", "method", req.Method, "path", req.URL.Path, "timeout", timeout)
		}
		return &channel.Error{Class: channel.ClassRetryable, Provider: provider,
			Err: fmt.Errorf("%s: %w: %s%s: %w", provider, ErrUnanswered, name, what, Scrub(err))}
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, lost("", err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(res.Body, limit))
	if err != nil {
		return nil, nil, lost(": reading the answer", err)
	}
	return res, raw, nil
}

// Scrub drops the URL from a transport error: it may carry a query (a
// filter, a lookup) that does not belong in a log or an error message.
func Scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
