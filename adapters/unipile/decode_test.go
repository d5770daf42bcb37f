package unipile_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

const (
	relationBody = `{"event":"new_relation","account_id":"acc_seat1","account_type":"LINKEDIN","webhook_name":"rel","user_full_name":"Ana Lee","user_provider_id":"ACoAAANA","user_public_identifier":"ana-lee","user_profile_url":"https://www.linkedin.com/in/ana-lee/","user_picture_url":"https://media.example/p.jpg"}`
	replyBody    = `{"account_id":"acc_seat1","account_type":"LINKEDIN","event":"message_received","chat_id":"chat_1","timestamp":"2026-03-02T10:15:00.000Z","webhook_name":"msg","message_id":"msg_77","message":"Sure, call me","sender":{"attendee_id":"att_1","attendee_name":"Ana Lee","attendee_provider_id":"ACoAAANA","attendee_profile_url":"https://www.linkedin.com/in/ana-lee/"},"attendees":[],"account_info":{"type":"LINKEDIN","user_id":"ACoAASEAT"}}`
	ownBody      = `{"account_id":"acc_seat1","account_type":"LINKEDIN","event":"message_received","chat_id":"chat_1","timestamp":"2026-03-02T10:15:00Z","message_id":"msg_78","message":"Thanks!","sender":{"attendee_provider_id":"ACoAASEAT","attendee_profile_url":"https://www.linkedin.com/in/seat/"},"account_info":{"user_id":"ACoAASEAT"}}`
)

func status(s string) string {
	return `{"AccountStatus":{"account_id":"acc_seat1","account_type":"LINKEDIN","message":"` + s + `"}}`
}

func TestDecode(t *testing.T) {
	now := start.Add(8 * time.Hour)
	d, err := unipile.NewDecoder(unipile.DecoderConfig{Now: func() time.Time { return now }, Seats: map[string]string{"acc_seat2": "ACoAASEAT2"}})
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		body string
		want func(t *testing.T, in []outbound.Inbound)
		err  error
	}{
		{"new relation", relationBody, func(t *testing.T, in []outbound.Inbound) {
			require.Len(t, in, 1)
			e := in[0].Message
			require.Equal(t, channel.EventConnectionAccepted, e.Type)
			require.Equal(t, "https://www.linkedin.com/in/ana-lee/", e.From)
			require.Equal(t, "acc_seat1", e.To)
			require.Equal(t, now, e.At, "the notice carries no time: when it arrived")
			require.Equal(t, "ACoAAANA", e.Metadata["provider_id"])
		}, nil},
		{"reply", replyBody, func(t *testing.T, in []outbound.Inbound) {
			require.Len(t, in, 1)
			e := in[0].Message
			require.Equal(t, channel.EventReplied, e.Type)
			require.Equal(t, "message/msg_77", e.ProviderEventID)
			require.Equal(t, "Sure, call me", e.Body)
			require.Equal(t, time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC), e.At)
			require.Equal(t, "chat_1", e.Metadata["chat_id"])
		}, nil},
		{"the seat's own message", ownBody, func(t *testing.T, in []outbound.Inbound) { require.Empty(t, in) }, nil},
		{"is_sender", `{"event":"message_received","account_id":"a","message_id":"m","is_sender":true,"sender":{"attendee_provider_id":"X"}}`,
			func(t *testing.T, in []outbound.Inbound) { require.Empty(t, in) }, nil},
		{"a configured seat", `{"event":"message_received","account_id":"acc_seat2","message_id":"m","sender":{"attendee_provider_id":"ACoAASEAT2"}}`,
			func(t *testing.T, in []outbound.Inbound) { require.Empty(t, in) }, nil},
		{"a reaction", `{"event":"message_reaction","account_id":"a","message_id":"m"}`, func(t *testing.T, in []outbound.Inbound) { require.Empty(t, in) }, nil},
		{"another provider", `{"event":"new_relation","account_id":"a","account_type":"WHATSAPP","user_provider_id":"x"}`, func(t *testing.T, in []outbound.Inbound) { require.Empty(t, in) }, nil},
		{"CONNECTING", status("CONNECTING"), func(t *testing.T, in []outbound.Inbound) { require.Empty(t, in) }, nil},
		{"relation without member", `{"event":"new_relation","account_id":"a"}`, nil, webhook.ErrPayload},
		{"reply without ID", `{"event":"message_received","account_id":"a","sender":{"attendee_provider_id":"X"}}`, nil, webhook.ErrPayload},
		{"bad timestamp", `{"event":"message_received","account_id":"a","message_id":"m","timestamp":"yesterday","sender":{"attendee_provider_id":"X"}}`, nil, webhook.ErrPayload},
		{"status without account", `{"AccountStatus":{"message":"OK"}}`, nil, webhook.ErrPayload},
		{"not JSON", `{"event":`, nil, webhook.ErrPayload},
		{"not an object", `[1,2]`, nil, webhook.ErrPayload},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, err := d.Decode(nil, []byte(c.body))
			if c.err != nil {
				require.ErrorIs(t, err, c.err)
				return
			}
			require.NoError(t, err)
			for _, e := range in {
				require.NoError(t, e.Validate())
			}
			c.want(t, in)
		})
	}
}

