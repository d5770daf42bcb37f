package storagetest

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
)

// platform is the zero client: a suppression under it holds for everyone.
var platform = outbound.ClientID{}

// suppressionSeed is the suppressions most tests start from: by lead, by
// address (email and number) and by domain, per client and platform-wide,
// on one channel and on every channel.
func suppressionSeed() []outbound.Suppression {
	a, b := clientID(1), clientID(2)
	return []outbound.Suppression{
		{Client: a, Lead: leadID(1), Channel: channel.Email, Reason: "unsubscribed", Since: at(1)},
		{Client: a, Address: "Bob@Example.com", Reason: "complaint", Since: at(2)},
		{Client: a, Address: "+61400000001", Channel: channel.SMS, Reason: "opted_out", Since: at(3)},
		{Client: a, Lead: leadID(2), Reason: "opted_out", Since: at(4)},
		{Client: b, Address: "carol@example.com", Channel: channel.Email, Reason: "hard_bounce", Since: at(5)},
		{Client: a, Lead: leadID(3), Channel: channel.Voice, Reason: "opted_out", Since: at(6)},
		{Client: a, Domain: "rival.com", Reason: "do_not_contact", Since: at(7)},
		{Client: b, Domain: "acme.com.au", Channel: channel.Email, Reason: "do_not_contact", Since: at(8)},
		{Client: platform, Address: "dnc@example.com", Reason: "do_not_contact", Since: at(9)},
		{Client: platform, Domain: "police.gov.au", Reason: "do_not_contact", Since: at(10)},
		{Client: platform, Address: "+61400000009", Channel: channel.SMS, Reason: "do_not_contact", Since: at(11)},
	}
}

func addSuppressions(t *testing.T, st storage.Store, sps []outbound.Suppression) {
	t.Helper()
	for i := range sps {
		require.NoError(t, st.AddSuppression(t.Context(), &sps[i]))
	}
}

type suppressionCase struct {
	name string
	q    storage.SuppressionQuery
	want bool
}

