package replies

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// returnDates lists a text and the return date read from it ("-" for
// none), one case a line, the message being dated Tuesday 10 March 2026.
const returnDates = `
I will be back on 14 March 2026.                    | 2026-03-14
I am returning on 2026-03-14 and will reply then.   | 2026-03-14
Out of the office until Monday 16 March.            | 2026-03-16
Back in the office on March 16th, 2026              | 2026-03-16
I return on the 16th of March                       | 2026-03-16
Ich bin ab dem 16.03.2026 wieder erreichbar.        | 2026-03-16
Ich bin bis zum 16.03. nicht im Büro.               | 2026-03-16
Je serai de retour le 16 mars.                      | 2026-03-16
Back on 16/03/2026                                  | 2026-03-16
Back on 03/16/2026                                  | 2026-03-16
Back on Monday.                                     | 2026-03-16
Back on 5 January.                                  | 2027-01-05
Back on 03/04/2026 (day and month are ambiguous)    | -
Back on 31 April                                    | -
I left on 2 March 2026.                             | -
Thanks for your email!                              | -
I am back soon. Our offices close on 24 December.   | -
`

func TestReturnDate(t *testing.T) {
	checkDates(t, returnDates, NewDateReader().ReturnDate)
}

// checkDates reads each text of table with read, the text written on
// Tuesday 10 March 2026, and wants the date its line gives.
func checkDates(t *testing.T, table string, read func(string, time.Time) time.Time) {
	t.Helper()
	ref := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		text, want, _ := strings.Cut(line, "|")
		text, want = strings.TrimSpace(text), strings.TrimSpace(want)
		got := read(text, ref)
		if want == "-" {
			require.True(t, got.IsZero(), "%q: got %v", text, got)
			continue
		}
		w, err := time.Parse(time.DateOnly, want)
		require.NoError(t, err)
		require.True(t, w.Equal(got), "%q: got %v, want %v", text, got, w)
	}
}

// followUps lists a text and the follow-up date read from it ("-" for
// none), the message being dated Tuesday 10 March 2026.
const followUps = `
Not right now, reach out after 14 April.                  | 2026-04-14
Please circle back in June.                               | 2026-06-01
Try me again mid June.                                    | 2026-06-15
Maybe late September once budgets are set.                | 2026-09-20
Let's revisit in Q3.                                      | 2026-07-01
Ping me in the first quarter of 2027.                     | 2027-01-01
Can you follow up next week?                              | 2026-03-16
Check back next month please.                             | 2026-04-01
We might look at this next quarter.                       | 2026-04-01
Budget is frozen until next year.                         | 2027-01-01
Reach out in two weeks.                                   | 2026-03-24
Try again in a couple of months.                          | 2026-05-10
Give it a few weeks.                                      | -
Circle back in a few weeks.                               | 2026-03-31
Talk in 3 months.                                         | 2026-06-10
Not now. Follow up on Monday.                             | 2026-03-16
Let's revisit in March.                                   | 2027-03-01
We are not interested.                                    | -
In 2019 we tried something similar.                       | -
`

func TestFollowUpDate(t *testing.T) {
	checkDates(t, followUps, NewDateReader().FollowUpDate)
}
