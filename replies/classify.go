package replies

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// Class is what a reply means for its sequence.
type Class string

// The classes, from the one whose action weighs most.
const (
	// BounceNotice: a delivery failure written as a message (a mail server's
	// notice that reached the inbox as a reply).
	BounceNotice Class = "bounce_notice"
	// OutOfOffice: an automatic absence notice; Until is the return date
	// when it names one.
	OutOfOffice Class = "out_of_office"
	// Unsubscribe: the writer asks not to be contacted again.
	Unsubscribe Class = "unsubscribe"
	// Referral: not the right person, and names who is; Referral holds
	// them.
	Referral Class = "referral"
	// WrongPerson: not the right person (or gone), naming no one.
	WrongPerson Class = "wrong_person"
	// NotNow: interested perhaps, later; Until is when to follow up when
	// it names a time.
	NotNow Class = "not_now"
	// NotInterested: a plain no.
	NotInterested Class = "not_interested"
	// MeetingRequest: the writer asks for a call or a meeting, or names a
	// time.
	MeetingRequest Class = "meeting_request"
	// Question: the writer asks something before going further.
	Question Class = "question"
	// Interested: a yes, asking for more.
	Interested Class = "interested"
	// Unclassified: nothing the rules recognise ("thanks", "ok").
	Unclassified Class = "unclassified"
)

// Classes lists every class, in the order the rules try them.
func Classes() []Class {
	return []Class{BounceNotice, OutOfOffice, Unsubscribe, Referral, WrongPerson, NotNow, NotInterested,
		MeetingRequest, Question, Interested, Unclassified}
}

// Valid reports whether c is one of the classes.
func (c Class) Valid() bool {
	for _, k := range Classes() {
		if c == k {
			return true
		}
	}
	return false
}

// Reply is an inbound reply to classify.
type Reply struct {
	// Kind is the channel it came on: email, sms, linkedin, or voice (a
	// call's transcript).
	Kind channel.Kind
	// Subject is an email's subject; empty for other channels.
	Subject string
	// Body is the text as received, quoted history and all: the
	// classifier reads only what was written this time.
	Body string
	// At is when it was written, in the writer's zone when known: the
	// dates it names are read against it.
	At time.Time
}

// Contact is someone a reply refers the sender to.
type Contact struct {
	Name  string // as written, may be empty
	Email string // lower case
}

// Classification is what a Classifier made of a reply.
type Classification struct {
	Class Class
	// Until is the follow-up date of NotNow and the return date of
	// OutOfOffice, at midnight in the zone of Reply.At; zero when the reply
	// names none.
	Until time.Time
	// Referral is who a Referral names.
	Referral Contact
	// Evidence is the phrase that decided the class, for a person checking
	// it; empty for Unclassified.
	Evidence string
}

// Classifier classifies replies. A host puts an AI model behind it; the
// default is [Rules].
type Classifier interface {
	Classify(ctx context.Context, r Reply) (Classification, error)
}

// Rules is the default Classifier: English phrase rules, tried in the
// order of [Classes] (a bounce notice before an absence, an unsubscribe
// before a "no", a "not now" before a "no", a meeting request before a
// question before a plain yes), on the fresh part of the reply (quoted
// history and signatures cut). It reads follow-up and return dates with a
// [DateReader] and a referred contact's address and name. It is safe for
// concurrent use; build one with [NewRules] and keep it.
//
// Its accuracy on the corpus in testdata is reported in the project's
// BENCHMARKS.md; replies in other languages than English are mostly
// Unclassified, except absence notices in German and French.
type Rules struct {
	fresh  freshText
	cues   cues
	dates  *DateReader
	rules  []rule
	email  *regexp.Regexp
	before *regexp.Regexp // a name right before an address
	after  *regexp.Regexp // a name after a referring word
}

// rule is one class's phrases. Subject rules read the subject too.
type rule struct {
	class   Class
	phrases *regexp.Regexp
	subject bool
	// kinds, when set, limits the rule to replies of those channels.
	kinds channel.Set
}

