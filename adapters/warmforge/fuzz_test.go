package warmforge_test

import (
	"encoding/json"
	"testing"

	"github.com/outbound-go/outbound/adapters/infraforge"
	"github.com/outbound-go/outbound/adapters/warmforge"
)

// FuzzAnswers: whatever Warmforge answers the mailbox list, the warmup
// stats or the placement results with, reading it never panics.
func FuzzAnswers(f *testing.F) {
	for _, s := range []string{
		`{"mailboxes":[{"id":"m1","address":"a@b.com","status":"access_lost","warm":false,"warmupEnabled":true,"healthReport":{"heatScore":97,"blacklists":{"detectedCount":0}}}],"page":1,"pageSize":100,"totalPages":1}`,
		`{"stats":[{"date":"2026-08-09","sentCount":20,"replyCount":3,"spamCount":2,"providerStats":{}}]}`,
		`{"results":[{"mailboxId":"m1","address":"a@b.com","placementTest":{"id":"p","result":82,"emailSent":40,"pendingCount":0}}]}`,
		`{"results":[{"mailboxId":7,"placementTest":null}]}`, `{"mailboxes":null}`, `{"healthReport":[]}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var ms infraforge.List[warmforge.Mailbox]
		_ = json.Unmarshal(body, &ms)
		var m warmforge.Mailbox
		_ = json.Unmarshal(body, &m)
		var ds infraforge.List[warmforge.DayStats]
		_ = json.Unmarshal(body, &ds)
		var ps infraforge.List[warmforge.Placement]
		_ = json.Unmarshal(body, &ps)
	})
}

// FuzzEvaluate: whatever Warmforge reports, the health is a pause or a
// throttle within 0–100, and anything but healthy comes with a reason.
func FuzzEvaluate(f *testing.F) {
	f.Add("active", 80, 100, 10)
	f.Add("access_lost", -1, 0, 0)
	f.Add("suspended", 100, 5, 9)
	f.Add("", 1000, -4, 1<<40)
	f.Fuzz(func(t *testing.T, status string, placement, sent, spam int) {
		h, reason := warmforge.HealthRule{}.Evaluate(warmforge.Signals{Status: status, Placement: placement, Sent: sent, Spam: spam})
		if h.Throttle < 0 || h.Throttle > 100 {
			t.Fatalf("throttle %d", h.Throttle)
		}
		if (h.Paused || h.Throttle > 0) != (reason != "") {
			t.Fatalf("health %+v with reason %q", h, reason)
		}
	})
}
