package channel_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// validMessage returns a valid commercial message for action a.
func validMessage(a channel.Action) *channel.Message {
	m := channel.NewMessage("touch-1", a)
	m.Metadata = map[string]string{"lead": "l1"}
	switch a.Kind() {
	case channel.Email:
		m.From = channel.Sender{ID: "mb1", Address: "sam@send.example.com"}
		m.To = channel.Recipient{Name: "Ana", Email: "ana@example.com"}
		m.Subject = "Quick question"
		m.Body = "Hi Ana,\n...\nReply 'no thanks' or unsubscribe: https://u.example.com/x"
		m.HTML = "<p>Hi Ana</p><p><a href=\"https://u.example.com/x\">Unsubscribe</a></p>"
		m.Headers = map[string]string{"List-Unsubscribe": "<mailto:unsub@send.example.com>, <https://u.example.com/x>"}
	case channel.SMS:
		m.From = channel.Sender{ID: "ph1", Address: "+61400000001"}
		m.To = channel.Recipient{Phone: "+61412345678"}
		m.Body = "Hi Ana, Sam here. Reply STOP to opt out"
	case channel.Voice:
		m.From = channel.Sender{ID: "ph1", Address: "+61290000000"}
		m.To = channel.Recipient{Phone: "+61298765432"}
	case channel.LinkedIn:
		m.From = channel.Sender{ID: "seat1", Address: "acc_123"}
		m.To = channel.Recipient{LinkedIn: "https://www.linkedin.com/in/ana-example"}
		m.Body = "Hi Ana, saw your post on routing."
	case channel.Mail:
		m.From = channel.Sender{ID: "mail1", Address: "adr_sender"}
		m.To = channel.Recipient{Name: "Ana", Postal: channel.PostalAddress{
			Lines: []string{"Level 3", "1 George St"}, City: "Sydney", Region: "NSW", Postcode: "2000", Country: "AU"}}
		m.Body = "Dear Ana, ..."
	}
	return m
}

func TestValidateValidMessages(t *testing.T) {
	t.Parallel()
	for _, a := range []channel.Action{channel.ActionEmail, channel.ActionSMS, channel.ActionCall,
		channel.ActionConnectionRequest, channel.ActionLinkedInMessage, channel.ActionLetter, channel.ActionPostcard} {
		t.Run(string(a), func(t *testing.T) {
			t.Parallel()
			w, err := channel.Validate(validMessage(a))
			require.NoError(t, err)
			require.Empty(t, w)
		})
	}
}

