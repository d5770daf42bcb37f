package report_test

import (
	"fmt"
	"os"

	"github.com/outbound-go/outbound/examples/simulate/internal/report"
)

// Example prints a day's progress line and the tables of a tiny run.
func Example() {
	s := &report.Summary{
		Seed: 1, Start: "2026-03-02", Days: 1,
		Touches:   map[string]map[string]int{"email": {"delivered": 9, "failed": 1}, "voice": {"sent": 2}},
		Fallbacks: map[string]int{"gated": 3},
		Replies:   1,
		Events:    map[string]int{"delivered": 9, "bounced": 1, "replied": 1},
		Capacity:  map[string]report.Capacity{"mailbox": {Used: 10, Available: 120}},
		DayZone:   "UTC",
		Daily:     []report.Day{{Date: "2026-03-02", Sent: map[string]int{"email": 10, "voice": 2}, Replies: 1}},
	}
	fmt.Println(report.ProgressLine(1, 1, s.Daily[0], "UTC"))
	if err := report.WriteTable(os.Stdout, s); err != nil {
		panic(err)
	}
	// Output:
	// day 1/1 2026-03-02 (UTC): 12 sent (email 10, voice 2), 1 replies
	// outbound simulation: seed 1, 0 clients, 0 lead rows, 1 days from 2026-03-02 (UTC)
	//
	// Clients
	//   client  plan  enrolled  sent  replies
	//
	// Leads
	//   enrolled                     0
	//   merged duplicates            0
	//   dead (stored, not enrolled)  0
	//   rejected by the engine       0
	//   bad file rows                0
	//
	// Touches by channel and status
	//   channel  sent  delivered  failed  total
	//   email       0          9       1     10
	//   voice       2          0       0      2
	//   total       2          9       1     12
	//
	// Skipped by reason
	//   (none)
	//
	// Cancelled by reason
	//   (none)
	//
	// Fallbacks by reason
	//   gated  3
	//
	// Deferrals by reason
	//   (none)
	//
	// Sent with a warning (an SMS in more than one billed part), by channel
	//   (none)
	//
	// Replies: 1
	//
	// Answers to replies, by status
	//   (none)
	//
	// Meetings booked: 0
	//
	// Events by type
	//   delivered  9
	//   bounced    1
	//   replied    1
	//
	// Capacity used
	//   resource  used  available  share
	//   mailbox     10        120    8 %
	//
	// Sent over 1 days (UTC): 12
}