// suppressionCases are the answers over suppressionSeed.
func suppressionCases() []suppressionCase {
	a, b := clientID(1), clientID(2)
	l1, l2, l3 := leadID(1), leadID(2), leadID(3)
	type q = storage.SuppressionQuery
	return []suppressionCase{
		{"lead on its channel", q{Client: a, Lead: l1, Channel: channel.Email}, true},
		{"lead on another channel", q{Client: a, Lead: l1, Channel: channel.Voice}, false},
		{"lead matched though the address is clean", q{Client: a, Lead: l1, Address: "clean@example.com", Channel: channel.Email}, true},
		{"lead on every channel", q{Client: a, Lead: l2, Channel: channel.LinkedIn}, true},
		{"address on every channel", q{Client: a, Address: "bob@example.com", Channel: channel.Voice}, true},
		{"address in another case, another lead", q{Client: a, Lead: l3, Address: "BOB@EXAMPLE.COM", Channel: channel.Mail}, true},
		{"number on its channel", q{Client: a, Address: "+61400000001", Channel: channel.SMS}, true},
		{"number on another channel", q{Client: a, Address: "+61400000001", Channel: channel.Voice}, false},
		{"number compared exactly", q{Client: a, Address: "+61 400 000 001", Channel: channel.SMS}, false},
		{"another client's address", q{Client: a, Address: "carol@example.com", Channel: channel.Email}, false},
		{"its own client's address", q{Client: b, Address: "Carol@example.com", Channel: channel.Email}, true},
		{"another client's lead", q{Client: b, Lead: l1, Channel: channel.Email}, false},
		{"its own client's lead", q{Client: a, Lead: l3, Channel: channel.Voice}, true},
		{"nothing asked", q{Client: a, Channel: channel.Email}, false},
		{"clean lead and address", q{Client: a, Lead: leadID(9), Address: "erin@example.com", Domain: "example.com", Channel: channel.Email}, false},
		{"client with none of its own", q{Client: clientID(9), Lead: l1, Address: "bob@example.com", Channel: channel.Email}, false},

		{"an address at a suppressed domain", q{Client: a, Address: "ann@rival.com", Domain: "rival.com", Channel: channel.Email}, true},
		{"a domain alone", q{Client: a, Domain: "rival.com", Channel: channel.SMS}, true},
		{"a domain in another case", q{Client: a, Domain: "Rival.COM", Channel: channel.Mail}, true},
		{"a subdomain is another domain", q{Client: a, Address: "ann@mail.rival.com", Domain: "mail.rival.com", Channel: channel.Email}, false},
		{"a parent domain is another domain", q{Client: a, Domain: "com", Channel: channel.Email}, false},
		{"an address suppression is no domain suppression", q{Client: a, Address: "ann@example.com", Domain: "example.com", Channel: channel.Email}, false},
		{"another client's domain", q{Client: a, Address: "ann@acme.com.au", Domain: "acme.com.au", Channel: channel.Email}, false},
		{"its own client's domain on its channel", q{Client: b, Address: "ann@acme.com.au", Domain: "acme.com.au", Channel: channel.Email}, true},
		{"its own client's domain on another channel", q{Client: b, Domain: "acme.com.au", Channel: channel.Voice}, false},

		{"a platform-wide address, one client", q{Client: a, Address: "DNC@example.com", Channel: channel.Email}, true},
		{"a platform-wide address, another client", q{Client: b, Address: "dnc@example.com", Channel: channel.LinkedIn}, true},
		{"a platform-wide address, a client with nothing of its own", q{Client: clientID(9), Lead: leadID(9), Address: "dnc@example.com", Channel: channel.Mail}, true},
		{"a platform-wide address, asked platform-wide", q{Client: platform, Address: "dnc@example.com", Channel: channel.Email}, true},
		{"a platform-wide domain", q{Client: b, Address: "chief@police.gov.au", Domain: "police.gov.au", Channel: channel.Voice}, true},
		{"a platform-wide number on its channel", q{Client: clientID(9), Address: "+61400000009", Channel: channel.SMS}, true},
		{"a platform-wide number on another channel", q{Client: clientID(9), Address: "+61400000009", Channel: channel.Voice}, false},
		{"a client's suppression is not platform-wide", q{Client: platform, Address: "bob@example.com", Channel: channel.Email}, false},
	}
}

