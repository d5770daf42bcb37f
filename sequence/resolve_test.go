package sequence

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/stretchr/testify/require"
)

// testNow is the instant of every decision in these tests.
func testNow() time.Time { return time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC) }

// usableAll is a Hot lead with every address, a client with every
// resource, no opt-out and a number washed yesterday and not registered.
func usableAll() Conditions {
	return Conditions{
		Tier:      outbound.TierHot,
		Addresses: channel.AllKinds,
		Resources: channel.AllKinds,
		DNCR:      DNCRState{WashedAt: testNow().Add(-24 * time.Hour)},
		Now:       testNow(),
	}
}

func step(n int) Step {
	s, ok := Default().Step(n)
	if !ok {
		panic(n)
	}
	return s
}

func TestResolveDefaultStepsAsPlanned(t *testing.T) {
	t.Parallel()
	want := []struct {
		ch     channel.Kind
		action channel.Action
	}{
		{channel.Email, channel.ActionEmail},
		{channel.Voice, channel.ActionCall},
		{channel.LinkedIn, channel.ActionConnectionRequest},
		{channel.Email, channel.ActionEmail},
		{channel.SMS, channel.ActionSMS},
	}
	for i, w := range want {
		r := Policy{}.Resolve(step(i+1), usableAll())
		require.Equal(t, Resolution{Channel: w.ch, Action: w.action, Planned: w.ch, PlannedFallback: step(i + 1).Fallback}, r, "step %d", i+1)
		require.Equal(t, string(w.ch), r.String())
	}
}

