package unipile_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipiletest"
	"github.com/outbound-go/outbound/channel"
)

// Unipile's notices carry no ID of ours: with the channel's journal the
// decoder ties an accepted connection to the seat's invitation and a reply
// to the seat's last send to that member, so the engine finds the touch;
// a member the seat never wrote to stays untied.
func TestDecoderTiesNoticesToTheirTouch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	inv, err := e.ch.Send(ctx, request("k1"))
	require.NoError(t, err)
	p, ok := e.fake.Profile(member("k1"))
	require.True(t, ok)
	d, err := unipile.NewDecoder(unipile.DecoderConfig{Now: e.clock.Now, Journal: e.store})
	require.NoError(t, err)

	got, err := d.Decode(nil, unipiletest.NewRelationPayload(seat, p))
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "k1", got[0].Message.IdempotencyKey, "the touch that sent the invitation")
	require.Equal(t, inv.ProviderMessageID, got[0].Message.ProviderMessageID)

	e.clock.Advance(time.Hour)
	follow := message("k2")
	follow.To.LinkedIn = p.ProfileURL() // the message after the accepted invitation
	msg, err := e.ch.Send(ctx, follow)
	require.NoError(t, err)
	reply := unipiletest.Message{ID: "msg_r1", ChatID: "chat_x", Text: "Happy to talk", At: e.clock.Now()}
	got, err = d.Decode(nil, unipiletest.MessagePayload(seat, reply, p, "ACoAASEAT"))
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, channel.EventReplied, got[0].Message.Type)
	require.Equal(t, "k2", got[0].Message.IdempotencyKey, "a reply answers the seat's last send to the member")
	require.Equal(t, msg.ProviderMessageID, got[0].Message.ProviderMessageID)

	stranger := unipiletest.Profile{PublicID: "nobody", ProviderID: "ACoAANOBODY"}
	got, err = d.Decode(nil, unipiletest.NewRelationPayload(seat, stranger))
	require.NoError(t, err)
	require.Empty(t, got[0].Message.IdempotencyKey, "no send to this member")
}