func (s suite) testSuppressions(t *testing.T) {
	a, b := clientID(1), clientID(2)
	s.run(t, "Suppressed", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		addSuppressions(t, st, suppressionSeed())
		for _, tt := range suppressionCases() {
			got, err := st.Suppressed(ctx, tt.q)
			require.NoError(t, err, tt.name)
			require.Equal(t, tt.want, got, tt.name)
		}
	})
	s.run(t, "AddIsIdempotent", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		seed := suppressionSeed()
		addSuppressions(t, st, seed)
		repeats := []outbound.Suppression{
			{Client: a, Lead: leadID(1), Channel: channel.Email, Reason: "complaint", Since: at(50)},
			{Client: a, Address: "bob@example.COM", Reason: "opted_out", Since: at(51)},
			{Client: a, Domain: "Rival.COM", Reason: "complaint", Since: at(52)},
		}
		addSuppressions(t, st, repeats)
		got, err := st.ListSuppressions(ctx, a)
		require.NoError(t, err)
		require.Equal(t, []outbound.Suppression{seed[0], seed[1], seed[2], seed[3], seed[5], seed[6]}, got,
			"the first of each stays, with its reason and instant")
	})
	s.run(t, "LiftAndAddAgain", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		seed := suppressionSeed()
		addSuppressions(t, st, seed)
		bob := storage.SuppressionQuery{Client: a, Address: "bob@example.com", Channel: channel.Email}
		requireSuppressed(t, st, bob, true, "before the lift")

		// The key compares as suppressions do: an email without regard to case.
		key := storage.KeyOf(&seed[1])
		key.Address = "BOB@example.com"
		ok, err := st.LiftSuppression(ctx, key, "operator", "asked by phone", at(20).In(sydney))
		require.NoError(t, err)
		require.True(t, ok)
		requireSuppressed(t, st, bob, false, "a lifted suppression suppresses nothing")
		lifted := seed[1]
		lifted.LiftedAt, lifted.LiftedBy, lifted.LiftReason = at(20), "operator", "asked by phone"
		got, err := st.ListSuppressions(ctx, a)
		require.NoError(t, err)
		require.Equal(t, []outbound.Suppression{seed[0], lifted, seed[2], seed[3], seed[5], seed[6]}, got,
			"a lifted suppression is still listed, with who lifted it, why and when")
		requireUTC(t, at(20), got[1].LiftedAt)

		ok, err = st.LiftSuppression(ctx, key, "operator", "again", at(21))
		require.NoError(t, err)
		require.False(t, ok, "a lifted suppression is not in force")

		back := outbound.Suppression{Client: a, Address: "Bob@Example.com", Reason: "complaint again", Since: at(30)}
		require.NoError(t, st.AddSuppression(ctx, &back))
		requireSuppressed(t, st, bob, true, "added again, it is back in force")
		got, err = st.ListSuppressions(ctx, a)
		require.NoError(t, err)
		require.Equal(t, []outbound.Suppression{seed[0], seed[2], seed[3], seed[5], seed[6], back}, got,
			"one record for the key, in force, with the new reason and instant and no lift")

		// Added once more while in force: the first stays.
		repeat := back
		repeat.Reason, repeat.Since = "third time", at(40)
		require.NoError(t, st.AddSuppression(ctx, &repeat))
		got, err = st.ListSuppressions(ctx, a)
		require.NoError(t, err)
		require.Equal(t, back, got[len(got)-1])
	})
	s.run(t, "LiftOnlyWhatMatches", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		seed := suppressionSeed()
		addSuppressions(t, st, seed)
		type k = storage.SuppressionKey
		for _, tt := range []struct {
			name string
			key  k
		}{
			{"unknown address", k{Client: a, Address: "nobody@example.com"}},
			{"another client's key", k{Client: b, Address: "bob@example.com"}},
			{"the platform's key for a client's suppression", k{Client: platform, Address: "bob@example.com"}},
			{"a client's key for a platform-wide suppression", k{Client: a, Address: "dnc@example.com"}},
			{"another channel", k{Client: a, Lead: leadID(1), Channel: channel.SMS}},
			{"every channel for a one-channel suppression", k{Client: a, Lead: leadID(1)}},
			{"one channel of an every-channel suppression", k{Client: a, Address: "bob@example.com", Channel: channel.Email}},
			{"a domain as an address", k{Client: a, Address: "rival.com"}},
			{"nothing named", k{Client: a}},
		} {
			ok, err := st.LiftSuppression(ctx, tt.key, "operator", "test", at(20))
			require.NoError(t, err, tt.name)
			require.False(t, ok, tt.name)
		}
		for _, tt := range suppressionCases() {
			requireSuppressed(t, st, tt.q, tt.want, "nothing was lifted: "+tt.name)
		}

		// Lifting a platform-wide entry frees every client.
		ok, err := st.LiftSuppression(ctx, storage.KeyOf(&seed[8]), "operator", "removed from the list", at(20))
		require.NoError(t, err)
		require.True(t, ok)
		for _, c := range []outbound.ClientID{a, b, platform} {
			requireSuppressed(t, st, storage.SuppressionQuery{Client: c, Address: "dnc@example.com", Channel: channel.Email}, false, "lifted platform-wide")
		}
		requireSuppressed(t, st, storage.SuppressionQuery{Client: a, Domain: "police.gov.au", Channel: channel.Email}, true, "the other platform-wide entries stay")
	})
	s.run(t, "List", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		seed := suppressionSeed()
		addSuppressions(t, st, seed)
		// Same instant: ordered by lead, then address, then domain, then channel.
		same := []outbound.Suppression{
			{Client: b, Address: "zed@example.com", Since: at(0)},
			{Client: b, Address: "amy@example.com", Channel: channel.SMS, Since: at(0)},
			{Client: b, Domain: "b.example", Since: at(0)},
			{Client: b, Address: "amy@example.com", Channel: channel.Email, Since: at(0)},
			{Client: b, Domain: "a.example", Since: at(0)},
			{Client: b, Address: "amy@example.com", Since: at(0)},
		}
		addSuppressions(t, st, same)
		got, err := st.ListSuppressions(ctx, b)
		require.NoError(t, err)
		require.Equal(t, []outbound.Suppression{same[4], same[2], same[5], same[3], same[1], same[0], seed[4], seed[7]}, got)

		got, err = st.ListSuppressions(ctx, platform)
		require.NoError(t, err)
		require.Equal(t, []outbound.Suppression{seed[8], seed[9], seed[10]}, got, "the zero ID lists the platform-wide ones")
		empty, err := st.ListSuppressions(ctx, clientID(9))
		require.NoError(t, err)
		require.Empty(t, empty, "a client's listing holds its own only")
	})
	s.run(t, "Validation", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		l1 := leadID(1)
		tests := []struct {
			name  string
			sp    outbound.Suppression
			field string
		}{
			{"nothing named", outbound.Suppression{Client: a, Channel: channel.Email, Since: at(0)}, "lead"},
			{"lead and address", outbound.Suppression{Client: a, Lead: l1, Address: "ann@example.com", Since: at(0)}, "address"},
			{"lead and domain", outbound.Suppression{Client: a, Lead: l1, Domain: "example.com", Since: at(0)}, "domain"},
			{"address and domain", outbound.Suppression{Client: a, Address: "ann@example.com", Domain: "example.com", Since: at(0)}, "domain"},
			{"a domain with an @", outbound.Suppression{Client: a, Domain: "ann@example.com", Since: at(0)}, "domain"},
			{"unknown channel", outbound.Suppression{Client: a, Lead: l1, Channel: "fax", Since: at(0)}, "channel"},
			{"no instant", outbound.Suppression{Client: a, Lead: l1}, "since"},
			{"lifted already", outbound.Suppression{Client: a, Lead: l1, Since: at(0), LiftedAt: at(1)}, "lifted_at"},
		}
		for _, tt := range tests {
			requireInvalid(t, st.AddSuppression(ctx, &tt.sp), tt.field)
		}
		for _, c := range []outbound.ClientID{a, platform} {
			got, err := st.ListSuppressions(ctx, c)
			require.NoError(t, err)
			require.Empty(t, got, "nothing invalid was stored")
		}
		_, err := st.LiftSuppression(ctx, storage.SuppressionKey{Client: a, Lead: l1}, "operator", "no instant", time.Time{})
		requireInvalid(t, err, "at")
	})
	s.run(t, "InstantsInUTC", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		require.NoError(t, st.AddSuppression(ctx, &outbound.Suppression{Client: a, Lead: leadID(1), Since: at(3).In(sydney)}))
		got, err := st.ListSuppressions(ctx, a)
		require.NoError(t, err)
		require.Len(t, got, 1)
		requireUTC(t, at(3), got[0].Since)
	})
	s.run(t, "ConcurrentAddAndLift", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		const n = 16
		sp := outbound.Suppression{Client: platform, Domain: "spam.example", Reason: "do_not_contact", Since: at(1)}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c := sp
				c.Since = at(1 + i)
				errs[i] = st.AddSuppression(ctx, &c)
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		got, err := st.ListSuppressions(ctx, platform)
		require.NoError(t, err)
		require.Len(t, got, 1, "one record for one key, however many add it at once")

		lifted := make([]bool, n)
		for i := range n {
			wg.Go(func() { lifted[i], errs[i] = st.LiftSuppression(ctx, storage.KeyOf(&sp), "w", "test", at(100)) })
		}
		wg.Wait()
		count := 0
		for i := range n {
			require.NoError(t, errs[i])
			if lifted[i] {
				count++
			}
		}
		require.Equal(t, 1, count, "one lift lifts it; the others find it lifted")
	})
}

