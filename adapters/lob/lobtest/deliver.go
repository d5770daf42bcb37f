package lobtest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/outbound-go/outbound/adapters/lob"
)

// Sign returns the Lob-Signature and Lob-Signature-Timestamp of body
// signed at instant at: the hex HMAC-SHA256 under the webhook secret of the
// timestamp in Unix milliseconds, ".", and the body.
func (s *Server) Sign(body []byte, at time.Time) (signature, timestamp string) {
	return Sign(s.cfg.WebhookSecret, body, at)
}

// Sign is Server.Sign with a secret of the caller's.
func Sign(secret string, body []byte, at time.Time) (signature, timestamp string) {
	timestamp = strconv.FormatInt(at.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil)), timestamp
}

// SignedRequest returns a POST of body to url signed at instant at, as Lob
// makes it.
func (s *Server) SignedRequest(ctx context.Context, url string, body []byte, at time.Time) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("lobtest: %w", err)
	}
	sig, ts := s.Sign(body, at)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(lob.SignatureHeader, sig)
	req.Header.Set(lob.TimestampHeader, ts)
	return req, nil
}

// DeliverDue posts to url, signed now, every outcome of every letter that
// is due by the clock and not yet answered 2xx, in letter then time order.
// It returns how many were answered 2xx; an outcome answered otherwise, or
// not at all, stays due (Lob retries) and is reported in the error.
func (s *Server) DeliverDue(ctx context.Context, url string) (int, error) {
	now := s.cfg.Now()
	var due []Outcome
	for _, l := range s.Letters() {
		for _, o := range s.outcomes(l) {
			s.mu.Lock()
			acked := s.acked[o.EventID]
			s.mu.Unlock()
			if !acked && !o.At.After(now) {
				due = append(due, o)
			}
		}
	}
	n := 0
	var errs []error
	for _, o := range due {
		if err := s.deliver(ctx, url, o, now); err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		s.mu.Lock()
		s.acked[o.EventID] = true
		s.mu.Unlock()
		n++
	}
	return n, errors.Join(errs...)
}

func (s *Server) deliver(ctx context.Context, url string, o Outcome, now time.Time) error {
	body, err := s.EventBody(o)
	if err != nil {
		return err
	}
	req, err := s.SignedRequest(ctx, url, body, now)
	if err != nil {
		return err
	}
	res, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("lobtest: delivering %s %s: %w", o.Type, o.EventID, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("lobtest: delivering %s %s: answered %d", o.Type, o.EventID, res.StatusCode)
	}
	return nil
}
