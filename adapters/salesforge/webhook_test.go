package salesforge_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/salesforge/salesforgetest"
	"github.com/outbound-go/outbound/adapters/smtp/smtptest"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
)

// documented is the email_sent example of Salesforge's help centre, with
// its type replaced.
func documented(typ, extra string) []byte {
	return []byte(`{"webhookInfo":{"id":"wh_or388zo2xuqf02k7sigl1","eventTime":"2023-12-06T16:03:31+02:00","type":"` + typ + `"},
"sequenceEmail":{"emailId":"e9168fc8-ab8a-4fc4-bc0b-22424faad142@outlook.com","fromEmail":"hey@salesforge.ai","fromName":"Frank Sondors",
"toEmail":"bill@gates.com","toName":"Bill Gates","subject":"More sales in Q4?","content":{"text":"Hi Bill","html":"<p>Hi Bill</p>"}},
"workspace":{"id":"wks_b1fln2njl9xtoh1miu7zx","name":"Salesforge","slug":"salesforge"},
"contact":{"id":"lead_mmxtxqo4920f4ohkwgid4","firstName":"Bill","lastName":"Gates","email":"bill@gates.com","company":"Microsoft"},
"sequence":{"id":"seq_verfvuynadkes5l1l0gdw","name":"Salesforge Sequence"},
"mailbox":{"id":"mbox_07ohxomu88jj7c85gjo8g","firstName":"Frank","lastName":"Sondors","email":"hey@salesforge.ai","customDomain":"sf.salesforge.ai"}` + extra + `}`)
}

func TestDecoderMapsTypes(t *testing.T) {
	at := time.Date(2023, 12, 6, 14, 3, 31, 0, time.UTC)
	cases := []struct {
		typ, extra string
		want       channel.EventType // "" for no event
		detail     string
		meta       map[string]string
		body       string
	}{
		{typ: "email_replied", extra: `,"reply":{"emailId":"r1@gates.com","content":{"text":"Sure, call me."}}`,
			want: channel.EventReplied, body: "Sure, call me.", meta: map[string]string{"reply_email_id": "r1@gates.com"}},
		{typ: "positive_reply", extra: `,"label":"Interested"`, want: channel.EventReplied,
			meta: map[string]string{"sentiment": "positive", "label": "Interested"}},
		{typ: "negative_reply", extra: `,"label":{"id":"lbl_1","name":"Not now"}`, want: channel.EventReplied,
			meta: map[string]string{"sentiment": "negative", "label": "Not now"}},
		{typ: "email_bounced", want: channel.EventBounced, detail: "hard"},
		{typ: "email_bounced", extra: `,"bounce":{"type":"soft","reason":"mailbox full"}`, want: channel.EventSoftBounced, detail: "soft: mailbox full"},
		{typ: "contact_unsubscribed", want: channel.EventOptedOut},
		{typ: "dnc_added", want: channel.EventOptedOut, detail: "dnc_added"},
		{typ: "email_sent"}, {typ: "email_opened"}, {typ: "link_clicked"}, {typ: "label_changed"},
		{typ: "linkedin_replied"}, {typ: "something_new"},
	}
	for _, c := range cases {
		t.Run(c.typ+c.detail, func(t *testing.T) {
			got, err := salesforge.Decoder{}.Decode(nil, documented(c.typ, c.extra))
			require.NoError(t, err)
			if c.want == "" {
				require.Empty(t, got, "a %s webhook makes no event", c.typ)
				return
			}
			require.Len(t, got, 1)
			require.NoError(t, got[0].Validate())
			e := got[0].Message
			require.Equal(t, c.want, e.Type)
			require.Equal(t, channel.Email, e.Kind)
			require.Equal(t, "salesforge", e.Provider)
			require.Equal(t, "bill@gates.com", e.From, "the contact, by whose address the engine finds the lead")
			require.Equal(t, "hey@salesforge.ai", e.To)
			require.True(t, e.At.Equal(at))
			require.Equal(t, c.typ+"/e9168fc8-ab8a-4fc4-bc0b-22424faad142@outlook.com/2023-12-06T14:03:31Z", e.ProviderEventID)
			require.Equal(t, "<e9168fc8-ab8a-4fc4-bc0b-22424faad142@outlook.com>", e.ProviderMessageID)
			require.Equal(t, c.detail, e.Detail)
			require.Equal(t, c.body, e.Body)
			require.Equal(t, "seq_verfvuynadkes5l1l0gdw", e.Metadata["sequence_id"])
			for k, v := range c.meta {
				require.Equal(t, v, e.Metadata[k], k)
			}
		})
	}
}