func requireSuppressed(t *testing.T, st storage.Store, q storage.SuppressionQuery, want bool, msg string) {
	t.Helper()
	got, err := st.Suppressed(t.Context(), q)
	require.NoError(t, err, msg)
	require.Equal(t, want, got, "%s: %+v", msg, q)
}

// suppressedAmongCases checks SuppressedAmong against the table of
// answers, and against Suppressed, in any order and with repeats.
func suppressedAmongCases(t *testing.T, st storage.Store) {
	ctx := t.Context()
	addSuppressions(t, st, suppressionSeed())
	tests := suppressionCases()
	qs := make([]storage.SuppressionQuery, len(tests))
	want := make([]bool, len(tests))
	for i, tt := range tests {
		qs[i], want[i] = tt.q, tt.want
	}
	got, err := st.SuppressedAmong(ctx, qs)
	require.NoError(t, err)
	require.Equal(t, want, got, "one answer per query, in order")

	// Reversed, then each again: the answers follow the queries.
	var order []int
	for i := len(tests) - 1; i >= 0; i-- {
		order = append(order, i)
	}
	for i := range tests {
		order = append(order, i, i)
	}
	qs, want = qs[:0], want[:0]
	for _, i := range order {
		qs, want = append(qs, tests[i].q), append(want, tests[i].want)
	}
	got, err = st.SuppressedAmong(ctx, qs)
	require.NoError(t, err)
	require.Equal(t, want, got, "reversed and repeated")

	for _, none := range [][]storage.SuppressionQuery{nil, {}} {
		got, err := st.SuppressedAmong(ctx, none)
		require.NoError(t, err)
		require.Empty(t, got, "no queries, no answers")
	}
}

