package replies

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	"github.com/outbound-go/outbound/invalid"
)

// Responder writes the answer to a reply the classifier read: the seam a
// host puts a language model behind. The engine calls it once per reply it
// answers, and sends what it writes as a threaded reply from the resource
// the lead wrote to, or keeps it as a draft for the client to approve.
type Responder interface {
	// Respond returns the answer, or an Answer with an empty Body when the
	// reply is not to be answered. An error leaves the reply to be read
	// again (the provider's redelivery, the engine's sweeper).
	Respond(ctx context.Context, p Prompt) (Answer, error)
}

// ResponderFunc adapts a function to Responder.
type ResponderFunc func(ctx context.Context, p Prompt) (Answer, error)

// Respond calls f.
func (f ResponderFunc) Respond(ctx context.Context, p Prompt) (Answer, error) { return f(ctx, p) }

// Prompt is what a Responder may use.
type Prompt struct {
	// Reply is what the lead wrote.
	Reply Reply
	// Reading is what the classifier read in it.
	Reading Classification
	// Lead is who wrote it.
	Lead Person
	// Sender signs the answer: the client's name, as the engine knows it.
	Sender string
	// BookingURL is the client's scheduling link with the lead named in
	// it; "" when the client has none.
	BookingURL string
}

// Person is a lead as an answer addresses them.
type Person struct {
	FirstName string
	LastName  string
	Company   string
	Title     string
}

// Answer is what to send back.
type Answer struct {
	// Subject is an email answer's subject; "" answers under "Re: " and
	// the reply's subject.
	Subject string
	// Body is the answer's text; "" sends nothing.
	Body string
}

// Answerable reports whether a reply of class c may be answered at all:
// never an unsubscribe (nobody is written to after asking not to be), an
// absence notice, a bounce notice, or what the rules could not read.
func Answerable(c Class) bool {
	switch c {
	case Unsubscribe, OutOfOffice, BounceNotice, Unclassified, "":
		return false
	}
	return true
}

// DefaultTemplates are the answers Templates writes by default, per class.
// A class with no template is not answered: a plain "no" is left alone.
// Each is a text/template over a Prompt.
func DefaultTemplates() map[Class]string {
	const sign = "\n\n{{.Sender}}"
	first := `{{with .Lead.FirstName}}Hi {{.}},{{else}}Hi,{{end}}` + "\n\n"
	book := `{{if .BookingURL}}You can pick a time that suits you here: {{.BookingURL}}` +
		`{{else}}What times suit you this week or next?{{end}}`
	return map[Class]string{
		Interested:     first + "Thanks for getting back to me, glad it caught your eye. " + book + sign,
		MeetingRequest: first + "Happy to find a time. " + book + sign,
		Question:       first + "Good question. Let me come back to you with a proper answer shortly." + sign,
		NotNow: first + "Understood, thanks for letting me know. " +
			`{{if not .Reading.Until.IsZero}}I'll check back around {{.Reading.Until.Format "2 January"}}.{{else}}I'll check back later in the year.{{end}}` + sign,
		Referral: first + "Thanks for pointing me in the right direction" +
			`{{with .Reading.Referral.Name}}; I'll reach out to {{.}}{{end}}.` + sign,
		WrongPerson: first + "Thanks for letting me know, and sorry for the bother. I won't write again about this." + sign,
	}
}

// Templates is the default Responder: it fills a text/template per class.
// Build it with NewTemplates.
type Templates struct {
	byClass map[Class]*template.Template
}

// NewTemplates parses a template per class (DefaultTemplates when src is
// nil). A template of a class that may not be answered (see Answerable),
// of an unknown class, or that does not parse, is a *invalid.FieldError
// naming the class.
func NewTemplates(src map[Class]string) (*Templates, error) {
	if src == nil {
		src = DefaultTemplates()
	}
	t := &Templates{byClass: make(map[Class]*template.Template, len(src))}
	for c, text := range src {
		if !c.Valid() || !Answerable(c) {
			return nil, invalid.Field("replies", "Templates", string(c), text, "not a class that may be answered")
		}
		tpl, err := template.New(string(c)).Option("missingkey=error").Parse(text)
		if err != nil {
			return nil, invalid.Field("replies", "Templates", string(c), text, err.Error())
		}
		t.byClass[c] = tpl
	}
	return t, nil
}

// Respond implements Responder: the class's template filled from p, or no
// answer when the class has none or may not be answered.
func (t *Templates) Respond(_ context.Context, p Prompt) (Answer, error) {
	tpl, ok := t.byClass[p.Reading.Class]
	if !ok || !Answerable(p.Reading.Class) {
		return Answer{}, nil
	}
	var b strings.Builder
	if err := tpl.Execute(&b, p); err != nil {
		return Answer{}, fmt.Errorf("replies: template %s: %w", p.Reading.Class, err)
	}
	return Answer{Body: strings.TrimSpace(b.String())}, nil
}
