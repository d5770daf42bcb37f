package replies_test

import (
	"context"
	"testing"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
)

// Any text classifies, into one of the classes, the same way twice, and a
// date it reads is after the reply (a follow-up) or near it (a return).
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "STOP", "Not now, circle back in Q3.", "> quoted\nOn x wrote:", "Back on 31/02/2026",
		"Wrong person: a@b.c", "in 99 months", "Q4 2099", "next year next month next week", "@@@ a@b.c (", "late december 1999"} {
		f.Add(s, "")
	}
	f.Add("I am out of the office until 16 March.", "Automatic reply")
	rules := replies.NewRules()
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body, subject string) {
		in := replies.Reply{Kind: channel.Email, Subject: subject, Body: body, At: at}
		a, err := rules.Classify(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := rules.Classify(context.Background(), in)
		if a != b {
			t.Fatalf("two readings: %+v, %+v", a, b)
		}
		if !a.Class.Valid() {
			t.Fatalf("class %q", a.Class)
		}
		if !a.Until.IsZero() && (a.Until.Before(at.AddDate(-2, 0, 0)) || a.Until.After(at.AddDate(12, 0, 0))) {
			t.Fatalf("date %s read from %q", a.Until, body)
		}
	})
}
