package main

import (
	"bytes"
	"context"
	"net/http"
	"net/mail"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// TestHTTPProvidersSameTotals: the run through the real adapters and
// their providers' fakes on 127.0.0.1, outcomes back as webhooks, prints
// what the run on the in-memory fakes prints, day by day; with a letter
// step, letters go through Lob's adapter too.
func TestHTTPProvidersSameTotals(t *testing.T) {
	t.Parallel()
	args := []string{"-clients", "2", "-leads", "200", "-days", "14", "-seed", "1", "-letter-day", "4"}
	code, memOut, memErr := runCmd(t, args...)
	require.Equal(t, 0, code, memErr)
	code, httpOut, httpErr := runCmd(t, append(args, "-providers", "http")...)
	require.Equal(t, 0, code, httpErr)
	require.Equal(t, summaryLines(memOut), summaryLines(httpOut))
	require.Equal(t, dayLines(memErr), dayLines(httpErr))
	require.Contains(t, httpErr, "providers http: webhooks taken:")
	for _, route := range []string{routeEmail, routeLob, routeUnipile, routeVapi, routeStripe, routeTwilioStatus} {
		require.Contains(t, httpErr, route+" ", "outcomes came back through %s", route)
	}
	require.Regexp(t, `Australian numbers washed at the DNCR register: [1-9][0-9]*`, httpErr)
}

// TestTamperedWebhookRefused: a webhook without the route's secret is
// refused with 401 and changes nothing.
func TestTamperedWebhookRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o := small(1, 2)
	o.Providers = providersHTTP
	var progress bytes.Buffer
	sim, err := simulate(ctx, o, &progress)
	require.NoError(t, err, progress.String())
	t.Cleanup(sim.close)
	before, err := sim.summary(ctx)
	require.NoError(t, err)

	// A reply to a message the run sent, from its recipient.
	msgs := sim.http.smtpSrv.Messages()
	require.NotEmpty(t, msgs)
	sent, err := mail.ReadMessage(bytes.NewReader(msgs[len(msgs)-1].Data))
	require.NoError(t, err)
	e := channel.Event{Provider: "smtp", ProviderEventID: "forged", Type: channel.EventReplied, Kind: channel.Email,
		ProviderMessageID: sent.Header.Get("Message-Id"), From: msgs[len(msgs)-1].To[0], To: msgs[len(msgs)-1].From,
		At: sim.clock.Now(), Body: "forged"}
	raw, ok := inboundMail(e)
	require.True(t, ok)
	post := func(token string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, sim.http.url+routeEmail, bytes.NewReader(raw))
		require.NoError(t, err)
		if token != "" {
			req.Header.Set(inboundTokenHeader, token)
		}
		res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusUnauthorized, post(""))
	require.Equal(t, http.StatusUnauthorized, post("not-the-token"))
	after, err := sim.summary(ctx)
	require.NoError(t, err)
	require.Equal(t, before, after, "a refused webhook changes nothing")

	// The same body with the route's token is taken, and counts.
	require.Equal(t, http.StatusOK, post(sim.http.token))
	taken, err := sim.summary(ctx)
	require.NoError(t, err)
	require.Equal(t, before.Events["replied"]+1, taken.Events["replied"])
}

