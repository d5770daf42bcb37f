package channel_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
)

func TestEventTypeStrings(t *testing.T) {
	t.Parallel()
	// The exact strings storage and JSON use.
	want := []string{
		"delivered", "bounced", "soft_bounced", "complained", "replied", "out_of_office",
		"opted_out", "opted_in", "call_answered", "call_voicemail", "call_busy",
		"call_no_answer", "call_failed", "call_recorded", "connection_requested", "connection_accepted",
		"connection_withdrawn", "message_received", "opened", "clicked",
	}
	types := channel.EventTypes()
	require.Len(t, types, len(want))
	for i, typ := range types {
		require.Equal(t, want[i], string(typ))
		require.True(t, typ.Valid())
		for _, s := range []string{want[i], " " + want[i] + "\n", string(upper(want[i]))} {
			got, err := channel.ParseEventType(s)
			require.NoError(t, err)
			require.Equal(t, typ, got)
		}
	}
	for _, bad := range []string{"", "bounce", "hard_bounced", "call-answered", "replied!"} {
		_, err := channel.ParseEventType(bad)
		var ve *channel.ValidationError
		require.ErrorAs(t, err, &ve, "%q", bad)
		require.Equal(t, "Type", ve.Field)
		require.False(t, channel.EventType(bad).Valid())
	}
}

func upper(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return b
}

func TestEventTypeUnmarshalJSON(t *testing.T) {
	t.Parallel()
	var v struct{ Type channel.EventType }
	require.NoError(t, json.Unmarshal([]byte(`{"Type":"Out_Of_Office"}`), &v))
	require.Equal(t, channel.EventOutOfOffice, v.Type)
	require.Error(t, json.Unmarshal([]byte(`{"Type":"vacation"}`), &v))
}

func TestEventTypeKinds(t *testing.T) {
	t.Parallel()
	S := channel.SetOf
	tests := map[channel.EventType]channel.Set{
		channel.EventDelivered:           channel.AllKinds,
		channel.EventBounced:             S(channel.Email, channel.SMS, channel.Mail),
		channel.EventSoftBounced:         S(channel.Email),
		channel.EventComplained:          S(channel.Email),
		channel.EventReplied:             S(channel.Email, channel.SMS, channel.LinkedIn),
		channel.EventOutOfOffice:         S(channel.Email),
		channel.EventOptedOut:            channel.AllKinds,
		channel.EventOptedIn:             channel.AllKinds,
		channel.EventCallAnswered:        S(channel.Voice),
		channel.EventCallVoicemail:       S(channel.Voice),
		channel.EventCallBusy:            S(channel.Voice),
		channel.EventCallNoAnswer:        S(channel.Voice),
		channel.EventCallFailed:          S(channel.Voice),
		channel.EventCallRecorded:        S(channel.Voice),
		channel.EventConnectionRequested: S(channel.LinkedIn),
		channel.EventConnectionAccepted:  S(channel.LinkedIn),
		channel.EventConnectionWithdrawn: S(channel.LinkedIn),
		channel.EventMessageReceived:     S(channel.Email, channel.SMS, channel.LinkedIn),
		channel.EventOpened:              S(channel.Email),
		channel.EventClicked:             S(channel.Email, channel.SMS),
	}
	require.Len(t, tests, len(channel.EventTypes()))
	for typ, want := range tests {
		require.Equal(t, want, typ.Kinds(), "%s", typ)
	}
	require.Equal(t, channel.Set(0), channel.EventType("nope").Kinds())
}

func TestEventValidate(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	valid := func() channel.Event {
		return channel.Event{Provider: "twilio", ProviderEventID: "SM1/delivered", Type: channel.EventDelivered,
			Kind: channel.SMS, ProviderMessageID: "SM1", At: at}
	}
	tests := []struct {
		name   string
		change func(e *channel.Event)
		field  string
	}{
		{"valid", func(e *channel.Event) {}, ""},
		{"missing provider", func(e *channel.Event) { e.Provider = "" }, "Provider"},
		{"missing event ID", func(e *channel.Event) { e.ProviderEventID = " " }, "ProviderEventID"},
		{"unknown type", func(e *channel.Event) { e.Type = "liked" }, "Type"},
		{"opened on sms", func(e *channel.Event) { e.Type = channel.EventOpened }, "Kind"},
		{"unknown kind", func(e *channel.Event) { e.Kind = "" }, "Kind"},
		{"call outcome on sms", func(e *channel.Event) { e.Type = channel.EventCallBusy }, "Kind"},
		{"out of office on sms", func(e *channel.Event) { e.Type = channel.EventOutOfOffice }, "Kind"},
		{"call outcome on voice", func(e *channel.Event) { e.Type, e.Kind = channel.EventCallBusy, channel.Voice }, ""},
		{"missing at", func(e *channel.Event) { e.At = time.Time{} }, "At"},
		{"nothing to tie it to", func(e *channel.Event) { e.ProviderMessageID = "" }, "ProviderMessageID"},
		{"tied by idempotency key", func(e *channel.Event) { e.ProviderMessageID, e.IdempotencyKey = "", "touch-1" }, ""},
		{"STOP tied by sender number", func(e *channel.Event) {
			e.ProviderMessageID, e.From, e.Type, e.Body = "", "+61412345678", channel.EventOptedOut, "STOP"
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := valid()
			tt.change(&e)
			err := e.Validate()
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *channel.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field, "error: %v", err)
			require.ErrorIs(t, err, channel.ErrInvalid)
		})
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"accepted", "queued", "sent", "delivered"} {
		got, err := channel.ParseStatus(" " + string(upper(s)))
		require.NoError(t, err)
		require.Equal(t, channel.Status(s), got)
		require.True(t, got.Valid())
	}
	for _, s := range []string{"", "failed", "sending", "undelivered"} {
		_, err := channel.ParseStatus(s)
		require.Error(t, err, "%q", s)
		require.False(t, channel.Status(s).Valid())
	}
}
