package warmup

import (
	"errors"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/invalid"
)

func TestDefaultCurveBoundaries(t *testing.T) {
	t.Parallel()
	// The table of docs/architecture.md ("Defaults"): 0–13: 0, 14–20: 10, 21–27: 20, 28+: 30.
	tests := []struct {
		age, want int
	}{
		{-1000, 0}, {-1, 0}, // negative ages: not yet known to be warm
		{0, 0}, {1, 0}, {13, 0},
		{14, 10}, {20, 10},
		{21, 20}, {27, 20},
		{28, 30}, {29, 30}, {365, 30}, {10_000, 30},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, DefaultCurve().Limit(tt.age), "curve, age %d", tt.age)
		require.Equal(t, tt.want, Policy{}.DailyLimit(tt.age, Health{}), "zero policy, age %d", tt.age)
		require.Equal(t, tt.want, Policy{Curve: DefaultCurve(), Max: DefaultMax}.DailyLimit(tt.age, Health{}), "explicit default policy, age %d", tt.age)
	}
}

func TestDefaultCurveIsFresh(t *testing.T) {
	t.Parallel()
	c := DefaultCurve()
	c[1].Limit = 999
	require.Equal(t, 10, DefaultCurve()[1].Limit)
	require.NoError(t, DefaultCurve().Validate())
}

func TestCurveLimit(t *testing.T) {
	t.Parallel()
	steep := Curve{{0, 5}, {3, 25}, {7, 80}}
	tests := []struct {
		name  string
		curve Curve
		age   int
		want  int
	}{
		{"empty curve sends nothing", nil, 100, 0},
		{"first stage", steep, 0, 5},
		{"day before next stage", steep, 2, 5},
		{"stage start", steep, 3, 25},
		{"stage above ceiling is clamped", steep, 7, Ceiling},
		{"negative stage limit clamps to 0", Curve{{0, -4}}, 9, 0},
		{"age before a first stage that starts late", Curve{{5, 10}}, 4, 0},
		{"negative age", steep, -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.curve.Limit(tt.age))
		})
	}
}

func TestCurveValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		curve     Curve
		wantField string
		wantValue any
	}{
		{"default", DefaultCurve(), "", nil},
		{"single stage", Curve{{0, 30}}, "", nil},
		{"limit above ceiling is allowed (clamped)", Curve{{0, 80}}, "", nil},
		{"empty", Curve{}, "Curve", Curve{}},
		{"nil", nil, "Curve", Curve(nil)},
		{"first stage not at 0", Curve{{1, 0}, {14, 10}}, "Curve[0].FromDay", 1},
		{"unsorted", Curve{{0, 0}, {21, 20}, {14, 10}}, "Curve[2].FromDay", 14},
		{"duplicate day", Curve{{0, 0}, {14, 10}, {14, 20}}, "Curve[2].FromDay", 14},
		{"negative limit", Curve{{0, 0}, {14, -1}}, "Curve[1].Limit", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.curve.Validate()
			if tt.wantField == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalid)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tt.wantField, fe.Field)
			require.Equal(t, tt.wantValue, fe.Value)
			require.Contains(t, err.Error(), tt.wantField)
		})
	}
}