func TestValidateRules(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) } // 1 rune, 2 bytes each
	tests := []struct {
		name   string
		action channel.Action
		change func(m *channel.Message)
		field  string // "" means valid
	}{
		// Identity, kind and action.
		{"missing idempotency key", channel.ActionEmail, func(m *channel.Message) { m.IdempotencyKey = " " }, "IdempotencyKey"},
		{"unknown kind", channel.ActionEmail, func(m *channel.Message) { m.Kind = "fax" }, "Kind"},
		{"action of another kind", channel.ActionEmail, func(m *channel.Message) { m.Action = channel.ActionSMS }, "Action"},
		{"unknown action", channel.ActionEmail, func(m *channel.Message) { m.Action = "tweet" }, "Action"},
		{"empty action means the default", channel.ActionEmail, func(m *channel.Message) { m.Action = "" }, ""},
		{"linkedin message on linkedin kind", channel.ActionLinkedInMessage, func(m *channel.Message) {}, ""},
		{"call on sms kind", channel.ActionSMS, func(m *channel.Message) { m.Action = channel.ActionCall }, "Action"},

		// Sender.
		{"missing sender address", channel.ActionEmail, func(m *channel.Message) { m.From.Address = "" }, "From.Address"},
		{"sender not an email", channel.ActionEmail, func(m *channel.Message) { m.From.Address = "sam" }, "From.Address"},
		{"sender not E.164", channel.ActionSMS, func(m *channel.Message) { m.From.Address = "0400000001" }, "From.Address"},
		{"voice sender not E.164", channel.ActionCall, func(m *channel.Message) { m.From.Address = "+61 2 9000 0000" }, "From.Address"},
		{"linkedin seat any ID", channel.ActionConnectionRequest, func(m *channel.Message) { m.From.Address = "x" }, ""},
		{"missing mail sender", channel.ActionLetter, func(m *channel.Message) { m.From.Address = "\t" }, "From.Address"},

		// Email recipient.
		{"missing email", channel.ActionEmail, func(m *channel.Message) { m.To.Email = "" }, "To.Email"},
		{"email without domain", channel.ActionEmail, func(m *channel.Message) { m.To.Email = "ana@" }, "To.Email"},
		{"email without at", channel.ActionEmail, func(m *channel.Message) { m.To.Email = "ana.example.com" }, "To.Email"},
		{"email with display name", channel.ActionEmail, func(m *channel.Message) { m.To.Email = "Ana <ana@example.com>" }, "To.Email"},
		{"email with spaces around", channel.ActionEmail, func(m *channel.Message) { m.To.Email = " ana@example.com" }, "To.Email"},
		{"email plus tag", channel.ActionEmail, func(m *channel.Message) { m.To.Email = "ana+x@sub.example.co.uk" }, ""},

		// Phone recipient: "+" and 8 to 15 digits.
		{"missing phone", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "" }, "To.Phone"},
		{"phone without plus", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "61412345678" }, "To.Phone"},
		{"phone national form", channel.ActionCall, func(m *channel.Message) { m.To.Phone = "0412345678" }, "To.Phone"},
		{"phone with spaces", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "+61 412 345 678" }, "To.Phone"},
		{"phone 7 digits", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "+6141234" }, "To.Phone"},
		{"phone 8 digits", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "+61412345" }, ""},
		{"phone 15 digits", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "+123456789012345" }, ""},
		{"phone 16 digits", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "+1234567890123456" }, "To.Phone"},
		{"phone leading zero", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "+0412345678" }, "To.Phone"},
		{"phone with letters", channel.ActionCall, func(m *channel.Message) { m.To.Phone = "+1800FLOWERS" }, "To.Phone"},
		{"phone with full-width digits", channel.ActionSMS, func(m *channel.Message) { m.To.Phone = "+６１412345678" }, "To.Phone"},

		// LinkedIn recipient.
		{"missing linkedin", channel.ActionConnectionRequest, func(m *channel.Message) { m.To.LinkedIn = "" }, "To.LinkedIn"},
		{"linkedin provider ID", channel.ActionConnectionRequest, func(m *channel.Message) { m.To.LinkedIn = "ACoAABcdEfG" }, ""},
		{"linkedin URL without scheme", channel.ActionConnectionRequest, func(m *channel.Message) { m.To.LinkedIn = "linkedin.com/in/ana" }, ""},
		{"linkedin other site", channel.ActionConnectionRequest, func(m *channel.Message) { m.To.LinkedIn = "https://example.com/in/ana" }, "To.LinkedIn"},
		{"linkedin lookalike host", channel.ActionConnectionRequest, func(m *channel.Message) { m.To.LinkedIn = "https://linkedin.com.evil.io/in/ana" }, "To.LinkedIn"},
		{"linkedin no profile path", channel.ActionConnectionRequest, func(m *channel.Message) { m.To.LinkedIn = "https://www.linkedin.com/" }, "To.LinkedIn"},
		{"linkedin ftp", channel.ActionConnectionRequest, func(m *channel.Message) { m.To.LinkedIn = "ftp://linkedin.com/in/ana" }, "To.LinkedIn"},
		{"linkedin with space", channel.ActionLinkedInMessage, func(m *channel.Message) { m.To.LinkedIn = "ana example" }, "To.LinkedIn"},

		// Postal recipient.
		{"missing postal lines", channel.ActionLetter, func(m *channel.Message) { m.To.Postal.Lines = nil }, "To.Postal.Lines"},
		{"postcard without postal lines", channel.ActionPostcard, func(m *channel.Message) { m.To.Postal.Lines = nil }, "To.Postal.Lines"},
		{"blank postal lines", channel.ActionLetter, func(m *channel.Message) { m.To.Postal.Lines = []string{" ", ""} }, "To.Postal.Lines"},
		{"missing country", channel.ActionLetter, func(m *channel.Message) { m.To.Postal.Country = "" }, "To.Postal.Country"},
		{"country name not code", channel.ActionLetter, func(m *channel.Message) { m.To.Postal.Country = "Australia" }, "To.Postal.Country"},
		{"lower-case country code", channel.ActionLetter, func(m *channel.Message) { m.To.Postal.Country = "au" }, ""},
		{"letter without body", channel.ActionLetter, func(m *channel.Message) { m.Body = "" }, "Body"},
		{"letter with HTML only", channel.ActionLetter, func(m *channel.Message) { m.Body, m.HTML = "", "<p>Dear Ana</p>" }, ""},

		// Email content.
		{"missing subject", channel.ActionEmail, func(m *channel.Message) { m.Subject = "" }, "Subject"},
		{"subject with newline", channel.ActionEmail, func(m *channel.Message) { m.Subject = "Hi\r\nBcc: x@y.z" }, "Subject"},
		{"no body or html", channel.ActionEmail, func(m *channel.Message) { m.Body, m.HTML = "", "" }, "Body"},
		{"header injection in value", channel.ActionEmail, func(m *channel.Message) { m.Headers["X-Campaign"] = "a\nBcc: x@y.z" }, "Headers[X-Campaign]"},
		{"bad header name", channel.ActionEmail, func(m *channel.Message) { m.Headers["Bad Name"] = "x" }, "Headers"},
		{"commercial without List-Unsubscribe", channel.ActionEmail, func(m *channel.Message) { delete(m.Headers, "List-Unsubscribe") }, "Headers[List-Unsubscribe]"},
		{"List-Unsubscribe any case", channel.ActionEmail, func(m *channel.Message) {
			m.Headers = map[string]string{"list-unsubscribe": "<https://u.example.com/x>"}
		}, ""},
		{"List-Unsubscribe without brackets", channel.ActionEmail, func(m *channel.Message) {
			m.Headers["List-Unsubscribe"] = "https://u.example.com/x"
		}, "Headers[List-Unsubscribe]"},
		{"List-Unsubscribe empty brackets", channel.ActionEmail, func(m *channel.Message) { m.Headers["List-Unsubscribe"] = "<mailto:>" }, "Headers[List-Unsubscribe]"},
		{"List-Unsubscribe mailto only", channel.ActionEmail, func(m *channel.Message) { m.Headers["List-Unsubscribe"] = "<mailto:u@x.io?subject=unsubscribe>" }, ""},
		{"commercial body without unsubscribe line", channel.ActionEmail, func(m *channel.Message) { m.Body = "Hi Ana, quick question." }, "Body"},
		{"commercial html without unsubscribe line", channel.ActionEmail, func(m *channel.Message) { m.HTML = "<p>Hi Ana</p>" }, "HTML"},
		{"unsubscribe line any case", channel.ActionEmail, func(m *channel.Message) { m.Body, m.HTML = "Hi.\nUNSUBSCRIBE: reply stop", "" }, ""},
		{"unsubscribe substring", channel.ActionEmail, func(m *channel.Message) { m.Body, m.HTML = "Hi. Unsubscribed? https://x.io/unsubscribe", "" }, ""},
		{"html only with unsubscribe", channel.ActionEmail, func(m *channel.Message) { m.Body = "" }, ""},
		{"non-commercial email needs neither", channel.ActionEmail, func(m *channel.Message) {
			m.Commercial = false
			m.Headers = nil
			m.Body, m.HTML = "Your meeting is confirmed.", ""
		}, ""},

		// SMS content.
		{"sms without body", channel.ActionSMS, func(m *channel.Message) { m.Body = " " }, "Body"},
		{"commercial sms without opt-out", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi Ana, Sam here." }, "Body"},
		{"stop inside a word is not an opt-out", channel.ActionSMS, func(m *channel.Message) { m.Body = "Nonstop deals for Ana" }, "Body"},
		{"stop lower case", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi. reply stop to end" }, ""},
		{"opt-out hyphenated", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi. Opt-out anytime: text us" }, ""},
		{"opt out spaced", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi. To OPT OUT reply" }, ""},
		{"optout one word", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi. Text OPTOUT" }, ""},
		{"unsubscribe", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi. Unsubscribe: reply" }, ""},
		{"stop with punctuation", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi.(STOP=end)" }, ""},
		{"full-width STOP is not an opt-out", channel.ActionSMS, func(m *channel.Message) { m.Body = "Hi. Reply ＳＴＯＰ" }, "Body"},
		{"non-commercial sms needs no opt-out", channel.ActionSMS, func(m *channel.Message) { m.Commercial = false; m.Body = "Your code is 1234" }, ""},

		// LinkedIn content: note at most 300 characters (runes).
		{"empty connection note", channel.ActionConnectionRequest, func(m *channel.Message) { m.Body = "" }, ""},
		{"300-character note", channel.ActionConnectionRequest, func(m *channel.Message) { m.Body = long(300) }, ""},
		{"301-character note", channel.ActionConnectionRequest, func(m *channel.Message) { m.Body = long(301) }, "Body"},
		{"300 emoji note", channel.ActionConnectionRequest, func(m *channel.Message) { m.Body = strings.Repeat("😀", 300) }, ""},
		{"default action is connection request", channel.ActionConnectionRequest, func(m *channel.Message) {
			m.Action = ""
			m.Body = long(301)
		}, "Body"},
		{"linkedin message without body", channel.ActionLinkedInMessage, func(m *channel.Message) { m.Body = "" }, "Body"},
		{"linkedin message may be long", channel.ActionLinkedInMessage, func(m *channel.Message) { m.Body = long(1000) }, ""},

		// Voice needs no content.
		{"voice without script", channel.ActionCall, func(m *channel.Message) { m.Body = "" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := validMessage(tt.action)
			tt.change(m)
			_, err := channel.Validate(m)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var ve *channel.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field, "error: %v", err)
			require.ErrorIs(t, err, channel.ErrInvalid)
			require.NotEmpty(t, ve.Reason)
		})
	}
}

func TestValidateNil(t *testing.T) {
	t.Parallel()
	_, err := channel.Validate(nil)
	var ve *channel.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Message", ve.Field)
}

func TestValidateSMSSegmentWarning(t *testing.T) {
	t.Parallel()
	optOut := " Reply STOP to opt out" // 22 GSM-7 septets
	tests := []struct {
		name string
		body string
		want string // "" means no warning
	}{
		{"one GSM part", strings.Repeat("a", 160-len(optOut)) + optOut, ""},
		{"two GSM parts", strings.Repeat("a", 161-len(optOut)) + optOut, "Body: takes 2 GSM-7 parts (161 septets); each part is billed"},
		{"one UCS-2 part", strings.Repeat("中", 70-len(optOut)) + optOut, ""},
		{"two UCS-2 parts", "😀" + strings.Repeat("a", 69-len(optOut)) + optOut, "Body: takes 2 UCS-2 parts (71 units); each part is billed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := validMessage(channel.ActionSMS)
			m.Body = tt.body
			w, err := channel.Validate(m)
			require.NoError(t, err, "a long SMS is a warning, never an error")
			if tt.want == "" {
				require.Empty(t, w)
				return
			}
			require.Len(t, w, 1)
			require.Equal(t, "Body", w[0].Field)
			require.Equal(t, tt.want, w.String())
		})
	}
}

func TestRulesTuned(t *testing.T) {
	t.Parallel()
	r := channel.Rules{
		MaxConnectionNote:  200,
		WarnSMSParts:       2,
		UnsubscribePhrases: []string{"Abmelden"},
		OptOutPhrases:      []string{"NO"},
	}

	note := validMessage(channel.ActionConnectionRequest)
	note.Body = strings.Repeat("x", 201)
	_, err := r.Validate(note)
	require.ErrorContains(t, err, "201 characters, more than 200")

	sms := validMessage(channel.ActionSMS)
	sms.Body = strings.Repeat("a", 200) + " Reply NO to opt out"
	w, err := r.Validate(sms)
	require.NoError(t, err)
	require.Empty(t, w, "two parts do not pass WarnSMSParts 2")
	sms.Body = "Reply STOP" // STOP is no longer an accepted opt-out phrase
	_, err = r.Validate(sms)
	require.ErrorContains(t, err, "opt-out line")

	email := validMessage(channel.ActionEmail)
	_, err = r.Validate(email)
	require.Error(t, err, "unsubscribe is not the configured phrase")
	email.Body, email.HTML = "Hallo. ABMELDEN: https://x.de/a", ""
	_, err = r.Validate(email)
	require.NoError(t, err)

	d := channel.Rules{MaxConnectionNote: -1}.WithDefaults()
	require.Equal(t, 300, d.MaxConnectionNote)
	require.Equal(t, 1, d.WarnSMSParts)
	require.Equal(t, []string{"unsubscribe"}, d.UnsubscribePhrases)
	require.Equal(t, []string{"STOP", "STOPALL", "UNSUBSCRIBE", "OPTOUT", "OPT OUT"}, d.OptOutPhrases)
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	m := validMessage(channel.ActionEmail)
	m.To.Email = "ana@"
	_, err := channel.Validate(m)
	require.EqualError(t, err, `channel: Message.To.Email = "ana@": not a bare email address`)
	require.True(t, errors.Is(err, invalid.ErrInvalid))
	var fe *invalid.FieldError
	require.True(t, errors.As(err, &fe))
	require.Equal(t, "channel", fe.Package)
	require.Equal(t, "Message", fe.Record)
	require.Equal(t, "To.Email", fe.Field)
	require.Equal(t, "ana@", fe.Value)
}