func TestResolveRules(t *testing.T) {
	t.Parallel()
	type mod func(*Conditions)
	tier := func(t outbound.Tier) mod { return func(c *Conditions) { c.Tier = t } }
	noAddr := func(ks ...channel.Kind) mod {
		return func(c *Conditions) {
			for _, k := range ks {
				c.Addresses = c.Addresses.Without(k)
			}
		}
	}
	noRes := func(ks ...channel.Kind) mod {
		return func(c *Conditions) {
			for _, k := range ks {
				c.Resources = c.Resources.Without(k)
			}
		}
	}
	optOut := func(ks ...channel.Kind) mod { return func(c *Conditions) { c.OptedOut = channel.SetOf(ks...) } }
	registered := func(c *Conditions) { c.DNCR.Registered = true }
	washedAgo := func(d time.Duration) mod { return func(c *Conditions) { c.DNCR.WashedAt = testNow().Add(-d) } }
	neverWashed := func(c *Conditions) { c.DNCR.WashedAt = time.Time{} }
	const day = 24 * time.Hour

	const (
		E = channel.Email
		V = channel.Voice
		L = channel.LinkedIn
		S = channel.SMS
	)
	fb := func(ch channel.Kind, primary Reason) Resolution {
		return Resolution{Channel: ch, Action: channel.DefaultAction(ch), Fallback: true, PrimaryReason: primary}
	}
	skip := func(primary, fallback Reason) Resolution {
		return Resolution{Skipped: true, PrimaryReason: primary, FallbackReason: fallback}
	}
	own := func(ch channel.Kind, a channel.Action) Resolution { return Resolution{Channel: ch, Action: a} }

	tests := []struct {
		name   string
		step   int
		policy Policy
		mods   []mod
		want   Resolution
	}{
		// Step 1, email, no fallback.
		{"1: dead tier is gated, skip", 1, Policy{}, []mod{tier(outbound.TierDead)}, skip(ReasonGated, ReasonNoFallback)},
		{"1: cold tier may email", 1, Policy{}, []mod{tier(outbound.TierCold)}, own(E, channel.ActionEmail)},
		{"1: no email address, skip", 1, Policy{}, []mod{noAddr(E)}, skip(ReasonNoAddress, ReasonNoFallback)},
		{"1: no mailbox, skip", 1, Policy{}, []mod{noRes(E)}, skip(ReasonNoResource, ReasonNoFallback)},
		{"1: opted out of email, skip", 1, Policy{}, []mod{optOut(E)}, skip(ReasonOptedOut, ReasonNoFallback)},
		{"1: email ignores the DNCR", 1, Policy{}, []mod{registered, neverWashed}, own(E, channel.ActionEmail)},
		{"1: opted out of SMS only, email goes", 1, Policy{}, []mod{optOut(S)}, own(E, channel.ActionEmail)},

		// Step 2, voice, fallback email.
		{"2: cool tier is gated, email", 2, Policy{}, []mod{tier(outbound.TierCool)}, fb(E, ReasonGated)},
		{"2: cold tier is gated, email", 2, Policy{}, []mod{tier(outbound.TierCold)}, fb(E, ReasonGated)},
		{"2: warm tier may call", 2, Policy{}, []mod{tier(outbound.TierWarm)}, own(V, channel.ActionCall)},
		{"2: no phone number, email", 2, Policy{}, []mod{noAddr(V)}, fb(E, ReasonNoAddress)},
		{"2: no phone resource, email", 2, Policy{}, []mod{noRes(V)}, fb(E, ReasonNoResource)},
		{"2: on the register, email", 2, Policy{}, []mod{registered}, fb(E, ReasonDNCRRegistered)},
		{"2: never washed, email", 2, Policy{}, []mod{neverWashed}, fb(E, ReasonDNCRUnwashed)},
		{"2: washed 30 days ago exactly, email", 2, Policy{}, []mod{washedAgo(30 * day)}, fb(E, ReasonDNCRUnwashed)},
		{"2: washed 31 days ago, email", 2, Policy{}, []mod{washedAgo(31 * day)}, fb(E, ReasonDNCRUnwashed)},
		{"2: washed 30 days less 1ns ago, call", 2, Policy{}, []mod{washedAgo(30*day - 1)}, own(V, channel.ActionCall)},
		{"2: washed this instant, call", 2, Policy{}, []mod{washedAgo(0)}, own(V, channel.ActionCall)},
		{"2: wash stamped in the future counts as none", 2, Policy{}, []mod{washedAgo(-time.Minute)}, fb(E, ReasonDNCRUnwashed)},
		{"2: 7-day validity, washed 7 days ago", 2, Policy{DNCRValidity: 7 * day}, []mod{washedAgo(7 * day)}, fb(E, ReasonDNCRUnwashed)},
		{"2: 7-day validity, washed 6 days ago", 2, Policy{DNCRValidity: 7 * day}, []mod{washedAgo(6 * day)}, own(V, channel.ActionCall)},
		{"2: SMS exemption does not cover voice", 2, Policy{SkipDNCRForSMS: true}, []mod{registered}, fb(E, ReasonDNCRRegistered)},
		{"2: opted out of calls, email", 2, Policy{}, []mod{optOut(V)}, fb(E, ReasonOptedOut)},
		{"2: gated and email opted out, skip", 2, Policy{}, []mod{tier(outbound.TierCool), optOut(E)}, skip(ReasonGated, ReasonOptedOut)},
		{"2: registered and no email address, skip", 2, Policy{}, []mod{registered, noAddr(E)}, skip(ReasonDNCRRegistered, ReasonNoAddress)},
		{"2: no phone and no mailbox, skip", 2, Policy{}, []mod{noAddr(V), noRes(E)}, skip(ReasonNoAddress, ReasonNoResource)},
		{"2: dead tier, skip with both gated", 2, Policy{}, []mod{tier(outbound.TierDead)}, skip(ReasonGated, ReasonGated)},

		// Step 3, LinkedIn connection request, no fallback.
		{"3: cool tier may use LinkedIn", 3, Policy{}, []mod{tier(outbound.TierCool)}, own(L, channel.ActionConnectionRequest)},
		{"3: cold tier is gated, skip", 3, Policy{}, []mod{tier(outbound.TierCold)}, skip(ReasonGated, ReasonNoFallback)},
		{"3: no profile, skip", 3, Policy{}, []mod{noAddr(L)}, skip(ReasonNoAddress, ReasonNoFallback)},
		{"3: no seat, skip", 3, Policy{}, []mod{noRes(L)}, skip(ReasonNoResource, ReasonNoFallback)},
		{"3: LinkedIn ignores the DNCR", 3, Policy{}, []mod{registered}, own(L, channel.ActionConnectionRequest)},

		// Step 4, email.
		{"4: cold tier", 4, Policy{}, []mod{tier(outbound.TierCold)}, own(E, channel.ActionEmail)},
		{"4: opted out, skip", 4, Policy{}, []mod{optOut(E)}, skip(ReasonOptedOut, ReasonNoFallback)},

		// Step 5, SMS, fallback email.
		{"5: warm tier may text", 5, Policy{}, []mod{tier(outbound.TierWarm)}, own(S, channel.ActionSMS)},
		{"5: cool tier is gated, email", 5, Policy{}, []mod{tier(outbound.TierCool)}, fb(E, ReasonGated)},
		{"5: registered, email (DNCR for SMS by default)", 5, Policy{}, []mod{registered}, fb(E, ReasonDNCRRegistered)},
		{"5: unwashed, email", 5, Policy{}, []mod{washedAgo(45 * day)}, fb(E, ReasonDNCRUnwashed)},
		{"5: registered but SMS exempt, text", 5, Policy{SkipDNCRForSMS: true}, []mod{registered}, own(S, channel.ActionSMS)},
		{"5: unwashed but SMS exempt, text", 5, Policy{SkipDNCRForSMS: true}, []mod{neverWashed}, own(S, channel.ActionSMS)},
		{"5: no number, email", 5, Policy{}, []mod{noAddr(S)}, fb(E, ReasonNoAddress)},
		{"5: opted out of SMS, email", 5, Policy{}, []mod{optOut(S)}, fb(E, ReasonOptedOut)},
		{"5: opted out of both, skip", 5, Policy{}, []mod{optOut(S, E)}, skip(ReasonOptedOut, ReasonOptedOut)},

		// Order of the checks when several apply: the first is recorded.
		{"order: gated before no_address", 2, Policy{}, []mod{tier(outbound.TierCold), noAddr(V)}, fb(E, ReasonGated)},
		{"order: no_address before no_resource", 2, Policy{}, []mod{noAddr(V), noRes(V)}, fb(E, ReasonNoAddress)},
		{"order: no_resource before dncr", 2, Policy{}, []mod{noRes(V), registered}, fb(E, ReasonNoResource)},
		{"order: registered before unwashed", 2, Policy{}, []mod{registered, neverWashed}, fb(E, ReasonDNCRRegistered)},
		{"order: dncr before opted_out", 2, Policy{}, []mod{neverWashed, optOut(V)}, fb(E, ReasonDNCRUnwashed)},
		{"order: unknown tier is gated", 1, Policy{}, []mod{tier("lukewarm")}, skip(ReasonGated, ReasonNoFallback)},

		// Custom gating.
		{"custom gating lets cold call", 2, Policy{Gating: Gating{outbound.TierCold: channel.SetOf(V, E)}}, []mod{tier(outbound.TierCold)}, own(V, channel.ActionCall)},
		{"custom gating without the tier gates all", 2, Policy{Gating: Gating{outbound.TierHot: channel.AllKinds}}, []mod{tier(outbound.TierWarm)}, skip(ReasonGated, ReasonGated)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := usableAll()
			for _, m := range tt.mods {
				m(&c)
			}
			st := step(tt.step)
			want := tt.want
			want.Planned, want.PlannedFallback = st.Channel, st.Fallback
			got := tt.policy.Resolve(st, c)
			require.Equal(t, want, got)
			require.Equal(t, got.Skipped, got.Channel == "")
		})
	}
}

