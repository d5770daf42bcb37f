package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/timing"
)

// alertEmailTimeout bounds the emailing of one alert to all its
// recipients: the pool waits for it.
const alertEmailTimeout = 10 * time.Second

// emailAlerter emails each pool alert, a short plain-text message, to
// every address of OUTBOUND_ALERT_EMAIL_TO through the SMTP relay, after
// handing it to the next alerter. An email that fails is logged; the alert
// is not retried. The email is sent even when the context the alert came
// with ends (the request that paused a resource may have hung up: the
// pause stands), within alertEmailTimeout.
type emailAlerter struct {
	next    pool.Alerter
	relay   *smtp.Channel
	from    string
	to      []channel.Recipient
	timeout time.Duration
	log     *slog.Logger
}

// newEmailAlerter emails alerts as a says through the relay s names,
// after handing them to next.
func newEmailAlerter(next pool.Alerter, a alertEmail, s sending, clock timing.Clock, log *slog.Logger) (*emailAlerter, error) {
	cfg := s.relay(clock)
	cfg.Provider, cfg.Timeout = "smtp/alerts", alertEmailTimeout
	relay, err := smtp.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("alert email: %w", err)
	}
	return &emailAlerter{next: next, relay: relay, from: a.From, to: a.To, timeout: alertEmailTimeout, log: log}, nil
}

// Alert implements pool.Alerter.
func (e *emailAlerter) Alert(ctx context.Context, a pool.Alert) error {
	err := e.next.Alert(ctx, a)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.timeout)
	defer cancel()
	subject, body := alertMail(a)
	key := fmt.Sprintf("alert/%s/%s/%d", a.Kind, a.Resource, a.At.UnixNano())
	for _, to := range e.to {
		m := &channel.Message{IdempotencyKey: key, Kind: channel.Email, From: channel.Sender{Address: e.from}, To: to,
			Subject: subject, Body: body}
		if _, serr := e.relay.Send(sctx, m); serr != nil {
			e.log.WarnContext(ctx, "alert not emailed", "alert", string(a.Kind), "to", to.Email, "err", serr)
		}
	}
	return err
}

// alertMail is an alert's subject, naming its kind and what it concerns,
// and its plain-text body: the message, when the pool raised it, and the
// IDs it names.
func alertMail(a pool.Alert) (subject, body string) {
	subject = "outbound alert: " + string(a.Kind)
	switch {
	case !a.Resource.IsZero():
		subject += fmt.Sprintf(" (%s %s)", a.ResourceKind, a.Resource)
	case a.ResourceKind != "":
		subject += fmt.Sprintf(" (%s)", a.ResourceKind)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nRaised at %s.\n", a.Message, a.At.UTC().Format(time.RFC3339))
	if !a.Resource.IsZero() {
		fmt.Fprintf(&b, "Resource: %s %s\n", a.ResourceKind, a.Resource)
	}
	if !a.Replacement.IsZero() {
		fmt.Fprintf(&b, "Replacement: %s\n", a.Replacement)
	}
	if !a.Client.IsZero() {
		fmt.Fprintf(&b, "Client: %s\n", a.Client)
	}
	if a.Count != 0 {
		fmt.Fprintf(&b, "Count: %d\n", a.Count)
	}
	return subject, b.String()
}
