package sequence

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
	"github.com/stretchr/testify/require"
)

// FuzzSequenceJSON feeds sequences as a host would load them from its own
// configuration. Validate must never panic, and a sequence it accepts must
// work: every step has a planned instant in order, and Resolve only ever
// picks the step's channel, its fallback, or nothing.
func FuzzSequenceJSON(f *testing.F) {
	def, err := json.Marshal(Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def, uint8(0b11111), uint8(0b11111), uint8(0), 90)
	f.Add([]byte(`{"name":"x","steps":[{"number":1,"day":0,"channel":"linkedin","action":"linkedin_message","fallback":"email"}]}`), uint8(0b00001), uint8(0b11111), uint8(0), 40)
	f.Add([]byte(`{"steps":[{"number":1,"day":2,"channel":"voice","fallback":"sms"},{"number":2,"day":2,"channel":"mail"}]}`), uint8(0b11010), uint8(0b01010), uint8(0b00010), 70)
	f.Add([]byte(`{"steps":[{"number":2,"day":-1,"channel":"fax","fallback":"fax"}]}`), uint8(0), uint8(0), uint8(0), -5)
	f.Add([]byte(`{"steps":[]}`), uint8(1), uint8(1), uint8(1), 101)
	f.Fuzz(func(t *testing.T, data []byte, addresses, resources, optedOut uint8, score int) {
		var seq Sequence
		if json.Unmarshal(data, &seq) != nil {
			return
		}
		if seq.Validate() != nil {
			return
		}
		tier, err := Tiers{}.TierFor(score)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			tier = outbound.TierDead
		}
		c := Conditions{
			Tier:      tier,
			Addresses: channel.Set(addresses) & channel.AllKinds,
			Resources: channel.Set(resources) & channel.AllKinds,
			OptedOut:  channel.Set(optedOut) & channel.AllKinds,
			DNCR:      DNCRState{WashedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
			Now:       time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		}
		enrolled := timing.DateFromYMD(2026, 1, 1)
		var prev time.Time
		for i, st := range seq.Steps {
			got, err := seq.Earliest(st.Number, enrolled, time.UTC, LastTouch{})
			require.NoError(t, err, "step %d", i+1)
			require.False(t, got.Before(prev), "steps stay in order")
			prev = got

			r := Policy{}.Resolve(st, c)
			switch r.Channel {
			case st.Channel:
				require.Equal(t, st.EffectiveAction(), r.Action)
			case "":
				require.True(t, r.Skipped)
			default:
				require.Equal(t, st.Fallback, r.Channel)
				require.Equal(t, channel.DefaultAction(st.Fallback), r.Action)
			}
			require.True(t, r.Action == "" || r.Action.Kind() == r.Channel)
		}
	})
}