func TestResolveCustomSteps(t *testing.T) {
	t.Parallel()
	c := usableAll()
	// A LinkedIn message step falling back to email takes email's action,
	// not the LinkedIn one.
	st := Step{Number: 1, Channel: channel.LinkedIn, Action: channel.ActionLinkedInMessage, Fallback: channel.Email}
	r := Policy{}.Resolve(st, c)
	require.Equal(t, channel.ActionLinkedInMessage, r.Action)
	c.Addresses = c.Addresses.Without(channel.LinkedIn)
	r = Policy{}.Resolve(st, c)
	require.Equal(t, channel.Email, r.Channel)
	require.Equal(t, channel.ActionEmail, r.Action)

	// A voice step falling back to SMS checks SMS against the DNCR too.
	c = usableAll()
	c.DNCR.Registered = true
	r = Policy{}.Resolve(Step{Number: 1, Channel: channel.Voice, Fallback: channel.SMS}, c)
	require.True(t, r.Skipped)
	require.Equal(t, ReasonDNCRRegistered, r.PrimaryReason)
	require.Equal(t, ReasonDNCRRegistered, r.FallbackReason)
	r = Policy{SkipDNCRForSMS: true}.Resolve(Step{Number: 1, Channel: channel.Voice, Fallback: channel.SMS}, c)
	require.Equal(t, channel.SMS, r.Channel)
	require.Equal(t, channel.ActionSMS, r.Action)

	// Mail: hot only by default; the action is a letter.
	c = usableAll()
	r = Policy{}.Resolve(Step{Number: 1, Channel: channel.Mail}, c)
	require.Equal(t, channel.ActionLetter, r.Action)
	c.Tier = outbound.TierWarm
	r = Policy{}.Resolve(Step{Number: 1, Channel: channel.Mail, Fallback: channel.LinkedIn}, c)
	require.Equal(t, channel.LinkedIn, r.Channel)
	require.Equal(t, channel.ActionConnectionRequest, r.Action)
	require.Equal(t, ReasonGated, r.PrimaryReason)

	// Invalid steps (Resolve does not validate): an unknown channel falls
	// back; a fallback equal to the channel is skipped.
	r = Policy{}.Resolve(Step{Number: 1, Channel: "fax", Fallback: channel.Email}, usableAll())
	require.Equal(t, ReasonUnknownChannel, r.PrimaryReason)
	require.Equal(t, channel.Email, r.Channel)
	c = usableAll()
	c.OptedOut = channel.SetOf(channel.Email)
	r = Policy{}.Resolve(Step{Number: 1, Channel: channel.Email, Fallback: channel.Email}, c)
	require.True(t, r.Skipped)
	require.Equal(t, ReasonOptedOut, r.FallbackReason)
}