// NewRules compiles the default rules.
func NewRules() *Rules {
	re := func(alts ...string) *regexp.Regexp {
		return regexp.MustCompile(`(?i)(?:` + strings.Join(alts, `|`) + `)`)
	}
	return &Rules{
		fresh: newFreshText(),
		cues:  newCues(),
		dates: NewDateReader(),
		rules: []rule{
			{class: BounceNotice, subject: true, phrases: re(
				`\bundeliverable\b`, `\bdelivery status notification\b`, `\bmail delivery (?:failed|failure|subsystem)\b`,
				`\bdelivery has failed\b`, `\bcould not be delivered\b`, `\bcouldn'?t be delivered\b`, `\bwasn'?t delivered\b`,
				`\baddress (?:couldn'?t be|could not be|was not) found\b`, `\baddress not found\b`, `\buser unknown\b`,
				`\bunknown user\b`, `\bmessage not delivered\b`, `\bwasn'?t found at\b`, `\breturned mail\b`, `\bpermanent fatal errors?\b`, `\b5\.1\.1\b`)},
			{class: OutOfOffice, subject: true, phrases: re(
				`\bout of (?:the )?office\b`, `\booo\b`, `\bautomatic reply\b`, `\bauto[- ]?reply\b`, `\bauto[- ]?response\b`,
				`\bon (?:annual |parental |maternity |paternity |sick |long service )?leave\b`, `\bon (?:vacation|holiday|holidays)\b`,
				`\blimited access to (?:my )?e-?mail\b`, `\bno access to (?:my )?e-?mail\b`, `\bcurrently (?:travelling|traveling|away)\b`, `\baway from the office\b`, `\battending a (?:conference|trade show|course)\b`, `\bchecking (?:my )?e-?mail (?:intermittently|periodically|sporadically)\b`,
				`\baway (?:from|on)\b[^.\n]{0,40}\b(?:until|till|returning)\b`, `\baway until\b`,
				`\babwesenheitsnotiz\b`, `\bnicht im büro\b`, `\bréponse automatique\b`, `\babsent du bureau\b`)},
			{class: Unsubscribe, phrases: re(
				`\bunsubscribe\b`, `\bopt(?:ing)?[- ]?out\b`, `\bremove me\b`, `\bremove (?:my (?:e-?mail|address|details|number)|us)\b`,
				`\btake (?:me|us|my (?:name|number|e-?mail)) off\b`, `\bstop (?:e-?mailing|emailing|messaging|texting|calling|contacting|sending)\b`,
				`\b(?:do not|don'?t|never) (?:contact|e-?mail|email|message|text|call|ring|phone) (?:me|us|this number)\b`,
				`\b(?:do not|don'?t) call (?:me|us|this number)\b`, `\bthis is spam\b`, `\bdelete my (?:details|data|information|info|number|address)\b`, `\bnever signed up\b`, `\bdo not call (?:list|register)\b`, `\bno more (?:e-?mails|emails|messages|calls|texts)\b`, `\bleave me alone\b`, `\bmailing list\b.*\b(?:remove|off)\b`,
				`^\s*(?:stop|stopall|cancel|end|quit)\s*[.!]?\s*$`)},
			{class: WrongPerson, phrases: re(
				`\b(?:not|n'?t) the (?:right|best|correct) (?:person|contact)\b`, `\bwrong (?:person|contact|guy|department)\b`,
				`\bno longer (?:works?|with)\b`, `\b(?:has |have )?left (?:the company|the business|\w+ (?:last|in)\b)`,
				`\bnot my (?:department|area)\b`, `\b(?:i|he|she) (?:don'?t|doesn'?t|do not|does not) (?:handle|look after|deal with)\b`,
				`\bretired\b`, `\bhas moved on\b`, `\b(?:looks after|handles|owns|runs|in charge of) (?:this|that|our|vendor|it)\b`,
				`\blooping in\b`, `\bconfused (?:me )?with someone\b`, `\b(?:don'?t|do not) make (?:these|the|those|that|this) decisions?\b`, `\bnot the decision[- ]maker\b`, `\bmoved to (?:a )?(?:different|another|new) (?:role|team|department|company)\b`, `\b(?:enquiries|inquiries|requests) (?:go|goes|should go) to\b`, `\bis (?:who|the person) you (?:want|need)\b`, `\bnot me\b`, `\b(?:cc'?d|copied) (?:her|him|them|in)\b`, `\byou'?d want to speak\b`)},
			{class: NotNow, phrases: re(
				`\bnot (?:right )?now\b`, `\bnot (?:a good|the right) time\b`, `\btiming isn'?t\b`, `\bmaybe later\b`, `\blater in the year\b`,
				`\b(?:circle|check|come) back\b`, `\btouch base\b`, `\breach out (?:again|in|after|early|late|mid|next)\b`,
				`\bfollow up (?:in|next|after|on)\b`, `\btry (?:me |us )?again\b`, `\bping me\b`, `\brevisit\b`,
				`\b(?:budget|budgets) (?:is|are) (?:frozen|set|locked)\b`, `\bnot until\b`, `\bdown the track\b`,
				`\bnot a priority\b`, `\bdrop me a line (?:then|in|after|later|next)\b`, `\blocked in (?:until|till|for)\b`, `\btoo early\b`, `\bget back to me (?:once|when|in|after|later|next)\b`, `\bpick (?:this|it) up (?:again|later|in|after|next)\b`, `\bmake it (?:january|february|march|april|may|june|july|august|september|october|november|december)\b`, `\b(?:busy|swamped|flat out) (?:at the moment|this week|right now|now)\b`, `\bmaybe in\b`, `\bafter our\b`, `\bonce we'?(?:ve|re| have| are)?\b`)},
			{class: NotInterested, phrases: re(
				`\bnot interested\b`, `\bno,? thanks?\b`, `\bno,? thank you\b`, `\bthanks,? but no\b`, `\b(?:we'?re|we are|i'?m|i am) (?:all set|good)\b`,
				`\balready (?:have|use|work with|signed)\b`, `\bnot (?:a|the right) fit\b`, `\bisn'?t a fit\b`, `\bnot for us\b`,
				`\bwe'?ll pass\b`, `\bpass on this\b`, `\bnot something we need\b`, `\bno need\b`, `\bnot (?:looking|in the market)\b`,
				`\bin-house\b`, `\b(?:go|gone|going) with (?:another|a different|someone)\b`, `\bnot relevant\b`, `\b(?:isn'?t|don'?t think (?:this|it) is) relevant\b`, `\bnah\b`, `\bit'?s a no\b`, `\bdecline\b`, `\bwe (?:don'?t|do not) (?:outsource|need|use|buy|do)\b`, `\bno budget\b`, `\bno plans? to\b`, `\bwe'?re fine\b`, `\bsigned a\b.*\bdeal with\b`)},
			{class: MeetingRequest, phrases: re(
				`\b(?:a |quick |short |\d+[- ]?min(?:ute)?s? )?(?:call|meeting|demo|chat)\b[^.?!\n]{0,40}\b(?:on|at|next|this|tomorrow|today|monday|tuesday|wednesday|thursday|friday)\b`,
				`\b(?:set up|book|schedule|arrange|find|grab) (?:a |some |\d+ )?(?:call|meeting|time|slot|minutes|something)\b`,
				`\bcalendar invite\b`, `\b(?:send|shoot) (?:me |over )?an? invite\b`, `\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b`, `\b\d+ ?mins?\b`, `\b(?:give me a (?:ring|call|bell|buzz)|ring me|buzz me)\b`, `\b(?:zoom|teams call|google meet)\b`, `\bwhen works\b`, `\bdiary\b`, `\bif that suits\b`, `\bbook a time\b`, `\bfree (?:monday|tuesday|wednesday|thursday|friday|tomorrow|today|this)\b`, `\bcalendar\b`, `\bbooking link\b`, `\bcal(?:endly)?\.[a-z]+/`,
				`\b(?:are|r) you (?:free|available|around)\b`, `\bavailability\b`, `\bcall me\b`, `\bjump on a\b`, `\bhop on a\b`,
				`\bcan we (?:talk|chat|meet|speak)\b`, `\blet'?s (?:talk|chat|meet|speak|set up|find)\b`, `\bdoes \w+ (?:\d|at|morning|afternoon)[^?]{0,20}work\b`,
				`\bcould you do (?:monday|tuesday|wednesday|thursday|friday)\b`, `\bwhat time\b`, `\bhave a chat\b`)},
			// Asking for more, or for the next step, is a yes even as a
			// question; any other question comes before a plain yes.
			{class: Interested, phrases: re(
				`\btell me more\b`, `\b(?:learn|hear|know) more\b`, `\bmore (?:info|information|details)\b`,
				`\bsend (?:me |it |over |through )?(?:the |some )?(?:details|info|information|pricing|a one-pager|it through|it over|over)\b`,
				`\bsend it\b`, `\b(?:yes|yep|yeah|sure|ok|okay)\b[^.\n]{0,30}\b(?:send|share|details|info)\b`,
				`\bwhat'?s next\b`, `\bwhat (?:have|do) you (?:got|have)\b`, `\bgo on\b`, `\be-?mail (?:me )?(?:a|the|some) (?:summary|overview|deck|brochure|info|details)\b`, `\bnext steps?\b`, `\bproposal\b`, `\bshare (?:some|it|the)\b`)},
			{class: Question, phrases: re(
				`\?`)},
			{class: Interested, phrases: re(
				`\binterest(?:ed|ing)\b`, `^\s*(?:yes|yep|yeah|sure)\s*[.!]*\s*$`,
				`\bcould be a fit\b`, `\btimely\b`, `\blooks great\b`, `\bgot my attention\b`,
				`\bkeen\b`, `\bi'?m listening\b`, `\bopen to (?:hearing|that|it|this|a chat|learning)\b`, `\brelevant to\b`, `\bstruggling with\b`, `\bhappy to hear more\b`, `\bwould love to\b`, `\btake a look\b`)},
		},
		email:  regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`),
		before: regexp.MustCompile(`([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)[ \t]*(?:\(|-|–|:|,|at|on)?[ \t]*$`),
		after:  regexp.MustCompile(`(?:contact|reach out to|speak (?:to|with)|talk (?:to|with)|email|try|in my colleague|colleague|cc'?d)[ \t]+(?:our |my |your )?([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)`),
	}
}

var _ Classifier = (*Rules)(nil)

// Classify implements [Classifier]. It never fails but for a cancelled
// ctx.
func (r *Rules) Classify(ctx context.Context, in Reply) (Classification, error) {
	if err := ctx.Err(); err != nil {
		return Classification{}, fmt.Errorf("replies: classify: %w", err)
	}
	text := r.fresh.of(in.Body)
	if len(text) > maxText {
		text = text[:maxText]
	}
	c := Classification{Class: Unclassified}
	for _, ru := range r.rules {
		if ru.kinds != 0 && !ru.kinds.Has(in.Kind) {
			continue
		}
		ev := ru.phrases.FindString(text)
		if ev == "" && ru.subject {
			ev = ru.phrases.FindString(in.Subject)
		}
		if ev != "" {
			c = Classification{Class: ru.class, Evidence: strings.TrimSpace(ev)}
			break
		}
	}
	if c.Class == Unclassified {
		if cl, ok := r.cues.classify(in.Subject + "\n" + text); ok {
			c = Classification{Class: cl, Evidence: "cue words"}
		}
	}
	switch c.Class {
	case OutOfOffice:
		c.Until = r.dates.ReturnDate(in.Subject+"\n"+text, in.At)
	case NotNow:
		c.Until = r.dates.FollowUpDate(text, in.At)
	case WrongPerson, Referral:
		c.Class = WrongPerson
		if who, ok := r.referred(text); ok {
			c.Class, c.Referral = Referral, who
		}
	case NotInterested:
		// A "no" that names when to come back is a "not now" ("no thanks
		// for now, maybe next quarter").
		if t := r.dates.FollowUpDate(text, in.At); !t.IsZero() {
			c.Class, c.Until = NotNow, t
		}
	}
	return c, nil
}

// referred finds the contact a "wrong person" reply names: an address, and
// the name written just before it or after a referring word.
func (r *Rules) referred(text string) (Contact, bool) {
	loc := r.email.FindStringIndex(text)
	if loc == nil {
		return Contact{}, false
	}
	c := Contact{Email: strings.ToLower(strings.Trim(text[loc[0]:loc[1]], "."))}
	if m := r.before.FindStringSubmatch(text[max(0, loc[0]-60):loc[0]]); m != nil && !stopName(m[1]) {
		c.Name = m[1]
	} else if m := r.after.FindStringSubmatch(text); m != nil && !stopName(m[1]) {
		c.Name = m[1]
	}
	return c, true
}

// stopName reports words the name patterns take for a name and are not.
func stopName(s string) bool {
	first, _, _ := strings.Cut(s, " ")
	switch strings.ToLower(first) {
	case "please", "contact", "email", "try", "our", "the", "he", "she", "they", "instead", "here", "wrong", "person":
		return true
	}
	return false
}
