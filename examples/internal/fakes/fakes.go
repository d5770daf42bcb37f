package fakes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/lob/lobtest"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/adapters/stripe/stripetest"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/vapi/vapitest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// The webhook routes the fakes post to, under Options.Webhooks.
const (
	RouteTwilioSMS    = "/webhooks/twilio/sms"        // texts leads send
	RouteTwilioStatus = "/webhooks/twilio/sms-status" // texts' status
	RouteUnipile      = "/webhooks/unipile"           // new relations and messages
)

// Options configure [Start].
type Options struct {
	// Clock is the adapters' clock. Required.
	Clock timing.Clock
	// FakeNow tells Twilio's and Unipile's fakes the time they stamp on
	// what they post (a simulation has them tell the instant its model
	// says the lead acted). Default Clock.Now.
	FakeNow func() time.Time
	// Webhooks is the scheme and host of the webhook routes the fakes
	// post to ("http://127.0.0.1:8080"); Twilio's fake signs over it.
	// Required.
	Webhooks string
	// HELO is the name the SMTP adapter gives. Default the adapter's.
	HELO string
	// Seed seeds what Unipile's fake's members do.
	Seed uint64
}

// Set is every provider's fake and the adapter on it.
type Set struct {
	SMTP  *smtptest.Server
	Email *smtp.Channel

	Lob     *lobtest.Server
	Letters *lob.Channel

	Vapi  *vapitest.Server
	Calls *vapi.Channel

	Twilio *twiliotest.Server
	Texts  *twilio.SMS
	// TwilioClient is the client Texts sends through; it buys numbers
	// too (twilio.Client.Purchase), from those the test stocks at the
	// fake (twiliotest.Server.Stock), Australian mobiles by default.
	TwilioClient *twilio.Client

	Unipile *unipiletest.Server
	// LinkedIn is the Unipile channel; its Journal is the one the webhook
	// route's decoder reads (unipile.DecoderConfig.Journal) to find the
	// touch a notice concerns.
	LinkedIn *unipile.Channel
	Journal  *unipile.MemoryStore
	// UnipileSecret is the value of the secret header
	// (unipile.DefaultSecretHeader) Unipile's fake sends with every
	// notice.
	UnipileSecret string

	Stripe *stripetest.Server
	// Prices maps Stripe's fake's prices to plans: "price_<plan>" for
	// each default plan.
	Prices map[string]string

	stops []func() // each fake's Close, in the order started
}

