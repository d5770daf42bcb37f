package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/examples/simulate/internal/report"
	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/sequence"
)

// small is a run small enough for a test: 2 clients, 200 leads, 10 days.
func small(seed uint64, workers int) options {
	return options{Clients: 2, Leads: 200, Days: 10, Seed: seed, Workers: workers, Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
}

func runSummary(t *testing.T, o options) *report.Summary {
	t.Helper()
	ctx := context.Background()
	var progress bytes.Buffer
	sim, err := simulate(ctx, o, &progress)
	require.NoError(t, err, progress.String())
	t.Cleanup(sim.close)
	sum, err := sim.summary(ctx)
	require.NoError(t, err)
	return sum
}

func TestSameTotalsWithAnyWorkers(t *testing.T) {
	t.Parallel()
	one := runSummary(t, small(5, 1))
	four := runSummary(t, small(5, 4))
	require.Equal(t, one, four, "the same seed gives the same summary with 1 and 4 workers")

	sent := 0
	for _, d := range one.Daily {
		sent += d.TotalSent()
	}
	require.Positive(t, sent, "the run sends something")
	require.Positive(t, one.Leads.Enrolled)
	require.NotEqual(t, one, runSummary(t, small(6, 4)), "another seed gives another run")
}

// run runs the command in-process and returns its exit status, stdout and
// stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// readJSONL decodes every line of a JSON lines file into a map.
func readJSONL(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "%s: %s", path, sc.Text())
		out = append(out, m)
	}
	require.NoError(t, sc.Err())
	return out
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func sorted(s ...string) []string { slices.Sort(s); return s }

func oneOf(t *testing.T, v any, allowed ...string) {
	t.Helper()
	s, ok := v.(string)
	require.True(t, ok, "%v is a string", v)
	require.Contains(t, allowed, s)
}

func instant(t *testing.T, v any) time.Time {
	t.Helper()
	s, ok := v.(string)
	require.True(t, ok, "%v is an RFC 3339 string", v)
	at, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(s, "Z"), "%s is in UTC", s)
	return at
}

func TestOutputFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, "-clients", "2", "-leads", "200", "-days", "10", "-seed", "2", "-out", dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "day 1/10 2026-03-02 (UTC):")
	require.Contains(t, stderr, "day 10/10 2026-03-11 (UTC):")
	require.Contains(t, stdout, "Touches")
	require.Contains(t, stdout, "Capacity")

	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	require.Contains(t, string(html), "<svg")

	var sum report.Summary
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &sum))
	require.Equal(t, uint64(2), sum.Seed)
	require.Len(t, sum.Daily, 10)
	requireInvariants(t, dir)

	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 10)

	leads := readJSONL(t, filepath.Join(dir, "leads.jsonl"))
	require.NotEmpty(t, leads)
	for _, l := range leads {
		require.Equal(t, sorted("lead_id", "external_id", "client_id", "campaign_id", "email", "phone", "country", "region",
			"timezone", "tz_source", "score", "tier", "dncr", "company_domain"), keys(l))
		oneOf(t, l["tier"], "hot", "warm", "cool", "cold", "dead")
		oneOf(t, l["dncr"], "registered", "clear", "unknown", "not_applicable")
		_, err := time.LoadLocation(l["timezone"].(string))
		require.NoError(t, err)
	}

	resources := readJSONL(t, filepath.Join(dir, "resources.jsonl"))
	require.NotEmpty(t, resources)
	purchased := map[string]any{}
	for _, r := range resources {
		require.Equal(t, sorted("resource_id", "kind", "parent_id", "client_id", "state", "created_at", "day_zone",
			"provider", "provider_ref", "address", "purchased_at", "paused_at", "resumed_at", "pause_reason", "replaced_by"), keys(r))
		oneOf(t, r["kind"], "domain", "mailbox", "phone", "linkedin_seat", "mail_sender")
		instant(t, r["created_at"])
		instant(t, r["purchased_at"])
		require.NotEmpty(t, r["provider"])
		require.NotEmpty(t, r["address"])
		if r["paused_at"] != nil {
			instant(t, r["paused_at"])
			require.NotEmpty(t, r["pause_reason"])
		}
		purchased[r["resource_id"].(string)] = r["purchased_at"]
	}
	for _, r := range resources {
		if r["kind"] == "mailbox" {
			require.Equal(t, purchased[r["parent_id"].(string)], r["purchased_at"], "a mailbox's warmup counts from its domain's purchase")
		}
	}

	touches := readJSONL(t, filepath.Join(dir, "touches.jsonl"))
	require.NotEmpty(t, touches)
	sentAt := map[string][]time.Time{} // lead → send instants
	for _, tc := range touches {
		require.Equal(t, sorted("touch_id", "client_id", "campaign_id", "lead_id", "step", "step_channel", "channel", "action",
			"status", "reason", "resource_id", "scheduled_at", "sent_at", "provider", "attempts", "warning"), keys(tc))
		if tc["sent_at"] != nil {
			require.NotEmpty(t, tc["provider"], "a sent touch names its provider")
			require.GreaterOrEqual(t, tc["attempts"].(float64), 1.0)
		}
		step := tc["step"].(float64)
		require.True(t, step >= 0 && step <= 5, "step %v", step)
		if step == 0 { // an answer to a reply: on the reply's channel, with its own reason
			require.Equal(t, tc["step_channel"], tc["channel"])
			oneOf(t, tc["reason"], "answer", "meeting_booked", "replied", "company_replied", "suppressed", "opted_out", "out_of_office")
		}
		oneOf(t, tc["step_channel"], "email", "voice", "linkedin", "sms", "mail")
		oneOf(t, tc["status"], "scheduled", "pending", "draft", "sent", "delivered", "failed", "skipped", "cancelled", "uncertain")
		if tc["status"] == "skipped" {
			require.Equal(t, "", tc["channel"], "a skipped touch has no channel")
			require.NotEmpty(t, tc["reason"])
			continue
		}
		if tc["channel"] == "" { // planned on no channel (a step skipped, then cancelled)
			require.Nil(t, tc["sent_at"])
			continue
		}
		oneOf(t, tc["channel"], "email", "voice", "linkedin", "sms", "mail")
		oneOf(t, tc["action"], "email", "call", "sms", "connection_request", "linkedin_message", "letter")
		instant(t, tc["scheduled_at"])
		if tc["sent_at"] != nil {
			at := instant(t, tc["sent_at"])
			require.False(t, at.Before(start) || !at.Before(end), "sent within the run: %v", at)
			if step > 0 { // an answer goes after the reply by design
				sentAt[tc["lead_id"].(string)] = append(sentAt[tc["lead_id"].(string)], at)
			}
		}
	}

	events := readJSONL(t, filepath.Join(dir, "events.jsonl"))
	require.NotEmpty(t, events)
	for _, e := range events {
		require.Equal(t, sorted("event_id", "provider", "provider_event_id", "type", "channel", "lead_id", "touch_id", "at", "detail"), keys(e))
		require.NotEmpty(t, e["provider"])
		require.NotEmpty(t, e["provider_event_id"])
		oneOf(t, e["type"], "replied", "out_of_office", "bounced", "complained", "opted_out", "opted_in", "call_answered",
			"call_voicemail", "call_busy", "call_no_answer", "call_failed", "connection_accepted", "connection_withdrawn", "delivered")
		oneOf(t, e["channel"], "email", "voice", "linkedin", "sms", "mail")
		at := instant(t, e["at"])
		// Nothing of the sequence goes to a lead after it replied.
		if e["type"] == "replied" {
			for _, s := range sentAt[e["lead_id"].(string)] {
				require.False(t, s.After(at), "lead %s got a touch at %v after replying at %v", e["lead_id"], s, at)
			}
		}
	}
}

func TestLeadsFileWithBadRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows := world.Leads(9, 8, 2)
	rows[3].Client = "Outpost Agency" // the second client, by name
	rows[4].Client = ""               // the clients in turn
	var b bytes.Buffer
	require.NoError(t, leadfile.Write(&b, rows, leadfile.CSV))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	// Line 4 (the third lead) gets a score the file may not hold; line 7 too
	// few fields; line 9 a client that does not exist.
	score := "," + fmt.Sprint(rows[2].Score) + ","
	i := strings.LastIndex(lines[3], score)
	require.Positive(t, i, lines[3])
	lines[3] = lines[3][:i] + ",high," + lines[3][i+len(score):]
	lines[6] = "only,three,fields"
	lines[8] = strings.Replace(lines[8], ",2,", ",7,", 1)
	file := filepath.Join(dir, "leads.csv")
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644))

	out := filepath.Join(dir, "out")
	code, _, stderr := runCmd(t, "-clients", "2", "-days", "2", "-leads-file", file, "-out", out)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "line 4: score \"high\": must be a whole number from 0 to 100")
	require.Contains(t, stderr, "line 7: has 3 fields")
	require.Contains(t, stderr, "line 9: client \"7\": no such client")

	var sum report.Summary
	raw, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &sum))
	require.Equal(t, 8, sum.Leads.Rows)
	require.Equal(t, 3, sum.Leads.BadRows)
	require.Equal(t, 5, sum.Leads.Enrolled+sum.Leads.Merged+sum.Leads.Dead+sum.Leads.Rejected, "the rest are imported")

	imported := map[string]bool{}
	for _, l := range readJSONL(t, filepath.Join(out, "leads.jsonl")) {
		imported[l["external_id"].(string)] = true
	}
	for i, r := range rows {
		bad := i == 2 || i == 5 || i == 7
		if !bad && sum.Leads.Rejected == 0 {
			require.True(t, imported[r.ExternalID] || sum.Leads.Merged > 0, "row %s imported", r.ExternalID)
		}
		if bad {
			require.False(t, imported[r.ExternalID], "bad row %s not imported", r.ExternalID)
		}
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCmd(t, "-schema", "sim_9")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "-database-url")
	for _, args := range [][]string{
		{"-database-url", "postgres://localhost/outbound", "-schema", "Bad-Name"},
		{"-database-url", "postgres://localhost/outbound", "-schema", "x; DROP TABLE t"},
		{"-start", "02/03/2026"}, {"-clients", "0"}, {"-days", "0"}, {"-workers", "0"}, {"-leads", "-1"}, {"extra"}, {"-nope"},
		{"-processes", "2"}, {"-processes", "0", "-database-url", "postgres://localhost/outbound"},
		{"-processes", "17", "-database-url", "postgres://localhost/outbound"},
		{"-providers", "smtp"}, {"-providers", ""}, {"-letter-day", "-1"}, {"-letter-day", "4000"},
		{"-providers", "http", "-processes", "2", "-database-url", "postgres://localhost/outbound"},
	} {
		code, _, stderr := runCmd(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
	}
	code, _, stderr = runCmd(t, "-providers", "smtp")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `-providers "smtp": want memory or http`)
	code, _, stderr = runCmd(t, "-help")
	require.Equal(t, 0, code)
	require.Contains(t, stderr, "-leads-file")

	o, err := parseFlags(nil, &bytes.Buffer{})
	require.NoError(t, err)
	require.Equal(t, options{Clients: 3, Leads: 2000, Days: 30, Seed: 1, Workers: 4, Processes: 1, Providers: "memory", Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}, o,
		"no flags: 3 clients, 2,000 leads, 30 days from Monday 2026-03-02, seed 1, 4 workers")
	require.Equal(t, time.Monday, o.Start.Weekday())

	code, _, stderr = runCmd(t, "-leads-file", filepath.Join(t.TempDir(), "missing.csv"), "-days", "1")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "missing.csv")
	code, _, stderr = runCmd(t, "-leads-file", "leads.txt", "-days", "1")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "extension")
}

func TestDNCRFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Every generated phone on the register: no call, and no text (the
	// default policy checks SMS too).
	rows := world.Leads(4, 120, 2)
	var reg strings.Builder
	reg.WriteString("# all of them\n")
	for _, r := range rows {
		if strings.HasPrefix(r.Phone, "+") {
			reg.WriteString(r.Phone + "\n")
		}
	}
	var b bytes.Buffer
	for i := range rows {
		if !strings.HasPrefix(rows[i].Phone, "+") {
			rows[i].Phone = "" // keep only numbers the register file lists as written
		}
	}
	require.NoError(t, leadfile.Write(&b, rows, leadfile.JSONL))
	leads := filepath.Join(dir, "leads.ndjson")
	require.NoError(t, os.WriteFile(leads, b.Bytes(), 0o644))
	dncr := filepath.Join(dir, "dncr.txt")
	require.NoError(t, os.WriteFile(dncr, []byte(reg.String()), 0o644))
	out := filepath.Join(dir, "out")
	code, _, stderr := runCmd(t, "-clients", "2", "-days", "7", "-leads-file", leads, "-dncr-file", dncr, "-out", out)
	require.Equal(t, 0, code, stderr)
	for _, l := range readJSONL(t, filepath.Join(out, "leads.jsonl")) {
		if l["phone"] != "" {
			require.Equal(t, "registered", l["dncr"], "lead %s", l["external_id"])
		}
	}
	for _, tc := range readJSONL(t, filepath.Join(out, "touches.jsonl")) {
		if tc["sent_at"] != nil {
			require.NotContains(t, []string{"voice", "sms"}, tc["channel"], "nothing voice or SMS to a registered number")
		}
	}
}

func TestAllowanceRaisedToFitTheRun(t *testing.T) {
	t.Parallel()
	// One starter client (1,000 leads a month) with 1,200 leads: every row
	// is imported, none rejected for the allowance.
	dir := t.TempDir()
	code, _, stderr := runCmd(t, "-clients", "1", "-leads", "1200", "-days", "1", "-out", dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "plan starter: lead allowance raised to 1200")
	var sum report.Summary
	raw, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &sum))
	require.Zero(t, sum.Leads.Rejected)
	require.Equal(t, 1200, sum.Leads.Enrolled+sum.Leads.Merged+sum.Leads.Dead)
}

// -letter-day puts a letter step in the default sequence, in order of day,
// and the sequence stays valid.
func TestLetterDay(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ day, number int }{{0, 0}, {4, 3}, {12, 6}, {20, 6}} {
		seq := options{LetterDay: c.day}.runSequence()
		require.NoError(t, seq.Validate(), "day %d", c.day)
		at := slices.IndexFunc(seq.Steps, func(s sequence.Step) bool { return s.Action == channel.ActionLetter })
		if c.number == 0 {
			require.Equal(t, -1, at)
			continue
		}
		require.Len(t, seq.Steps, 6)
		require.Equal(t, c.number, seq.Steps[at].Number, "day %d", c.day)
		require.Equal(t, c.day, seq.Steps[at].Day)
	}
}
