package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
	"github.com/outbound-go/outbound/adapters/calendly"
	"github.com/outbound-go/outbound/adapters/calendly/calendlytest"
	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/lob/lobtest"
	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/salesforge/salesforgetest"
	"github.com/outbound-go/outbound/adapters/stannp"
	"github.com/outbound-go/outbound/adapters/stannp/stannptest"
	"github.com/outbound-go/outbound/adapters/stripe"
	"github.com/outbound-go/outbound/adapters/stripe/stripetest"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/adapters/vapi/vapitest"
	"github.com/outbound-go/outbound/channel"
)

// delivery is one POST to a webhook route: its path (with a query, for a
// route whose token is in the URL) and headers.
type delivery struct {
	path   string
	header http.Header
}

// Every provider's route, as the server mounts it with every secret set:
// a delivery signed with another secret, or not signed at all, is 401 and
// records nothing; the provider's signed delivery is taken and recorded
// once; the same delivery again (providers redeliver) is taken and changes
// nothing — an opt-out among them is kept once. Each body is what the
// provider's fake sends.
func TestWebhooksOfEveryProvider(t *testing.T) {
	t.Parallel()
	const public = "https://hooks.example.com"
	twilioFake := twiliotest.NewServer(twiliotest.Config{AuthToken: "twtoken0123"})
	defer twilioFake.Close()
	recordings := t.TempDir()
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-public-url", public}, env(map[string]string{
		"STRIPE_WEBHOOK_SECRET": "whsec_stripe", "STRIPE_API_KEY": "sk_test_stripe", "OUTBOUND_PRICES": "price_growth=growth",
		"TWILIO_ACCOUNT_SID": twilioFake.AccountSID(), "OUTBOUND_RECORDINGS_DIR": recordings,
		"TWILIO_AUTH_TOKEN": "twtoken0123", "VAPI_WEBHOOK_SECRET": "vapi-hmac", "UNIPILE_WEBHOOK_SECRET": "unipile-header",
		"LOB_WEBHOOK_SECRET": "lob-hmac", "STANNP_WEBHOOK_SECRET": "stannp-hmac", "CALCOM_WEBHOOK_SECRET": "whsec_cal",
		"CALENDLY_SIGNING_KEY": "calendly-key", "SALESFORGE_WEBHOOK_TOKEN": "sf-token", "INBOUND_MAIL_TOKEN": "mail-token",
	}), io.Discard)
	require.NoError(t, err)
	cfg.twilioBaseURL = twilioFake.URL() // recordings are fetched from Twilio's fake
	s := start(t, cfg)
	asJSON := func(h http.Header) http.Header { h.Set("Content-Type", "application/json"); return h }

	stripeFake := stripetest.NewServer(stripetest.Config{WebhookSecret: "whsec_stripe"})
	defer stripeFake.Close()
	vapiFake := vapitest.NewServer(vapitest.Config{Secret: "vapi-hmac"})
	defer vapiFake.Close()
	lobFake := lobtest.NewServer(lobtest.Config{})
	defer lobFake.Close()
	stannpFake := stannptest.NewServer(stannptest.Config{WebhookSecret: "stannp-hmac"})
	defer stannpFake.Close()

	// twilioForm is Twilio's callback of form to path: signed over the
	// public URL by Twilio's fake, and by one of another auth token.
	twilioForm := func(path string, form url.Values) func(*testing.T) ([]byte, delivery, delivery) {
		return func(t *testing.T) ([]byte, delivery, delivery) {
			other := twiliotest.NewServer(twiliotest.Config{AuthToken: "nottwtoken0123"})
			defer other.Close()
			h := func(sig string) http.Header {
				return http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, twilio.SignatureHeader: {sig}}
			}
			return []byte(form.Encode()), delivery{path, h(twilioFake.Sign(public+path, form))},
				delivery{path, h(other.Sign(public+path, form))}
		}
	}
	call := twiliotest.Call{Sid: "CA" + strings.Repeat("c", 32), From: "+61280000001", To: "+61412340002"}
	text := twiliotest.Message{Sid: "SM" + strings.Repeat("d", 32), From: "+61400000001", To: "+61412340003"}

	for _, tt := range []struct {
		name     string
		provider string // whose events the route records
		// events and suppressions are what one delivery records: its
		// events, and the platform-wide opt-outs it keeps.
		events, suppressions int
		// build returns the body, its signed delivery and a delivery
		// signed with another secret.
		build func(t *testing.T) (body []byte, signed, forged delivery)
	}{
		{"stripe", "stripe", 1, 0, func(t *testing.T) ([]byte, delivery, delivery) {
			// The first invoice paid, which Stripe sends after a checkout:
			// decoded without reading the subscription back from Stripe.
			ev := stripeFake.CheckoutAs("cus_hooks", "sub_hooks", "ops@buyer.example", "Buyer", "price_growth", nil)[2]
			require.Equal(t, "invoice.paid", ev.Type)
			other := stripetest.NewServer(stripetest.Config{WebhookSecret: "whsec_other"})
			defer other.Close()
			h := func(sig string) http.Header { return asJSON(http.Header{stripe.SignatureHeader: {sig}}) }
			now := time.Now()
			return ev.Body, delivery{"/webhooks/stripe", h(stripeFake.Sign(ev.Body, now))},
				delivery{"/webhooks/stripe", h(other.Sign(ev.Body, now))}
		}},
		{"twilio sms", "twilio", 1, 0, twilioForm("/webhooks/twilio/sms",
			twilioFake.InboundParams("SM"+strings.Repeat("e", 32), "+61412340004", "+61400000001", "Sounds good, tell me more"))},
		{"twilio sms-status", "twilio", 1, 0, twilioForm("/webhooks/twilio/sms-status", twilioFake.StatusParams(text, "delivered", 0))},
		{"twilio voice-status", "twilio", 1, 0, twilioForm("/webhooks/twilio/voice-status", twilioFake.CallParams(call, "completed", "human"))},
		// A call's recording, fetched from Twilio's fake into the
		// recordings directory as it is recorded.
		{"twilio recording", "twilio", 1, 0, twilioForm("/webhooks/twilio/recording",
			twilioFake.RecordingParams(call, twilioFake.Recorded(call.Sid)))},
		{"vapi", "vapi", 2, 1, func(t *testing.T) ([]byte, delivery, delivery) {
			// A call placed at Vapi's fake, whose callee asked not to be
			// called again: the call's end and the opt-out, kept once.
			ch, err := vapi.New(vapi.Config{APIKey: vapiFake.APIKey(), AssistantID: "asst_1", BaseURL: vapiFake.URL(),
				PhoneNumbers: map[string]string{"+61280000000": "pn_1"}})
			require.NoError(t, err)
			rc := send(t, ch, channel.ActionCall, channel.Sender{Address: "+61280000000"}, channel.Recipient{Phone: "+61412340005"})
			now := time.Now()
			body, err := vapiFake.Report(rc.ProviderMessageID, "customer-ended-call",
				"AI: Hi, it's Sam.\nUser: Please remove me from your list and don't call again.", "", now)
			require.NoError(t, err)
			other := vapitest.NewServer(vapitest.Config{Secret: "not-vapi-hmac"})
			defer other.Close()
			h := func(sig, ts string) http.Header {
				return asJSON(http.Header{vapi.DefaultSignatureHeader: {sig}, vapi.DefaultTimestampHeader: {ts}})
			}
			return body, delivery{"/webhooks/vapi", h(vapiFake.Sign(body, now))}, delivery{"/webhooks/vapi", h(other.Sign(body, now))}
		}},
		{"unipile", unipile.Name, 1, 0, func(*testing.T) ([]byte, delivery, delivery) {
			body := unipiletest.NewRelationPayload("acc_hooks", unipiletest.Profile{PublicID: "ada-lee", ProviderID: "ACoAA1"})
			h := func(secret string) http.Header { return asJSON(http.Header{unipile.DefaultSecretHeader: {secret}}) }
			return body, delivery{"/webhooks/unipile", h("unipile-header")}, delivery{"/webhooks/unipile", h("not-unipile-header")}
		}},
		{"lob", "lob", 1, 0, func(t *testing.T) ([]byte, delivery, delivery) {
			// A letter sent through Lob's fake, delivered.
			ch, err := lob.New(lob.Config{APIKey: lobFake.APIKey(), BaseURL: lobFake.URL()})
			require.NoError(t, err)
			rc := send(t, ch, channel.ActionLetter, channel.Sender{Address: "adr_sender0000000001"}, channel.Recipient{Name: "Ana Lima",
				Postal: channel.PostalAddress{Lines: []string{"210 King St"}, City: "San Francisco", Region: "CA", Postcode: "94107", Country: "us"}})
			now := time.Now()
			body, err := lobFake.EventBody(lobtest.Outcome{EventID: lobtest.EventID(rc.ProviderMessageID, lob.EventDelivered),
				LetterID: rc.ProviderMessageID, Type: lob.EventDelivered, At: now})
			require.NoError(t, err)
			h := func(secret string) http.Header {
				sig, ts := lobtest.Sign(secret, body, now)
				return asJSON(http.Header{lob.SignatureHeader: {sig}, lob.TimestampHeader: {ts}})
			}
			return body, delivery{"/webhooks/lob", h("lob-hmac")}, delivery{"/webhooks/lob", h("not-lob-hmac")}
		}},
		{"stannp", "stannp", 1, 0, func(t *testing.T) ([]byte, delivery, delivery) {
			body, err := stannpFake.DeliveryBody(stannptest.Status{LetterID: "1001", Status: "delivered", At: time.Now()})
			require.NoError(t, err)
			h := func(secret string) http.Header {
				return asJSON(http.Header{stannp.SignatureHeader: {stannptest.Sign(secret, body)}})
			}
			return body, delivery{"/webhooks/stannp", h("stannp-hmac")}, delivery{"/webhooks/stannp", h("not-stannp-hmac")}
		}},
		{"calcom", calcom.DefaultProvider, 1, 0, func(t *testing.T) ([]byte, delivery, delivery) {
			at := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
			body, err := calcomtest.Body(calcom.TriggerCreated, calcomtest.Booking{UID: "bk_hooks", Title: "Intro", Start: at,
				End: at.Add(30 * time.Minute), Attendee: calcomtest.Person{Name: "Bo", Email: "bo@nowhere.example"}}, time.Now(), nil)
			require.NoError(t, err)
			h := func(secret string) http.Header {
				return asJSON(http.Header{calcom.SignatureHeader: {calcomtest.Sign(secret, body)}})
			}
			return body, delivery{"/webhooks/calcom", h("whsec_cal")}, delivery{"/webhooks/calcom", h("whsec_other")}
		}},
		{"calendly", calendly.DefaultProvider, 1, 0, func(t *testing.T) ([]byte, delivery, delivery) {
			at, now := time.Now().Add(48*time.Hour).Truncate(time.Hour), time.Now()
			body, err := calendlytest.Body(calendly.EventInviteeCreated, calendlytest.Invitee{
				URI: "https://api.calendly.com/scheduled_events/EV1/invitees/IN1", Name: "Cy", Email: "cy@nowhere.example",
				EventName: "Intro", Start: at, End: at.Add(30 * time.Minute), Host: "host@agency.example"}, now)
			require.NoError(t, err)
			h := func(key string) http.Header {
				return asJSON(http.Header{calendly.SignatureHeader: {calendlytest.Sign(key, body, now)}})
			}
			return body, delivery{"/webhooks/calendly", h("calendly-key")}, delivery{"/webhooks/calendly", h("not-calendly-key")}
		}},
		{"salesforge", salesforge.Name, 1, 1, func(t *testing.T) ([]byte, delivery, delivery) {
			// A contact unsubscribed: an opt-out from an address that is
			// nobody's lead, kept once.
			body, err := salesforgetest.Body(salesforgetest.Outcome{Type: salesforge.TypeContactUnsubscribed, At: time.Now(),
				Workspace: "wks_1", EmailID: "msg-hooks@mail.agency.example", From: "sam@mail.agency.example",
				To: "dee@buyer.example", Subject: "Quick question"}, "wh_1")
			require.NoError(t, err)
			h := asJSON(http.Header{})
			return body, delivery{"/webhooks/salesforge?token=sf-token", h}, delivery{"/webhooks/salesforge?token=not-sf-token", h}
		}},
		{"smtp inbound", "smtp", 1, 0, func(*testing.T) ([]byte, delivery, delivery) {
			body := []byte("From: Eve <eve@buyer.example>\r\nTo: sam@mail.agency.example\r\nSubject: Hello\r\n" +
				"Date: " + time.Now().Format(time.RFC1123Z) + "\r\nMessage-ID: <in-hooks@buyer.example>\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n\r\nWho are you, and what do you sell?\r\n")
			h := func(tok string) http.Header {
				return http.Header{"Content-Type": {"message/rfc822"}, inboundTokenHeader: {tok}}
			}
			return body, delivery{"/webhooks/smtp-inbound", h("mail-token")}, delivery{"/webhooks/smtp-inbound", h("not-mail-token")}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, signed, forged := tt.build(t)
			events, sups := recordedBy(t, s, tt.provider), optOuts(t, s)
			path, _, _ := strings.Cut(signed.path, "?")
			unsigned := delivery{path, http.Header{"Content-Type": signed.header["Content-Type"]}}
			for _, d := range []delivery{forged, unsigned} {
				require.Equal(t, http.StatusUnauthorized, s.post(t, d.path, body, d.header), "%s %v", d.path, d.header)
				require.Len(t, recordedBy(t, s, tt.provider), len(events), "a delivery not signed with the secret records nothing")
				require.Len(t, optOuts(t, s), len(sups))
			}
			for i := range 2 {
				code := s.post(t, signed.path, body, signed.header)
				require.True(t, code/100 == 2, "delivery %d answered %d", i+1, code)
				got := recordedBy(t, s, tt.provider)
				require.Len(t, got, len(events)+tt.events, "delivery %d: recorded once", i+1)
				for _, e := range got {
					require.False(t, e.AppliedAt.IsZero(), "event %s applied", e.ProviderEventID)
				}
				require.Len(t, optOuts(t, s), len(sups)+tt.suppressions, "delivery %d: an opt-out kept once", i+1)
			}
		})
	}
	recordingKept(t, recordings, call.Sid)
}