// Start starts every fake and the adapters on them, and subscribes
// Unipile's fake to the Unipile route. On an error, what was started is
// stopped.
func Start(ctx context.Context, o Options) (*Set, error) {
	if o.Clock == nil || o.Webhooks == "" {
		return nil, errors.New("fakes: Options.Clock and Options.Webhooks are required")
	}
	if o.FakeNow == nil {
		o.FakeNow = o.Clock.Now
	}
	s := &Set{}
	if err := s.start(ctx, o); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Set) start(ctx context.Context, o Options) error {
	now := o.Clock.Now
	var err error
	if s.SMTP, err = smtptest.Listen(); err != nil {
		return fmt.Errorf("smtp fake: %w", err)
	}
	s.stops = append(s.stops, s.SMTP.Close)
	if s.Email, err = smtp.New(smtp.Config{Host: s.SMTP.Host, Port: s.SMTP.Port, TLS: smtp.TLSNone, HELO: o.HELO, Clock: o.Clock}); err != nil {
		return fmt.Errorf("smtp channel: %w", err)
	}

	s.Lob = lobtest.NewServer(lobtest.Config{WebhookSecret: Token(), Now: now})
	s.stops = append(s.stops, s.Lob.Close)
	if s.Letters, err = lob.New(lob.Config{APIKey: s.Lob.APIKey(), BaseURL: s.Lob.URL(), Now: now}); err != nil {
		return fmt.Errorf("lob channel: %w", err)
	}

	// Every number calls through a Vapi phone number named after it.
	s.Vapi = vapitest.NewServer(vapitest.Config{Secret: Token(), Now: now})
	s.stops = append(s.stops, s.Vapi.Close)
	s.Calls, err = vapi.New(vapi.Config{APIKey: s.Vapi.APIKey(), BaseURL: s.Vapi.URL(), AssistantID: "fake-assistant",
		PhoneNumberID: func(n string) (string, bool) { return "pn-" + strings.TrimPrefix(n, "+"), n != "" }, Now: now})
	if err != nil {
		return fmt.Errorf("vapi channel: %w", err)
	}

	s.Twilio = twiliotest.NewServer(twiliotest.Config{AuthToken: Token(), Now: o.FakeNow, SMSURL: o.Webhooks + RouteTwilioSMS})
	s.stops = append(s.stops, s.Twilio.Close)
	tw, err := twilio.New(twilio.Config{AccountSID: s.Twilio.AccountSID(), AuthToken: s.Twilio.AuthToken(),
		BaseURL: s.Twilio.URL(), SMSStatusURL: o.Webhooks + RouteTwilioStatus, Now: now,
		// No declared rate: a fake has none, and a simulated clock that
		// stands still while it dispatches would keep a worker waiting on
		// one for ever.
		Rate: -1})
	if err != nil {
		return fmt.Errorf("twilio client: %w", err)
	}
	s.Texts, s.TwilioClient = tw.SMS(), tw

	// Unipile's fake takes every seat and every member it is asked of.
	const unipileKey = "fake_unipile_key"
	if s.Unipile, err = unipiletest.New(unipiletest.Config{APIKey: unipileKey, AnyAccount: true, AnyProfile: true, Now: o.FakeNow,
		Seed: o.Seed}); err != nil {
		return fmt.Errorf("unipile fake: %w", err)
	}
	s.stops = append(s.stops, s.Unipile.Close)
	s.Journal = unipile.NewMemoryStore()
	if s.LinkedIn, err = unipile.New(unipile.Config{DSN: s.Unipile.DSN(), APIKey: unipileKey, Now: now,
		Client: s.Unipile.Client(), Chats: s.Journal, Journal: s.Journal}); err != nil {
		return fmt.Errorf("unipile channel: %w", err)
	}
	// A host registers its webhooks once: new relations and messages,
	// with the route's secret header.
	s.UnipileSecret = Token()
	for _, src := range []string{unipile.SourceUsers, unipile.SourceMessaging} {
		if _, err := s.LinkedIn.CreateWebhook(ctx, src, o.Webhooks+RouteUnipile, unipile.DefaultSecretHeader, s.UnipileSecret); err != nil {
			return fmt.Errorf("unipile webhook %s: %w", src, err)
		}
	}

	s.Stripe = stripetest.NewServer(stripetest.Config{WebhookSecret: "whsec_" + Token(), Now: now})
	s.stops = append(s.stops, s.Stripe.Close)
	s.Prices = map[string]string{}
	for _, p := range outbound.DefaultPlans() {
		s.Prices["price_"+p.Name] = p.Name
	}
	return nil
}

// Channels are the adapters, one of each kind the fakes serve: email,
// mail, voice, SMS and LinkedIn.
func (s *Set) Channels() []channel.Channel {
	return []channel.Channel{s.Email, s.Letters, s.Calls, s.Texts, s.LinkedIn}
}

// Close stops every fake that was started.
func (s *Set) Close() {
	for _, stop := range slices.Backward(s.stops) {
		stop()
	}
	s.stops = nil
}

// VapiEnding is the endedReason Vapi reports for a call outcome, or false
// for an event that is not one.
func VapiEnding(t channel.EventType) (string, bool) {
	r, ok := map[channel.EventType]string{
		channel.EventCallAnswered: "customer-ended-call", channel.EventCallVoicemail: "voicemail",
		channel.EventCallBusy: "customer-busy", channel.EventCallNoAnswer: "customer-did-not-answer",
		channel.EventCallFailed: "twilio-failed-to-connect-call",
	}[t]
	return r, ok
}

// Token returns a random hex token of 32 bytes: a fake's secret.
func Token() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
