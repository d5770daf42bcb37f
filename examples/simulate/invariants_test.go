package main

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// requireInvariants checks, from a run's output files alone, what the
// engine promises: every touch listed once; every send on a business day
// inside its channel's window in the lead's zone; no resource over its
// daily caps (counted on its client's calendar days) or, for a seat, its
// rolling 7-day cap; mailboxes' sends at least 3 minutes apart; no number
// on the Do Not Call Register called or texted; nothing of the sequence
// sent to a lead after it replied (only an answer to the reply, and only
// after one), nor anything on a channel after it opted out of it or
// bounced on it.
func requireInvariants(t *testing.T, dir string) {
	t.Helper()
	checkInvariants(t, t, dir)
}

// checkInvariants is requireInvariants reporting to a; t reads the files.
func checkInvariants(a require.TestingT, t *testing.T, dir string) {
	t.Helper()
	leads := map[string]map[string]any{}
	for _, l := range readJSONL(t, filepath.Join(dir, "leads.jsonl")) {
		leads[l["lead_id"].(string)] = l
	}
	zones := map[string]*time.Location{} // resource → the zone its caps count days in
	for _, r := range readJSONL(t, filepath.Join(dir, "resources.jsonl")) {
		loc, err := time.LoadLocation(r["day_zone"].(string))
		require.NoError(a, err)
		zones[r["resource_id"].(string)] = loc
	}
	windows := map[string][2]int{"email": {9, 11}, "voice": {9, 17}, "sms": {9, 17}, "linkedin": {8, 18}, "mail": {0, 24}}
	caps := map[string]int{"email": 30, "call": 60, "sms": 100, "connection_request": 20, "linkedin_message": 100}
	type day struct{ resource, action, date string }
	perDay := map[day]int{}
	requestDays := map[string][]time.Time{} // seat → days of its connection requests
	mailbox := map[string][]time.Time{}
	type send struct {
		channel string
		at      time.Time
		answer  bool // an answer to the lead's reply, not a step of the sequence
	}
	sends := map[string][]send{} // lead → its sends
	seen := map[string]bool{}
	for _, tc := range readJSONL(t, filepath.Join(dir, "touches.jsonl")) {
		id := tc["touch_id"].(string)
		require.False(a, seen[id], "touch %s listed twice", id)
		seen[id] = true
		if tc["sent_at"] == nil {
			continue
		}
		at := instant(t, tc["sent_at"])
		ch, action, res := tc["channel"].(string), tc["action"].(string), tc["resource_id"].(string)
		lead := leads[tc["lead_id"].(string)]
		require.NotNil(a, lead, "touch %s of an unknown lead", id)
		loc, err := time.LoadLocation(lead["timezone"].(string))
		require.NoError(a, err)
		local := at.In(loc)
		require.True(a, local.Weekday() != time.Saturday && local.Weekday() != time.Sunday, "touch %s sent on a %s", id, local.Weekday())
		w := windows[ch]
		require.True(a, local.Hour() >= w[0] && local.Hour() < w[1], "touch %s (%s) sent at %s local, outside %d:00-%d:00", id, ch, local.Format("15:04"), w[0], w[1])
		if ch == "voice" || ch == "sms" {
			require.NotEqual(a, "registered", lead["dncr"], "touch %s to a number on the register", id)
		}
		if z := zones[res]; z != nil {
			action := action
			if action == "postcard" {
				action = "letter"
			}
			perDay[day{res, action, at.In(z).Format(time.DateOnly)}]++
			if action == "connection_request" {
				d, _ := time.ParseInLocation(time.DateOnly, at.In(z).Format(time.DateOnly), time.UTC)
				requestDays[res] = append(requestDays[res], d)
			}
		}
		if ch == "email" {
			mailbox[res] = append(mailbox[res], at)
		}
		step, _ := tc["step"].(float64)
		sends[tc["lead_id"].(string)] = append(sends[tc["lead_id"].(string)], send{ch, at, step == 0})
	}
	for k, n := range perDay {
		if c, ok := caps[k.action]; ok {
			require.LessOrEqual(a, n, c, "%s of resource %s on %s", k.action, k.resource, k.date)
		}
	}
	for seat, days := range requestDays {
		for _, d := range days {
			n := 0
			for _, e := range days {
				if !e.Before(d) && e.Before(d.AddDate(0, 0, 7)) {
					n++
				}
			}
			require.LessOrEqual(a, n, 80, "connection requests of seat %s in the 7 days from %s", seat, d.Format(time.DateOnly))
		}
	}
	for box, ats := range mailbox {
		slices.SortFunc(ats, time.Time.Compare)
		for i := 1; i < len(ats); i++ {
			require.GreaterOrEqual(a, ats[i].Sub(ats[i-1]), 3*time.Minute, "mailbox %s sent at %s and %s", box, ats[i-1], ats[i])
		}
	}
	firstReply := map[string]time.Time{} // lead → its first reply
	for _, e := range readJSONL(t, filepath.Join(dir, "events.jsonl")) {
		lead, _ := e["lead_id"].(string)
		at := instant(t, e["at"])
		if e["type"] == "replied" && (firstReply[lead].IsZero() || at.Before(firstReply[lead])) {
			firstReply[lead] = at
		}
		for _, s := range sends[lead] {
			if !s.at.After(at) {
				continue
			}
			switch e["type"] {
			case "replied":
				if !s.answer {
					require.Fail(a, "a touch after a reply", "lead %s: %s at %v, replied at %v", lead, s.channel, s.at, at)
				}
			case "opted_out", "complained":
				require.NotEqual(a, e["channel"], s.channel, "lead %s: %s at %v after opting out at %v", lead, s.channel, s.at, at)
			case "bounced":
				if e["channel"] == "email" {
					require.NotEqual(a, "email", s.channel, "lead %s: email at %v after a bounce at %v", lead, s.at, at)
				}
			}
		}
	}
	for lead, ss := range sends {
		for _, s := range ss {
			if s.answer {
				first := firstReply[lead]
				require.True(a, !first.IsZero() && first.Before(s.at), "lead %s: an answer at %v to no reply before it", lead, s.at)
			}
		}
	}
}