// recordingKept wants the recording of call kept, as Twilio's fake serves
// it, in dir.
func recordingKept(t *testing.T, dir, call string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, call, "RE*.mp3"))
	require.NoError(t, err)
	require.Len(t, files, 1, "the recording kept once")
	got, err := os.ReadFile(files[0])
	require.NoError(t, err)
	require.Equal(t, twiliotest.Audio, got)
}

// recordedBy returns the events the server recorded from provider, every
// client's and those matched to none.
func recordedBy(t *testing.T, s *started, provider string) []outbound.Event {
	t.Helper()
	all, err := s.store.ListEvents(context.Background(), outbound.ClientID{})
	require.NoError(t, err)
	var out []outbound.Event
	for _, e := range all {
		if e.Provider == provider {
			out = append(out, e)
		}
	}
	return out
}

// optOuts returns the platform-wide suppressions.
func optOuts(t *testing.T, s *started) []outbound.Suppression {
	t.Helper()
	sups, err := s.store.ListSuppressions(context.Background(), outbound.ClientID{})
	require.NoError(t, err)
	return sups
}

// send sends action from from to to through ch, as the engine would, and
// returns the provider's receipt.
func send(t *testing.T, ch channel.Channel, a channel.Action, from channel.Sender, to channel.Recipient) channel.Receipt {
	t.Helper()
	m := channel.NewMessage("webhooks-test-"+string(a), a)
	m.From, m.To, m.Body = from, to, "Hi, a quick note from Acme."
	rc, err := ch.Send(context.Background(), m)
	require.NoError(t, err)
	return rc
}