func TestDecoderDedupeKey(t *testing.T) {
	// The same event in another offset is the same event; another time is
	// another one.
	a, err := salesforge.Decoder{}.Decode(nil, documented("email_replied", ""))
	require.NoError(t, err)
	other := []byte(`{"webhookInfo":{"id":"wh_x","eventTime":"2023-12-06T14:03:31Z","type":"email_replied"},"sequenceEmail":{"emailId":"e9168fc8-ab8a-4fc4-bc0b-22424faad142@outlook.com"},"contact":{"email":"bill@gates.com"}}`)
	b, err := salesforge.Decoder{}.Decode(nil, other)
	require.NoError(t, err)
	require.Equal(t, a[0].Message.ProviderEventID, b[0].Message.ProviderEventID)
	later := []byte(`{"webhookInfo":{"id":"wh_x","eventTime":"2023-12-06T14:03:32Z","type":"email_replied"},"sequenceEmail":{"emailId":"e9168fc8-ab8a-4fc4-bc0b-22424faad142@outlook.com"},"contact":{"email":"bill@gates.com"}}`)
	c, err := salesforge.Decoder{}.Decode(nil, later)
	require.NoError(t, err)
	require.NotEqual(t, a[0].Message.ProviderEventID, c[0].Message.ProviderEventID)
}

func TestDecoderRefusesBadPayloads(t *testing.T) {
	for name, body := range map[string]string{
		"not an object": `[1]`,
		"no type":       `{"webhookInfo":{"eventTime":"2023-12-06T16:03:31+02:00"}}`,
		"bad time":      `{"webhookInfo":{"type":"email_bounced","eventTime":"yesterday"},"contact":{"email":"a@b.co"}}`,
		"no contact":    `{"webhookInfo":{"type":"email_bounced","eventTime":"2023-12-06T16:03:31+02:00"}}`,
	} {
		_, err := salesforge.Decoder{}.Decode(nil, []byte(body))
		require.ErrorIs(t, err, webhook.ErrPayload, name)
	}
}

func TestMessageID(t *testing.T) {
	for in, want := range map[string]string{
		"abc@x.example":   "<abc@x.example>",
		"<abc@x.example>": "<abc@x.example>",
		"em_123":          "em_123",
		"":                "",
	} {
		require.Equal(t, want, salesforge.MessageID(in), in)
	}
}

// TestSendThenWebhooks runs the whole path: a send through the mailbox,
// the fake's seeded outcomes posted to the registered webhook (with its
// token), and the events matching the send by its Message-ID.
func TestSendThenWebhooks(t *testing.T) {
	ctx := context.Background()
	smtpSrv := smtptest.Start(t)
	ch := newChannel(t, smtpSrv)
	now := start
	api := salesforgetest.NewServer(salesforgetest.Config{Now: func() time.Time { return now.Add(30 * 24 * time.Hour) },
		Model: &channeltest.Model{Seed: 7, Rates: channeltest.Rates{EmailReply: 0.5, EmailHardBounce: 0.2}}})
	t.Cleanup(api.Close)
	client := newClient(t, api)

	var events []outbound.Inbound
	hook := newHandlerFunc(t, func(_ context.Context, in []outbound.Inbound) error { events = append(events, in...); return nil })
	srv := newHTTPServer(t, hook)
	for _, typ := range salesforge.EventTypes() {
		u, err := salesforge.WebhookURL(srv+"/hooks/salesforge", "", secret)
		require.NoError(t, err)
		_, err = client.CreateWebhook(ctx, salesforgetest.DefaultWorkspace, salesforge.Webhook{URL: u, Type: typ})
		require.NoError(t, err)
	}
	require.Len(t, api.Webhooks(salesforgetest.DefaultWorkspace), len(salesforge.EventTypes()))

	receipts := map[string]string{}
	want := 0
	for i := range 20 {
		m := email("touch-" + string(rune('a'+i)))
		rc, err := ch.Send(ctx, m)
		require.NoError(t, err)
		require.Equal(t, "salesforge", rc.Provider)
		receipts[rc.ProviderMessageID] = m.IdempotencyKey
		for _, o := range api.Record("", m, rc, start) {
			if o.Type != salesforge.TypeEmailSent {
				want++
			}
		}
	}
	require.Positive(t, want, "the seed draws some replies or bounces")
	n, err := api.DeliverDue(ctx)
	require.NoError(t, err)
	require.Equal(t, want, n, "no webhook is registered for email_sent")
	require.Len(t, events, want)
	for _, in := range events {
		_, ok := receipts[in.Message.ProviderMessageID]
		require.True(t, ok, "event %s names a message the channel sent", in.Message.ProviderEventID)
	}
	again, err := api.DeliverDue(ctx)
	require.NoError(t, err)
	require.Zero(t, again, "delivered outcomes are not posted again")
}

func newHandlerFunc(t *testing.T, f webhook.SinkFunc) http.Handler { return newHandler(t, f) }
