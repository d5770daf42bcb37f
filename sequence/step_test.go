package sequence

import (
	"errors"
	"testing"

	"github.com/outbound-go/outbound/channel"
	"github.com/stretchr/testify/require"
)

func TestDefaultSequence(t *testing.T) {
	t.Parallel()
	// docs/architecture.md ("Defaults"): step 1 day 0 email; step 2 day 3 voice, fallback
	// email; step 3 day 5 LinkedIn, fallback skip; step 4 day 8 email;
	// step 5 day 12 SMS, fallback email.
	want := []struct {
		day      int
		ch       channel.Kind
		action   channel.Action
		fallback channel.Kind
	}{
		{0, channel.Email, channel.ActionEmail, ""},
		{3, channel.Voice, channel.ActionCall, channel.Email},
		{5, channel.LinkedIn, channel.ActionConnectionRequest, ""},
		{8, channel.Email, channel.ActionEmail, ""},
		{12, channel.SMS, channel.ActionSMS, channel.Email},
	}
	seq := Default()
	require.Equal(t, "default", seq.Name)
	require.Len(t, seq.Steps, len(want))
	for i, w := range want {
		st := seq.Steps[i]
		require.Equal(t, i+1, st.Number)
		require.Equal(t, w.day, st.Day, "step %d", i+1)
		require.Equal(t, w.ch, st.Channel, "step %d", i+1)
		require.Equal(t, w.action, st.Action, "step %d", i+1)
		require.Equal(t, w.fallback, st.Fallback, "step %d", i+1)
	}
	require.NoError(t, seq.Validate())
}

func TestDefaultIsFresh(t *testing.T) {
	t.Parallel()
	a := Default()
	a.Steps[1].Fallback = ""
	a.Steps = append(a.Steps, Step{Number: 6, Day: 20, Channel: channel.Mail})
	b := Default()
	require.Equal(t, channel.Email, b.Steps[1].Fallback)
	require.Len(t, b.Steps, 5)
}

func TestSequenceValidate(t *testing.T) {
	t.Parallel()
	with := func(i int, f func(*Step)) Sequence {
		s := Default()
		f(&s.Steps[i])
		return s
	}
	tests := []struct {
		name      string
		seq       Sequence
		wantField string
		wantValue any
	}{
		{"steps numbered out of order", with(2, func(s *Step) { s.Number = 4 }), "Steps[2].Number", 4},
		{"step numbered 0", with(0, func(s *Step) { s.Number = 0 }), "Steps[0].Number", 0},
		{"negative day", with(0, func(s *Step) { s.Day = -1 }), "Steps[0].Day", -1},
		{"day past ten years", with(4, func(s *Step) { s.Day = 3651 }), "Steps[4].Day", 3651},
		{"day before the previous step's", with(1, func(s *Step) { s.Day = 6 }), "Steps[2].Day", 5},
		{"unknown channel", with(3, func(s *Step) { s.Channel = "fax" }), "Steps[3].Channel", "fax"},
		{"empty channel", with(3, func(s *Step) { s.Channel = "" }), "Steps[3].Channel", ""},
		{"action of another channel", with(2, func(s *Step) { s.Action = channel.ActionCall }), "Steps[2].Action", "call"},
		{"unknown action", with(0, func(s *Step) { s.Action = "fax" }), "Steps[0].Action", "fax"},
		{"unknown fallback", with(1, func(s *Step) { s.Fallback = "pigeon" }), "Steps[1].Fallback", "pigeon"},
		{"fallback equal to the channel", with(1, func(s *Step) { s.Fallback = channel.Voice }), "Steps[1].Fallback", "voice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.seq.Validate()
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "Sequence", fe.Record)
			require.Equal(t, tt.wantField, fe.Field)
			require.Equal(t, tt.wantValue, fe.Value)
		})
	}
}

func TestSequenceValidateAccepts(t *testing.T) {
	t.Parallel()
	for name, seq := range map[string]Sequence{
		"default":                  Default(),
		"one step":                 {Steps: []Step{{Number: 1, Channel: channel.Mail}}},
		"same day twice":           {Steps: []Step{{Number: 1, Channel: channel.Email}, {Number: 2, Channel: channel.LinkedIn}}},
		"empty action is default":  {Steps: []Step{{Number: 1, Day: 2, Channel: channel.Voice, Fallback: channel.SMS}}},
		"linkedin message":         {Steps: []Step{{Number: 1, Channel: channel.LinkedIn, Action: channel.ActionLinkedInMessage, Fallback: channel.Email}}},
		"mail with voice fallback": {Steps: []Step{{Number: 1, Day: 30, Channel: channel.Mail, Fallback: channel.Voice}}},
		"last step at MaxDay":      {Steps: []Step{{Number: 1, Day: 3650, Channel: channel.Mail}}},
	} {
		require.NoError(t, seq.Validate(), name)
	}
}

func TestSequenceValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	err := Sequence{Steps: []Step{
		{Number: 1, Day: 4, Channel: channel.Email},
		{Number: 3, Day: 2, Channel: "fax", Fallback: "fax"},
	}}.Validate()
	require.EqualError(t, err, `sequence: Sequence.Steps[1].Number = 3: must be 2: steps are numbered 1..n in order
sequence: Sequence.Steps[1].Day = 2: must not be before Steps[0].Day (4)
sequence: Sequence.Steps[1].Channel = "fax": want email, voice, linkedin, sms or mail
sequence: Sequence.Steps[1].Fallback = "fax": want email, voice, linkedin, sms, mail or empty (skip)`)

	err = Sequence{Name: "empty"}.Validate()
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "Steps", fe.Field)
	require.True(t, errors.Is(err, ErrInvalid))
}

func TestStepEffectiveAction(t *testing.T) {
	t.Parallel()
	tests := map[channel.Kind]channel.Action{
		channel.Email:    channel.ActionEmail,
		channel.Voice:    channel.ActionCall,
		channel.LinkedIn: channel.ActionConnectionRequest,
		channel.SMS:      channel.ActionSMS,
		channel.Mail:     channel.ActionLetter,
	}
	for k, want := range tests {
		require.Equal(t, want, Step{Channel: k}.EffectiveAction())
	}
	require.Equal(t, channel.ActionLinkedInMessage, Step{Channel: channel.LinkedIn, Action: channel.ActionLinkedInMessage}.EffectiveAction())
}

func TestSequenceWithDefaults(t *testing.T) {
	t.Parallel()
	s := Sequence{Steps: []Step{{Number: 1, Channel: channel.LinkedIn}, {Number: 2, Channel: channel.Email, Action: channel.ActionEmail}}}
	d := s.WithDefaults()
	require.Equal(t, channel.ActionConnectionRequest, d.Steps[0].Action)
	require.Equal(t, channel.ActionEmail, d.Steps[1].Action)
	require.Empty(t, s.Steps[0].Action, "the original is not changed")
}

func TestSequenceStep(t *testing.T) {
	t.Parallel()
	st, ok := Default().Step(3)
	require.True(t, ok)
	require.Equal(t, channel.LinkedIn, st.Channel)
	for _, n := range []int{0, -1, 6} {
		_, ok := Default().Step(n)
		require.False(t, ok, n)
	}
	// An unvalidated sequence with odd numbering is searched by Number.
	odd := Sequence{Steps: []Step{{Number: 2, Channel: channel.SMS}, {Number: 1, Channel: channel.Mail}}}
	st, ok = odd.Step(1)
	require.True(t, ok)
	require.Equal(t, channel.Mail, st.Channel)
}
