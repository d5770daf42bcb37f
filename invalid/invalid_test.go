package invalid_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/invalid"
)

func TestFieldError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{invalid.Field("pool", "Config", "HoldFor", -time.Hour, "must be positive"), "pool: Config.HoldFor = -1h0m0s: must be positive"},
		{invalid.Field("outbound", "lead", "email", "ann@", "not an email address"), `outbound: lead.email = "ann@": not an email address`},
		{invalid.Field("distribution", "", "Workers", -2, "must be at least 1"), "distribution: Workers = -2: must be at least 1"},
		{invalid.Field("distribution", "", "Store", nil, "is required"), "distribution: Store = <nil>: is required"},
	} {
		require.Equal(t, tc.want, tc.err.Error())
		require.ErrorIs(t, tc.err, invalid.ErrInvalid)
		wrapped := fmt.Errorf("import: %w", tc.err)
		var fe *invalid.FieldError
		require.ErrorAs(t, wrapped, &fe)
		require.ErrorIs(t, wrapped, invalid.ErrInvalid)
	}
	require.False(t, errors.Is(errors.New("other"), invalid.ErrInvalid))
}

func TestLongValuesAreCut(t *testing.T) {
	long := strings.Repeat("é", 100)
	msg := invalid.Field("channel", "Message", "Body", long, "too long").Error()
	want := `channel: Message.Body = "` + strings.Repeat("é", 63) + `…": too long`
	if msg != want {
		t.Fatalf("got %s\nwant %s", msg, want)
	}
	if got := invalid.Show("short"); got != `"short"` {
		t.Fatalf("a short value is shown whole: %s", got)
	}
}
