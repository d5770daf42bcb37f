package smtp

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
	ref := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	f := newDateFinder()
	for _, line := range strings.Split(strings.TrimSpace(returnDates), "\n") {
		text, want, _ := strings.Cut(line, "|")
		text, want = strings.TrimSpace(text), strings.TrimSpace(want)
		got := f.find(text, ref)
		if want == "-" {
			require.True(t, got.IsZero(), "%q: got %v", text, got)
			continue
		}
		w, err := time.Parse(time.DateOnly, want)
		require.NoError(t, err)
		require.True(t, w.Equal(got), "%q: got %v, want %v", text, got, w)
	}
}
