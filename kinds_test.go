package outbound_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

func TestSenderKind(t *testing.T) {
	t.Parallel()
	want := map[channel.Kind]outbound.ResourceKind{
		channel.Email:    outbound.KindMailbox,
		channel.Voice:    outbound.KindPhone,
		channel.SMS:      outbound.KindPhone,
		channel.LinkedIn: outbound.KindLinkedInSeat,
		channel.Mail:     outbound.KindMailSender,
	}
	for _, k := range channel.Kinds() {
		require.Equal(t, want[k], outbound.SenderKind(k), k)
	}
	require.Equal(t, outbound.ResourceKind(""), outbound.SenderKind("fax"))
}

func TestParseResourceKindAndTier(t *testing.T) {
	t.Parallel()
	for _, k := range outbound.ResourceKinds() {
		got, err := outbound.ParseResourceKind(string(k))
		require.NoError(t, err)
		require.Equal(t, k, got)
	}
	_, err := outbound.ParseResourceKind("satellite")
	require.ErrorContains(t, err, `"satellite"`)

	for _, tier := range outbound.Tiers() {
		got, err := outbound.ParseTier(" " + string(tier))
		require.NoError(t, err)
		require.Equal(t, tier, got)
	}
	got, err := outbound.ParseTier("HOT")
	require.NoError(t, err)
	require.Equal(t, outbound.TierHot, got)
	_, err = outbound.ParseTier("lukewarm")
	require.ErrorContains(t, err, `"lukewarm"`)
}
