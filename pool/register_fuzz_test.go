package pool_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

// FuzzRegister feeds Register what a host might send: a bad registration is
// refused with field errors and stores nothing; a good one is stored as
// given, and registering it again stores nothing more.
func FuzzRegister(f *testing.F) {
	f.Add("phone", "twilio", "PN1", "+61291234567", int64(-3600), "")
	f.Add("domain", "infraforge", "dom_1", "acme.com", int64(-90*86400), "")
	f.Add("mailbox", "infraforge", "mb_1", "sam@acme.com", int64(0), "dom_1")
	f.Add("linkedin_seat", "", "acc", "x", int64(0), "")
	f.Add("phone", "twilio", "PN1", "0291234567", int64(60), "")
	f.Fuzz(func(t *testing.T, kind, provider, ref, address string, offset int64, domain string) {
		b := setup(t)
		reg := pool.Registration{
			Kind: outbound.ResourceKind(kind), Provider: provider, ProviderRef: ref, Address: address,
			PurchasedAt: t0.Add(time.Duration(offset%(400*86400)) * time.Second), Domain: domain,
		}
		rs, err := b.pool.Register(b.ctx, []pool.Registration{reg})
		if err != nil {
			require.ErrorIs(t, err, invalid.ErrInvalid)
			require.Empty(t, b.list(t, storage.ResourceFilter{}))
			return
		}
		require.Len(t, rs, 1)
		require.Equal(t, ref, rs[0].ProviderRef)
		require.Equal(t, address, rs[0].Address)
		require.NotEqual(t, outbound.KindMailbox, rs[0].Kind, "a mailbox alone has no domain")
		again, err := b.pool.Register(b.ctx, []pool.Registration{reg})
		require.NoError(t, err)
		require.Equal(t, rs, again)
		require.Len(t, b.list(t, storage.ResourceFilter{}), 1)
	})
}