// The run through the real adapters keeps every invariant, read from its
// output files: email, LinkedIn and letters through the adapters, outcomes
// back as webhooks.
func TestHTTPRunKeepsTheInvariants(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, stderr := runCmd(t, "-clients", "3", "-leads", "600", "-days", "21", "-seed", "3", "-letter-day", "6",
		"-providers", "http", "-out", dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, routeLob+" ")
	requireInvariants(t, dir)
}

// failures records what a check reports, for a test of the checker.
type failures struct{ n int }

func (f *failures) Errorf(string, ...any) { f.n++ }
func (f *failures) FailNow()              { f.n++; runtime.Goexit() }

// The checker catches what it checks: a run's files with one send moved
// to a Saturday, one moved out of its window, or one touch listed twice,
// fail it.
func TestInvariantCheckerCatches(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, stderr := runCmd(t, "-clients", "2", "-leads", "200", "-days", "7", "-seed", "4", "-out", dir)
	require.Equal(t, 0, code, stderr)
	requireInvariants(t, dir)
	touches, err := os.ReadFile(filepath.Join(dir, "touches.jsonl"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(touches)), "\n")
	sent := slices.IndexFunc(lines, func(l string) bool {
		return strings.Contains(l, `"channel":"email"`) && !strings.Contains(l, `"sent_at":null`)
	})
	require.GreaterOrEqual(t, sent, 0)
	at := regexp.MustCompile(`"sent_at":"([^"]+)"`)
	for name, tamper := range map[string]func([]string) []string{
		"a Saturday": func(ls []string) []string {
			ls[sent] = at.ReplaceAllString(ls[sent], `"sent_at":"2026-03-07T00:00:00Z"`)
			return ls
		},
		"out of its window": func(ls []string) []string {
			ls[sent] = at.ReplaceAllString(ls[sent], `"sent_at":"2026-03-04T20:00:00Z"`) // 07:00 in Sydney, 04:00 in Perth
			return ls
		},
		"listed twice": func(ls []string) []string { return append(ls, ls[sent]) },
	} {
		bad := t.TempDir()
		for _, f := range []string{"leads.jsonl", "resources.jsonl", "events.jsonl"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(bad, f), b, 0o600))
		}
		ls := tamper(slices.Clone(lines))
		require.NoError(t, os.WriteFile(filepath.Join(bad, "touches.jsonl"), []byte(strings.Join(ls, "\n")+"\n"), 0o600))
		var f failures
		var wg sync.WaitGroup
		wg.Go(func() { checkInvariants(&f, t, bad) })
		wg.Wait()
		require.Positive(t, f.n, "the checker missed a send %s", name)
	}
}