func TestAgeDays(t *testing.T) {
	t.Parallel()
	syd, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tests := []struct {
		name           string
		purchased, now time.Time
		loc            *time.Location
		want           int
	}{
		{"same instant", time.Date(2026, 5, 1, 10, 0, 0, 0, syd), time.Date(2026, 5, 1, 10, 0, 0, 0, syd), syd, 0},
		{"one minute past midnight is a new day", time.Date(2026, 5, 1, 23, 59, 0, 0, syd), time.Date(2026, 5, 2, 0, 0, 0, 0, syd), syd, 1},
		{"almost a day later, same calendar day", time.Date(2026, 5, 1, 0, 0, 0, 0, syd), time.Date(2026, 5, 1, 23, 59, 59, 0, syd), syd, 0},
		// 13:30 UTC on May 1 is 23:30 AEST May 1; 13:00 UTC on May 2 is
		// 23:00 AEST May 2: one Sydney day, though both are UTC afternoons
		// less than 24 hours apart.
		{"days counted in loc, not in the instants' zones", time.Date(2026, 5, 1, 13, 30, 0, 0, time.UTC), time.Date(2026, 5, 2, 13, 0, 0, 0, time.UTC), syd, 1},
		{"same instants counted in UTC", time.Date(2026, 5, 1, 13, 30, 0, 0, time.UTC), time.Date(2026, 5, 2, 13, 0, 0, 0, time.UTC), time.UTC, 1},
		{"a UTC day that is two Sydney days", time.Date(2026, 5, 1, 13, 30, 0, 0, time.UTC), time.Date(2026, 5, 1, 14, 30, 0, 0, time.UTC), syd, 1},
		{"across the spring-forward change", time.Date(2026, 3, 7, 12, 0, 0, 0, ny), time.Date(2026, 3, 9, 12, 0, 0, 0, ny), ny, 2},
		{"across the fall-back change", time.Date(2026, 10, 31, 12, 0, 0, 0, ny), time.Date(2026, 11, 2, 0, 30, 0, 0, ny), ny, 2},
		{"across a leap day", time.Date(2028, 2, 28, 9, 0, 0, 0, time.UTC), time.Date(2028, 3, 1, 9, 0, 0, 0, time.UTC), nil, 2},
		{"purchase after now is negative", time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), time.UTC, -2},
		{"before 1970", time.Date(1969, 12, 30, 9, 0, 0, 0, time.UTC), time.Date(1970, 1, 2, 9, 0, 0, 0, time.UTC), time.UTC, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, AgeDays(tt.purchased, tt.now, tt.loc))
		})
	}
}

// TestAgeDaysProperty checks AgeDays against counting calendar days one by
// one with time.AddDate, over random instants and zones.
func TestAgeDaysProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var locs []*time.Location
	for _, name := range []string{"UTC", "Australia/Sydney", "Australia/Lord_Howe", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		locs = append(locs, loc)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 2000 {
		loc := locs[rng.IntN(len(locs))]
		p := base.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
		n := p.Add(time.Duration(rng.Int64N(int64(120 * 24 * time.Hour))))
		py, pm, pd := p.In(loc).Date()
		ny, nm, nd := n.In(loc).Date()
		want := 0
		for d := time.Date(py, pm, pd, 12, 0, 0, 0, time.UTC); ; d = d.AddDate(0, 0, 1) {
			if y, m, dd := d.Date(); y == ny && m == nm && dd == nd {
				break
			}
			want++
		}
		if got, back := AgeDays(p, n, loc), AgeDays(n, p, loc); got != want || back != -want {
			t.Fatalf("%s → %s in %s: AgeDays %d and %d backwards, want %d", p, n, loc, got, back, want)
		}
	}
}

func TestFieldErrorMessage(t *testing.T) {
	t.Parallel()
	err := Curve{{0, 0}, {14, -5}}.Validate()
	require.EqualError(t, err, "warmup: Policy.Curve[1].Limit = -5: must not be negative")
	require.True(t, errors.Is(err, invalid.ErrInvalid))
	var fe *invalid.FieldError
	require.True(t, errors.As(err, &fe))
	require.Equal(t, &invalid.FieldError{Package: "warmup", Record: "Policy", Field: "Curve[1].Limit", Value: -5, Reason: "must not be negative"}, fe)
}

// TestCurveLimitMatchesBinarySearch checks Limit on random valid curves
// against an independent lookup with sort.Search.
func TestCurveLimitMatchesBinarySearch(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		c := randomValidCurve(rng)
		require.NoError(t, c.Validate())
		age := rng.IntN(200) - 20
		want := 0
		if age >= 0 {
			i := sort.Search(len(c), func(i int) bool { return c[i].FromDay > age }) - 1
			want = min(c[i].Limit, Ceiling)
		}
		require.Equal(t, want, c.Limit(age), "curve %v age %d", c, age)
	}
}

func randomValidCurve(rng *rand.Rand) Curve {
	n := 1 + rng.IntN(6)
	c := make(Curve, n)
	day := 0
	for i := range c {
		c[i] = Stage{FromDay: day, Limit: rng.IntN(120)}
		day += 1 + rng.IntN(30)
	}
	return c
}