func TestResolutionString(t *testing.T) {
	t.Parallel()
	c := usableAll()
	require.Equal(t, "voice", Policy{}.Resolve(step(2), c).String())
	c.Tier = outbound.TierCool
	require.Equal(t, "voice gated → email", Policy{}.Resolve(step(2), c).String())
	c.OptedOut = channel.SetOf(channel.Email)
	require.Equal(t, "voice gated, email opted_out: skip", Policy{}.Resolve(step(2), c).String())
	c.Tier = outbound.TierCold
	require.Equal(t, "linkedin gated, no fallback: skip", Policy{}.Resolve(step(3), c).String())
}

func TestReasonValues(t *testing.T) {
	t.Parallel()
	// Reasons are stored and counted: their strings must not change.
	require.Equal(t, []Reason{"unknown_channel", "gated", "no_address", "no_resource",
		"dncr_registered", "dncr_unwashed", "opted_out", "no_fallback"}, Reasons())
}

func TestPolicyDefaultsAndValidate(t *testing.T) {
	t.Parallel()
	p := Policy{}.WithDefaults()
	require.Equal(t, Tiers{Hot: 85, Warm: 60, Cool: 35, Cold: 20}, p.Tiers)
	require.Equal(t, DefaultGating(), p.Gating)
	require.Equal(t, 30*24*time.Hour, p.DNCRValidity)
	require.False(t, p.SkipDNCRForSMS)
	require.NoError(t, Policy{}.Validate())

	err := Policy{DNCRValidity: -time.Hour, Tiers: Tiers{Warm: 90}, Gating: Gating{"x": 0}}.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorContains(t, err, "DNCRValidity = -1h0m0s")
	require.ErrorContains(t, err, "Tiers.Warm = 90")
	require.ErrorContains(t, err, `Gating = "x"`)
}