func TestDecodeStatuses(t *testing.T) {
	now := start
	d, err := unipile.NewDecoder(unipile.DecoderConfig{Now: func() time.Time { return now }})
	require.NoError(t, err)
	for s, want := range map[string]outbound.ProvisioningEventType{
		"OK": outbound.ProvisioningLinkedInConnected, "RECONNECTED": outbound.ProvisioningLinkedInConnected,
		"CREDENTIALS": outbound.ProvisioningLinkedInDisconnected, "DELETED": outbound.ProvisioningLinkedInDisconnected,
		"ERROR": outbound.ProvisioningLinkedInRestricted, "STOPPED": outbound.ProvisioningLinkedInRestricted,
	} {
		in, err := d.Decode(nil, []byte(status(s)))
		require.NoError(t, err)
		require.Len(t, in, 1, s)
		p := in[0].Provisioning
		require.NoError(t, in[0].Validate())
		require.Equal(t, want, p.Type, s)
		require.Equal(t, "acc_seat1", p.ProviderRef)
		if s != "OK" {
			require.NotEmpty(t, p.Reason, s)
		}
	}
	// Delivered again within the window: the same event; later: another.
	a, _ := d.Decode(nil, []byte(status("CREDENTIALS")))
	now = start.Add(20 * time.Minute)
	b, _ := d.Decode(nil, []byte(status("CREDENTIALS")))
	now = start.Add(3 * time.Hour)
	c, _ := d.Decode(nil, []byte(status("CREDENTIALS")))
	require.Equal(t, a[0].Provisioning.ProviderEventID, b[0].Provisioning.ProviderEventID)
	require.NotEqual(t, a[0].Provisioning.ProviderEventID, c[0].Provisioning.ProviderEventID)
}

// Event IDs are deterministic: the same body, the same ID.
func TestDecodeDeterministic(t *testing.T) {
	d1, _ := unipile.NewDecoder(unipile.DecoderConfig{Now: func() time.Time { return start }})
	d2, _ := unipile.NewDecoder(unipile.DecoderConfig{Now: func() time.Time { return start.Add(time.Hour) }})
	for _, body := range []string{relationBody, replyBody} {
		a, err := d1.Decode(nil, []byte(body))
		require.NoError(t, err)
		b, err := d2.Decode(nil, []byte(body))
		require.NoError(t, err)
		require.Equal(t, a[0].Message.ProviderEventID, b[0].Message.ProviderEventID)
	}
	_, err := unipile.NewDecoder(unipile.DecoderConfig{})
	require.True(t, errors.Is(err, outbound.ErrInvalid))
}