// TestRoundTripKeepsEachEvent: each event the model can draw for an email,
// a letter or a LinkedIn touch, sent through the real adapter, comes back through the
// provider's webhook route as the engine would get it from the in-memory
// fake: the same type, instant (to the precision the payload carries),
// return date, and the provider and message ID the touch was sent under.
// An email unsubscribe has no provider payload and is handed over as it is.
func TestRoundTripKeepsEachEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	clock := timingtest.NewClock(at)
	h, err := startHTTPProviders(clock)
	require.NoError(t, err)
	t.Cleanup(h.close)
	var got []channel.Event
	h.applyTo = func(_ context.Context, evs []channel.Event) (tally, error) {
		got = append(got, evs...)
		return tally{Applied: len(evs)}, nil
	}
	out := &outbox{keys: map[string]int{}, ordinals: map[string][]string{}}

	email := channel.NewMessage("touch-email-1", channel.ActionEmail)
	email.From = channel.Sender{Address: "outreach@sim0001.example.net"}
	email.To = channel.Recipient{Name: "Ada Lee", Email: "ada@lead.example"}
	email.Subject, email.Body = "Hello", "A short note.\n\nTo unsubscribe, reply STOP or visit https://sim.example/u/1"
	email.Headers = map[string]string{"List-Unsubscribe": "<https://sim.example/u/1>"}
	letter := channel.NewMessage("touch-mail-1", channel.ActionLetter)
	letter.From = channel.Sender{Address: "lob-sender-0001"}
	letter.To = channel.Recipient{Name: "Ada Lee", Postal: channel.PostalAddress{Lines: []string{"1 Main St"}, City: "Springfield", Region: "IL", Postcode: "62701", Country: "US"}}
	letter.Body = "Dear Ada, a letter."
	invite := channel.NewMessage("touch-li-1", channel.ActionConnectionRequest)
	invite.From = channel.Sender{Address: "linkedin-seat-0001"}
	invite.To = channel.Recipient{Name: "Ada Lee", LinkedIn: "https://www.linkedin.com/in/ada-lee-00a1"}
	invite.Body = "Hi Ada, happy to connect."
	note := invite.Clone()
	note.IdempotencyKey, note.Action, note.Body = "touch-li-2", channel.ActionLinkedInMessage, "Thanks for connecting, Ada."
	phoneCall := channel.NewMessage("touch-call-1", channel.ActionCall)
	phoneCall.From = channel.Sender{Address: "+15550000001"}
	phoneCall.To = channel.Recipient{Name: "Ada Lee", Phone: "+61412345678"}
	phoneCall.Body = "Introduce yourself."

	rcs := map[string]channel.Receipt{}
	for _, m := range []*channel.Message{email, letter, invite, note, phoneCall} {
		rc, err := h.channel(m.Kind, out, clock.Now).Send(ctx, m)
		require.NoError(t, err)
		rcs[m.IdempotencyKey] = rc
	}
	event := func(m *channel.Message, typ channel.EventType, in bool, body string) channel.Event {
		rc := rcs[m.IdempotencyKey]
		e := channel.Event{Provider: rc.Provider, ProviderEventID: rc.ProviderMessageID + "/" + string(typ), Type: typ, Kind: m.Kind,
			ProviderMessageID: rc.ProviderMessageID, IdempotencyKey: m.IdempotencyKey,
			From: m.From.Address, To: m.To.Address(m.Kind), At: at.Add(90*time.Minute + 123*time.Millisecond), Body: body}
		if in {
			e.From, e.To = e.To, e.From
		}
		return e
	}
	ooo := event(email, channel.EventOutOfOffice, true, "I am out of the office until 16 March 2026.")
	ooo.ReturnAt = time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
	bounce := event(email, channel.EventBounced, false, "")
	bounce.Detail = "550 5.1.1 mailbox unavailable"
	want := []channel.Event{
		event(email, channel.EventDelivered, false, ""), bounce,
		event(email, channel.EventComplained, false, ""), ooo,
		event(email, channel.EventReplied, true, "Thanks for reaching out."),
		event(email, channel.EventOptedOut, true, ""),
		event(letter, channel.EventDelivered, false, ""), event(letter, channel.EventBounced, false, ""),
		event(invite, channel.EventConnectionAccepted, true, ""),
		event(note, channel.EventReplied, true, "Thanks, happy to chat."),
		event(phoneCall, channel.EventCallBusy, false, ""), event(phoneCall, channel.EventCallAnswered, false, ""),
		event(phoneCall, channel.EventCallVoicemail, false, ""), event(phoneCall, channel.EventCallNoAnswer, false, ""),
		event(phoneCall, channel.EventCallFailed, false, ""),
	}
	// A notice without Unipile's secret header is refused, and delivers
	// nothing.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url+routeUnipile, bytes.NewReader(unipiletest.NewRelationPayload(
		invite.From.Address, unipiletest.Profile{PublicID: "ada-lee-00a1", ProviderID: "ACoAAforged"})))
	require.NoError(t, err)
	res, err := h.client.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	require.Empty(t, got)

	clock.Set(want[0].At)
	_, err = h.apply(ctx, want)
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i, w := range want {
		g := got[i]
		require.Equal(t, w.Type, g.Type, "event %d", i)
		require.Equal(t, w.Kind, g.Kind)
		require.Equal(t, w.Provider, g.Provider)
		require.Equal(t, w.ProviderMessageID, g.ProviderMessageID)
		if w.Kind == channel.LinkedIn || w.Kind == channel.Voice {
			// Unipile's notices name no touch: the adapter's journal
			// finds it, by seat, member and action.
			require.Equal(t, w.IdempotencyKey, g.IdempotencyKey, "event %d", i)
			if w.Kind == channel.LinkedIn {
				require.Equal(t, w.Body, g.Body)
			}
		}
		require.WithinDuration(t, w.At, g.At, time.Second)
		require.True(t, w.ReturnAt.Equal(g.ReturnAt), "return %s, got %s", w.ReturnAt, g.ReturnAt)
	}
	require.Contains(t, h.summary(), "/webhooks/inbound-mail 5, /webhooks/lob 2, /webhooks/unipile 2, /webhooks/vapi 5")
	require.Contains(t, h.summary(), "email opted_out 1")
}