// TestResolveProperty checks Resolve over random conditions against an
// independent statement of the rules: the channel chosen is usable, the
// step's own channel is chosen whenever usable, and the fallback only when
// the own channel is not.
func TestResolveProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 14))
	tiers := append(outbound.Tiers(), "unknown")
	kinds := append(channel.Kinds(), "", "fax")
	for range 50_000 {
		p := Policy{SkipDNCRForSMS: rng.IntN(2) == 0}
		if rng.IntN(3) == 0 {
			p.Gating = Gating{}
			for _, tier := range outbound.Tiers() {
				p.Gating[tier] = channel.Set(rng.IntN(32))
			}
		}
		c := Conditions{
			Tier:      tiers[rng.IntN(len(tiers))],
			Addresses: channel.Set(rng.IntN(32)),
			Resources: channel.Set(rng.IntN(32)),
			OptedOut:  channel.Set(rng.IntN(32)) & channel.Set(rng.IntN(32)),
			DNCR:      DNCRState{Registered: rng.IntN(4) == 0},
			Now:       testNow(),
		}
		if rng.IntN(5) > 0 {
			c.DNCR.WashedAt = testNow().Add(time.Duration(rng.Int64N(int64(40*24*time.Hour))) - 2*time.Hour)
		}
		st := Step{Number: 1, Channel: kinds[rng.IntN(len(kinds)-1)], Fallback: kinds[rng.IntN(len(kinds))]}

		usable := func(k channel.Kind) bool {
			gate := defaultGateRef()[c.Tier]
			if p.Gating != nil {
				gate = p.Gating[c.Tier]
			}
			ok := k.Valid() && gate.Has(k) && c.Addresses.Has(k) && c.Resources.Has(k) && !c.OptedOut.Has(k)
			if k == channel.Voice || (k == channel.SMS && !p.SkipDNCRForSMS) {
				age := c.Now.Sub(c.DNCR.WashedAt)
				ok = ok && !c.DNCR.Registered && !c.DNCR.WashedAt.IsZero() && age >= 0 && age < 30*24*time.Hour
			}
			return ok
		}

		r := p.Resolve(st, c)
		// Plain comparisons in the loop: require's reflection is slow under -race.
		var ok bool
		switch {
		case usable(st.Channel):
			ok = r.Channel == st.Channel && r.Action == st.EffectiveAction() && !r.Fallback && !r.Skipped && r.PrimaryReason == ""
		case st.Fallback != "" && usable(st.Fallback):
			ok = r.Channel == st.Fallback && r.Action == channel.DefaultAction(st.Fallback) && r.Fallback && !r.Skipped && r.PrimaryReason != ""
		default:
			ok = r.Skipped && r.Channel == "" && r.Action == "" && !r.Fallback && r.PrimaryReason != "" && r.FallbackReason != ""
		}
		if !ok {
			t.Fatalf("%+v %+v under %+v → %+v", st, c, p, r)
		}
	}
}

// defaultGateRef restates docs/architecture.md's gating for the property test.
func defaultGateRef() map[outbound.Tier]channel.Set {
	return map[outbound.Tier]channel.Set{
		outbound.TierHot:  channel.AllKinds,
		outbound.TierWarm: channel.SetOf(channel.Email, channel.Voice, channel.LinkedIn, channel.SMS),
		outbound.TierCool: channel.SetOf(channel.Email, channel.LinkedIn),
		outbound.TierCold: channel.SetOf(channel.Email),
	}
}

func BenchmarkResolve(b *testing.B) {
	var p Policy
	c := usableAll()
	b.Run("as planned", func(b *testing.B) {
		b.ReportAllocs()
		st := step(2)
		for b.Loop() {
			_ = p.Resolve(st, c)
		}
	})
	b.Run("fallback", func(b *testing.B) {
		b.ReportAllocs()
		st := step(5)
		cool := c
		cool.Tier = outbound.TierCool
		for b.Loop() {
			_ = p.Resolve(st, cool)
		}
	})
	b.Run("custom gating", func(b *testing.B) {
		b.ReportAllocs()
		g := Policy{Gating: DefaultGating()}
		st := step(2)
		for b.Loop() {
			_ = g.Resolve(st, c)
		}
	})
}
