package replies_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
)

func TestTemplatesAnswerPerClass(t *testing.T) {
	t.Parallel()
	tpl, err := replies.NewTemplates(nil)
	require.NoError(t, err)
	until := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		reading replies.Classification
		booking string
		want    []string // phrases the answer holds; nil: no answer
	}{
		{"meeting request with a link", replies.Classification{Class: replies.MeetingRequest}, "https://cal.com/acme?metadata[lead]=L1",
			[]string{"Hi Ann,", "https://cal.com/acme?metadata[lead]=L1", "Acme Agency"}},
		{"meeting request without a link", replies.Classification{Class: replies.MeetingRequest}, "",
			[]string{"What times suit you"}},
		{"interested", replies.Classification{Class: replies.Interested}, "https://cal.com/acme", []string{"glad it caught your eye", "https://cal.com/acme"}},
		{"question", replies.Classification{Class: replies.Question}, "", []string{"Good question"}},
		{"not now with a date", replies.Classification{Class: replies.NotNow, Until: until}, "", []string{"around 1 July"}},
		{"not now without one", replies.Classification{Class: replies.NotNow}, "", []string{"later in the year"}},
		{"referral", replies.Classification{Class: replies.Referral, Referral: replies.Contact{Name: "Jane Smith", Email: "jane@acme.com"}}, "",
			[]string{"reach out to Jane Smith"}},
		{"wrong person", replies.Classification{Class: replies.WrongPerson}, "", []string{"won't write again"}},
		{"not interested", replies.Classification{Class: replies.NotInterested}, "", nil},
		{"unsubscribe", replies.Classification{Class: replies.Unsubscribe}, "", nil},
		{"out of office", replies.Classification{Class: replies.OutOfOffice, Until: until}, "", nil},
		{"bounce notice", replies.Classification{Class: replies.BounceNotice}, "", nil},
		{"unclassified", replies.Classification{Class: replies.Unclassified}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := tpl.Respond(context.Background(), replies.Prompt{
				Reply: replies.Reply{Kind: channel.Email, Body: "..."}, Reading: tt.reading,
				Lead: replies.Person{FirstName: "Ann", Company: "Acme"}, Sender: "Acme Agency", BookingURL: tt.booking,
			})
			require.NoError(t, err)
			if tt.want == nil {
				require.Empty(t, a.Body)
				return
			}
			for _, w := range tt.want {
				require.Contains(t, a.Body, w)
			}
		})
	}
}

// A lead with no first name is greeted plainly.
func TestTemplatesWithoutName(t *testing.T) {
	t.Parallel()
	tpl, err := replies.NewTemplates(nil)
	require.NoError(t, err)
	a, err := tpl.Respond(context.Background(), replies.Prompt{Reading: replies.Classification{Class: replies.Question}})
	require.NoError(t, err)
	require.Regexp(t, `^Hi,\n\nGood question`, a.Body)
}

// A host's templates are checked when they are given: a class that may not
// be answered, an unknown one, or a template that does not parse is named.
func TestNewTemplatesRefuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		class replies.Class
		text  string
	}{
		{replies.Unsubscribe, "Sorry to see you go"},
		{replies.OutOfOffice, "Welcome back"},
		{"maybe", "Hello"},
		{replies.Interested, "Hi {{.Lead.FirstName"},
	} {
		_, err := replies.NewTemplates(map[replies.Class]string{tt.class: tt.text})
		require.ErrorIs(t, err, outbound.ErrInvalid, tt.class)
		require.ErrorContains(t, err, string(tt.class))
	}
	own, err := replies.NewTemplates(map[replies.Class]string{replies.Interested: "Thanks {{.Lead.FirstName}}!"})
	require.NoError(t, err)
	a, err := own.Respond(context.Background(), replies.Prompt{Reading: replies.Classification{Class: replies.Interested}, Lead: replies.Person{FirstName: "Bo"}})
	require.NoError(t, err)
	require.Equal(t, "Thanks Bo!", a.Body)
	a, err = own.Respond(context.Background(), replies.Prompt{Reading: replies.Classification{Class: replies.Question}})
	require.NoError(t, err)
	require.Empty(t, a.Body, "a class without a template is not answered")
}
