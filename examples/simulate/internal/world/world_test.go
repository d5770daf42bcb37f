package world_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/outbound-go/outbound/phone"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/timing/timingtest"
)

var start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func TestClients(t *testing.T) {
	t.Parallel()
	cs := world.Clients(4)
	require.Len(t, cs, 4)
	require.Equal(t, []string{"starter", "growth", "scale", "starter"}, []string{cs[0].Plan, cs[1].Plan, cs[2].Plan, cs[3].Plan})
	require.Equal(t, "Australia/Sydney", cs[0].Zone)
	require.Equal(t, "America/New_York", cs[1].Zone)
	require.Equal(t, "Australia/Melbourne", cs[2].Zone)
	names := map[string]bool{}
	for _, c := range world.Clients(25) {
		require.False(t, names[c.Name], "client names are unique: %s", c.Name)
		names[c.Name] = true
		_, err := time.LoadLocation(c.Zone)
		require.NoError(t, err)
	}
}

func TestStock(t *testing.T) {
	t.Parallel()
	lots := world.Stock(outbound.DefaultPlans(), world.Clients(3), start)
	got := map[string]int{}
	for _, l := range lots {
		age := int(start.Sub(l.PurchasedAt).Hours() / 24)
		got[fmt.Sprintf("%s/%d", l.Kind, age)] += l.N
	}
	// starter + growth + scale: 2+3+5 domains, 1+2+3 phones, 1+2+3 seats,
	// 2 mail senders; a third as many new domains.
	require.Equal(t, map[string]int{
		"domain/45": 10, "domain/3": 3, "phone/45": 6, "linkedin_seat/45": 6, "mail_sender/45": 2,
	}, got)
	require.GreaterOrEqual(t, world.AgedDays, 30, "aged domains are 30+ days old")
	require.Less(t, world.NewDays, 14, "new domains are still warming")
}

func TestLeadsDeterministic(t *testing.T) {
	t.Parallel()
	a := world.Leads(1, 500, 3)
	require.Equal(t, a, world.Leads(1, 500, 3))
	require.NotEqual(t, a, world.Leads(2, 500, 3))
	require.Len(t, a, 500)
	require.Empty(t, world.Leads(1, 0, 3))
}

// landlinePrefix is the trunk digit of Australian landlines by state.
var landlinePrefix = map[string]string{"NSW": "+612", "ACT": "+612", "VIC": "+613", "TAS": "+613", "QLD": "+617", "WA": "+618", "SA": "+618", "NT": "+618"}

func TestLeadsRealistic(t *testing.T) {
	t.Parallel()
	const n = 6000
	rows := world.Leads(7, n, 3)
	count := map[string]int{}
	companies := map[string]map[string]int{} // domain → client → leads
	emails := map[string]int{}
	tiers := map[int]int{}
	for i, r := range rows {
		require.Equal(t, fmt.Sprintf("L%06d", i+1), r.ExternalID)
		require.Equal(t, fmt.Sprint(i%3+1), r.Client, "lead i belongs to client i mod 3")
		require.True(t, r.Email != "" || r.Phone != "" || r.LinkedIn != "" || r.AddressLine1 != "", "reachable")
		require.True(t, r.Score >= 0 && r.Score <= 100)
		tiers[r.Score/20]++
		count[r.Country]++
		if r.Email != "" {
			count["email"]++
			emails[r.Client+"/"+r.Email]++
			require.True(t, strings.HasSuffix(r.Email, "@"+r.CompanyDomain), r.Email)
			require.NoError(t, outbound.ValidateEmail(r.Email))
		}
		if r.LinkedIn != "" {
			count["linkedin"]++
			require.True(t, strings.HasPrefix(r.LinkedIn, "https://www.linkedin.com/in/"))
		}
		if r.AddressLine1 != "" {
			count["postal"]++
			require.NotEmpty(t, r.City)
			require.NotEmpty(t, r.Postcode)
		}
		if r.Timezone != "" {
			count["explicit"]++
			_, err := time.LoadLocation(r.Timezone)
			require.NoError(t, err)
		}
		if companies[r.CompanyDomain] == nil {
			companies[r.CompanyDomain] = map[string]int{}
		}
		companies[r.CompanyDomain][r.Client]++
		if r.Phone == "" {
			continue
		}
		count["phone"]++
		ph, err := phone.Parse(r.Phone, r.Country)
		require.NoError(t, err, "lead %s phone %q", r.ExternalID, r.Phone)
		if !strings.HasPrefix(r.Phone, "+") {
			count["national"]++
		}
		switch r.Country {
		case "AU":
			if strings.HasPrefix(ph.E164, "+614") {
				count["au_mobile"]++
				require.Equal(t, phone.Mobile, ph.Type, ph.E164)
			} else if r.Region != "" {
				require.True(t, strings.HasPrefix(ph.E164, landlinePrefix[r.Region]), "%s landline %s", r.Region, ph.E164)
				require.Equal(t, phone.FixedLine, ph.Type, ph.E164)
			}
		case "US":
			require.True(t, strings.HasPrefix(ph.E164, "+1"), ph.E164)
			require.Equal(t, "US", ph.Country, ph.E164)
		}
	}
	share := func(k string) float64 { return float64(count[k]) / n }
	require.InDelta(t, 0.58, share("AU"), 0.05)
	require.InDelta(t, 0.32, share("US"), 0.05)
	require.Positive(t, count["NZ"]+count["GB"]+count["SG"]+count["CA"])
	require.InDelta(t, world.ShareEmail, share("email"), 0.03)
	require.InDelta(t, world.SharePhone, share("phone"), 0.04)
	require.InDelta(t, world.ShareLinkedIn, share("linkedin"), 0.04)
	require.InDelta(t, world.SharePostal, share("postal"), 0.04)
	require.InDelta(t, world.ShareExplicit, share("explicit"), 0.03)
	require.Positive(t, count["au_mobile"])
	require.InDelta(t, world.ShareNational, float64(count["national"])/float64(count["phone"]), 0.04)
	for b := range 5 {
		require.InDelta(t, 0.2, float64(tiers[b])/n, 0.04, "scores spread evenly: bucket %d", b)
	}
	shared := 0
	for d, byClient := range companies {
		require.Len(t, byClient, 1, "company %s belongs to one client", d)
		for _, k := range byClient {
			if k >= 2 {
				shared++
			}
		}
	}
	require.Greater(t, shared, 100, "many companies have several leads")
	dups := 0
	for _, k := range emails {
		dups += k - 1
	}
	require.InDelta(t, world.ShareDuplicate*n, float64(dups), world.ShareDuplicate*n/2, "a few leads repeat an email")

	var b bytes.Buffer
	require.NoError(t, leadfile.Write(&b, rows, leadfile.CSV), "generated rows are valid lead-file rows")
	back, bad, err := leadfile.Read(&b, leadfile.CSV)
	require.NoError(t, err)
	require.Empty(t, bad)
	require.Len(t, back, n)
}