// suppressionModel is the suppression rules worked out by hand, without
// any store's help: one record per key, in force or lifted.
type suppressionModel struct {
	recs map[storage.SuppressionKey]*outbound.Suppression
}

// modelKey is a key as suppressions compare it: an email address without
// regard to case, a domain without regard to ASCII case, anything else
// exactly.
func modelKey(k storage.SuppressionKey) storage.SuppressionKey {
	if strings.Contains(k.Address, "@") {
		k.Address = strings.ToLower(k.Address)
	}
	k.Domain = strings.ToLower(k.Domain) // the suite's domains are ASCII
	return k
}

func (m *suppressionModel) add(sp outbound.Suppression) {
	k := modelKey(storage.KeyOf(&sp))
	if cur, ok := m.recs[k]; ok {
		if cur.Active() {
			return
		}
		cur.Reason, cur.Since = sp.Reason, sp.Since
		cur.LiftedAt, cur.LiftedBy, cur.LiftReason = time.Time{}, "", ""
		return
	}
	m.recs[k] = &sp
}

func (m *suppressionModel) lift(k storage.SuppressionKey, sp outbound.Suppression) bool {
	cur, ok := m.recs[modelKey(k)]
	if !ok || !cur.Active() {
		return false
	}
	cur.LiftedAt, cur.LiftedBy, cur.LiftReason = sp.LiftedAt, sp.LiftedBy, sp.LiftReason
	return true
}

func (m *suppressionModel) suppressed(q storage.SuppressionQuery) bool {
	for k, sp := range m.recs {
		if !sp.Active() || (k.Client != q.Client && !k.Client.IsZero()) || (k.Channel != "" && k.Channel != q.Channel) {
			continue
		}
		qk := modelKey(storage.SuppressionKey{Address: q.Address, Domain: q.Domain})
		switch {
		case !k.Lead.IsZero() && k.Lead == q.Lead,
			k.Address != "" && k.Address == qk.Address,
			k.Domain != "" && k.Domain == qk.Domain:
			return true
		}
	}
	return false
}

// list is what ListSuppressions answers for client: its records, ordered
// by Since, lead, address, domain and channel.
func (m *suppressionModel) list(client outbound.ClientID) []outbound.Suppression {
	var out []outbound.Suppression
	for _, sp := range m.recs {
		if sp.Client == client {
			out = append(out, *sp)
		}
	}
	slices.SortFunc(out, func(a, b outbound.Suppression) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		if c := cmpUUID(a.Lead.UUID, b.Lead.UUID); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Address, b.Address), cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.Channel, b.Channel))
	})
	return out
}

// suppressedAmongModel checks random batches of queries over a small
// universe against Suppressed, query by query, and against the model,
// while suppressions keep being added, lifted and added again, per client
// and platform-wide; then each client's listing against the model's.
func suppressedAmongModel(t *testing.T, st storage.Store) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(4, 2))
	clients := []outbound.ClientID{clientID(1), clientID(2), clientID(3), platform}
	leads := []outbound.LeadID{{}, leadID(1), leadID(2), leadID(3), leadID(4)}
	addresses := []string{"", "amy@example.com", "AMY@Example.COM", "bob@example.com", "bob@other.example", "+61400000001", "+61400000002", "+61 400 000 001"}
	domains := []string{"", "example.com", "Example.COM", "other.example", "mail.example.com"}
	channels := []channel.Kind{channel.Email, channel.SMS, channel.Voice, channel.LinkedIn, channel.Mail}
	m := &suppressionModel{recs: make(map[storage.SuppressionKey]*outbound.Suppression)}
	// Each suppression's key comes from a small universe, so that adds
	// repeat keys and lifts find them.
	randomKey := func() outbound.Suppression {
		sp := outbound.Suppression{Client: clients[rng.IntN(len(clients))]}
		for sp.Lead.IsZero() && sp.Address == "" && sp.Domain == "" {
			switch rng.IntN(3) {
			case 0:
				sp.Lead = leads[rng.IntN(len(leads))]
			case 1:
				sp.Address = addresses[rng.IntN(len(addresses))]
			default:
				sp.Domain = domains[rng.IntN(len(domains))]
			}
		}
		if c := rng.IntN(len(channels) + 2); c < len(channels) {
			sp.Channel = channels[c]
		}
		return sp
	}
	step := 0
	add := func() {
		step++
		sp := randomKey()
		sp.Reason, sp.Since = "opted_out", at(step)
		require.NoError(t, st.AddSuppression(ctx, &sp))
		m.add(sp)
	}
	lift := func() {
		step++
		sp := randomKey()
		sp.LiftedAt, sp.LiftedBy, sp.LiftReason = at(step), "operator", "lifted"
		ok, err := st.LiftSuppression(ctx, storage.KeyOf(&sp), sp.LiftedBy, sp.LiftReason, sp.LiftedAt)
		require.NoError(t, err)
		require.Equal(t, m.lift(storage.KeyOf(&sp), sp), ok, "lift of %+v", storage.KeyOf(&sp))
	}
	for range 30 {
		add()
	}
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	matched, unmatched := 0, 0
	for round := range rounds {
		switch round % 3 {
		case 0:
			add()
		case 1:
			lift()
		}
		qs := make([]storage.SuppressionQuery, rng.IntN(50))
		for i := range qs {
			q := storage.SuppressionQuery{
				Client:  clients[rng.IntN(len(clients))],
				Lead:    leads[rng.IntN(len(leads))],
				Address: addresses[rng.IntN(len(addresses))],
				Channel: channels[rng.IntN(len(channels))],
			}
			// Mostly the address's own domain, as a caller asks; sometimes
			// none or another.
			if at := strings.LastIndexByte(q.Address, '@'); at >= 0 && rng.IntN(4) > 0 {
				q.Domain = strings.ToLower(q.Address[at+1:])
			} else if rng.IntN(2) == 0 {
				q.Domain = domains[rng.IntN(len(domains))]
			}
			qs[i] = q
		}
		got, err := st.SuppressedAmong(ctx, qs)
		require.NoError(t, err, "round %d", round)
		require.Len(t, got, len(qs), "round %d: one answer per query", round)
		for i, q := range qs {
			single, err := st.Suppressed(ctx, q)
			require.NoError(t, err, "round %d", round)
			require.Equal(t, single, got[i], "round %d, query %d %+v: SuppressedAmong and Suppressed disagree", round, i, q)
			require.Equal(t, m.suppressed(q), got[i], "round %d, query %d %+v", round, i, q)
			if got[i] {
				matched++
			} else {
				unmatched++
			}
		}
	}
	require.NotZero(t, matched, "the universe is small enough for queries to match")
	require.NotZero(t, unmatched, "and large enough for some not to")
	for _, c := range clients {
		got, err := st.ListSuppressions(ctx, c)
		require.NoError(t, err)
		want := m.list(c)
		if len(want) == 0 {
			require.Empty(t, got)
			continue
		}
		require.Equal(t, want, got, "client %s", c)
	}
}