func TestZonesResolve(t *testing.T) {
	t.Parallel()
	zr, err := timing.NewZoneResolver()
	require.NoError(t, err)
	sources := map[timing.ZoneSource]int{}
	for _, r := range world.Leads(3, 3000, 3) {
		z, err := zr.Resolve(timing.ZoneQuery{Zone: r.Timezone, Phone: r.Phone, Country: r.Country, Region: r.Region, Default: "Australia/Sydney"})
		require.NoError(t, err, "%+v", r)
		sources[z.Source]++
	}
	for _, s := range []timing.ZoneSource{timing.ZoneSourceExplicit, timing.ZoneSourcePhone, timing.ZoneSourceRegion, timing.ZoneSourceCountry, timing.ZoneSourceDefault} {
		require.Positive(t, sources[s], "some leads' zone comes from %s: %v", s, sources)
	}
}

func TestRegister(t *testing.T) {
	t.Parallel()
	clk := timingtest.NewClock(start)
	reg := world.NewRegister(1, world.DefaultListedShare, clk)
	phones := make([]string, 20000)
	for i := range phones {
		phones[i] = fmt.Sprintf("+6129%07d", i)
	}
	res, err := reg.Wash(context.Background(), phones)
	require.NoError(t, err)
	require.Len(t, res, len(phones))
	listed := 0
	for i, r := range res {
		require.Equal(t, phones[i], r.Phone)
		require.Equal(t, start, r.WashedAt)
		if r.Status == outbound.DNCRRegistered {
			listed++
		} else {
			require.Equal(t, outbound.DNCRClear, r.Status)
		}
		require.Equal(t, r.Status == outbound.DNCRRegistered, reg.Listed(r.Phone))
	}
	require.InDelta(t, 0.10, float64(listed)/float64(len(phones)), 0.01)
	other := world.NewRegister(2, world.DefaultListedShare, clk)
	differ := 0
	for _, p := range phones[:1000] {
		if reg.Listed(p) != other.Listed(p) {
			differ++
		}
	}
	require.Positive(t, differ, "another seed lists other numbers")

	file := "\uFEFF# numbers on the register\n+61291234567\n\n  +15125550123  \n"
	fromFile, err := world.ReadRegister(strings.NewReader(file), clk)
	require.NoError(t, err)
	require.True(t, fromFile.Listed("+61291234567"))
	require.True(t, fromFile.Listed("+15125550123"))
	require.False(t, fromFile.Listed("+61291234568"))
	_, err = world.ReadRegister(strings.NewReader("+61291234567\n02 9123 4567\n"), clk)
	require.ErrorContains(t, err, "line 2")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = reg.Wash(ctx, phones[:1])
	require.ErrorIs(t, err, context.Canceled)
}

func TestIDs(t *testing.T) {
	t.Parallel()
	a, b := world.NewIDs(1), world.NewIDs(1)
	seen := map[string]bool{}
	for range 100000 {
		u := a.New()
		require.Equal(t, u, b.New(), "same seed, same IDs")
		require.EqualValues(t, 4, u.Version())
		require.Equal(t, "RFC4122", u.Variant().String())
		require.False(t, seen[u.String()])
		seen[u.String()] = true
	}
	require.NotEqual(t, world.NewIDs(1).New(), world.NewIDs(2).New())
}

func TestIDsWithinAKeyDoNotDependOnWhoDrawsThem(t *testing.T) {
	first, copy2 := world.NewIDs(5), world.NewProcessIDs(5, 2)
	require.NotEqual(t, first.New(), copy2.New(), "two processes draw apart")
	_ = copy2.New() // the copy has done other work since

	first.Within("event/sim-email/m1/delivered")
	copy2.Within("event/sim-email/m1/delivered")
	a, b := first.New(), copy2.New()
	require.Equal(t, a, b, "the work of one key makes the same IDs in any process")
	first.Within("event/sim-email/m2/delivered")
	require.NotEqual(t, a, first.New(), "another key, other IDs")
}
