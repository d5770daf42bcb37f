package donotcall_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// statusOf washes one number and returns its status.
func statusOf(t *testing.T, r donotcall.Register, p string) outbound.DNCRStatus {
	t.Helper()
	res, err := r.Wash(context.Background(), []string{p})
	require.NoError(t, err, p)
	require.Len(t, res, 1, p)
	require.Equal(t, p, res[0].Phone)
	return res[0].Status
}

func build(t *testing.T, l *donotcall.FileLoader) *donotcall.FileRegister {
	t.Helper()
	r, err := l.Register(donotcall.FileOptions{Clock: timingtest.NewClock(start)})
	require.NoError(t, err)
	return r
}

func TestReadUSFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var l donotcall.FileLoader
	require.NoError(t, l.ReadUSFile(ctx, "212.txt", strings.NewReader(
		"\uFEFF2125550100\r\n212,5550101\r\n  212 , 5550102  \r\n\r\n   \n2129999999\n2125550100")))
	require.NoError(t, l.ReadUSFile(ctx, "212-more.txt", strings.NewReader("2122000000\n2125550100\n")))
	require.NoError(t, l.ReadUSFile(ctx, "787.txt", strings.NewReader("787,5550100\n")))
	require.NoError(t, l.ReadUSFile(ctx, "empty.txt", strings.NewReader("")))
	r := build(t, &l)
	require.Equal(t, []string{"212", "787"}, r.AreaCodes())
	require.Equal(t, 6, r.Len(), "repeats, within and across files, count once")
	for p, want := range map[string]outbound.DNCRStatus{
		"+12125550100": outbound.DNCRRegistered, // ten digits, repeated
		"+12125550101": outbound.DNCRRegistered, // NPA,NXXXXXX
		"+12125550102": outbound.DNCRRegistered, // spaces around the comma
		"+12129999999": outbound.DNCRRegistered, // last number of the area code
		"+12122000000": outbound.DNCRRegistered, // first, from the second file
		"+12125550103": outbound.DNCRClear,      // same exchange, not listed
		"+12125550099": outbound.DNCRClear,
		"+12123334444": outbound.DNCRClear,      // another exchange of a covered area code
		"+17875550100": outbound.DNCRRegistered, // Puerto Rico, by area code
		"+17875550101": outbound.DNCRClear,
		"+16465550100": outbound.DNCRUnknown, // area code 646: no file loaded
		"+14165550199": outbound.DNCRUnknown, // Canada
		"+61412345678": outbound.DNCRUnknown, // no list of AU
	} {
		require.Equal(t, want, statusOf(t, r, p), p)
	}
}

func TestReadUSFileLineErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		line int
	}{
		{"2125550100\n212555010\n", 2},
		{"21255501000", 1},
		{"0125550100", 1},                   // area code starts with 0
		{"1125550100", 1},                   // area code starts with 1
		{"2121550100", 1},                   // exchange starts with 1
		{"212,555010", 1},                   // six digits
		{"21,25550100", 1},                  // two-digit area code
		{"212,5550100,1", 1},                // a second field
		{"+12125550100", 1},                 // E.164 is no form of the file
		{"1-212-555-0100", 1},               // nor is a dashed number
		{"212 5550100", 1},                  // nor a space instead of the comma
		{"\n\n2125550100\nNPA,NUMBER\n", 4}, // a header line
		{"2125550100\n" + strings.Repeat("9", 70000) + "\n", 2},
	} {
		var l donotcall.FileLoader
		err := l.ReadUSFile(context.Background(), "212.txt", strings.NewReader(tc.text))
		var le *donotcall.LineError
		require.ErrorAs(t, err, &le, "%q", tc.text)
		require.Equal(t, "212.txt", le.File)
		require.Equal(t, tc.line, le.Line, "%q", tc.text)
		require.Contains(t, err.Error(), "212.txt line ")
		if len(tc.text) < 1000 {
			require.ErrorIs(t, err, invalid.ErrInvalid, "%q", tc.text)
		}
		require.Zero(t, build(t, &l).Len(), "a file with a bad line adds nothing")
	}
}

func TestReadList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var l donotcall.FileLoader
	require.NoError(t, l.ReadList(ctx, "au.txt", strings.NewReader(
		"# our own do-not-call list\n0412 345 678\n+61 2 9123 4567   # asked us in March\r\n\n(03) 9123 4567\n"), "au"))
	require.NoError(t, l.ReadList(ctx, "gb.txt", strings.NewReader("020 7946 0958\n"), "UK"))
	r := build(t, &l)
	for p, want := range map[string]outbound.DNCRStatus{
		"+61412345678":  outbound.DNCRRegistered,
		"+61291234567":  outbound.DNCRRegistered,
		"+61391234567":  outbound.DNCRRegistered,
		"+61412345679":  outbound.DNCRClear, // AU is covered by the list
		"+442079460958": outbound.DNCRRegistered,
		"+442079460959": outbound.DNCRClear,
		"+33123456789":  outbound.DNCRUnknown, // no list of FR
		"+12125550100":  outbound.DNCRUnknown,
	} {
		require.Equal(t, want, statusOf(t, r, p), p)
	}
}

func TestReadListOfEveryCountry(t *testing.T) {
	t.Parallel()
	var l donotcall.FileLoader
	require.NoError(t, l.ReadList(context.Background(), "all.txt", strings.NewReader("+61291234567\n+12125550100\n"), ""))
	r := build(t, &l)
	require.Equal(t, outbound.DNCRRegistered, statusOf(t, r, "+61291234567"))
	require.Equal(t, outbound.DNCRRegistered, statusOf(t, r, "+12125550100"))
	require.Equal(t, outbound.DNCRClear, statusOf(t, r, "+33123456789"))
	require.Equal(t, outbound.DNCRClear, statusOf(t, r, "+16465550100"), "with no US file, a list of every country covers the US")
}

// TestUSListBesideUSFiles: a host's own list of US numbers read next to the
// FTC's files adds its numbers, and does not make the area codes with no
// file clear.
func TestUSListBesideUSFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	own := "(646) 555-0100\n"
	var withFiles donotcall.FileLoader
	require.NoError(t, withFiles.ReadUSFile(ctx, "212.txt", strings.NewReader("2125550100\n")))
	require.NoError(t, withFiles.ReadList(ctx, "own.txt", strings.NewReader(own), "US"))
	require.NoError(t, withFiles.ReadList(ctx, "all.txt", strings.NewReader("+61291234567\n"), ""))
	r := build(t, &withFiles)
	require.Equal(t, outbound.DNCRRegistered, statusOf(t, r, "+16465550100"), "on the host's list")
	require.Equal(t, outbound.DNCRUnknown, statusOf(t, r, "+16465550101"), "area code 646 has no file")
	require.Equal(t, outbound.DNCRClear, statusOf(t, r, "+12125550101"))
	require.Equal(t, outbound.DNCRClear, statusOf(t, r, "+33123456789"), "other countries: the list of every country")

	var listOnly donotcall.FileLoader
	require.NoError(t, listOnly.ReadList(ctx, "own.txt", strings.NewReader(own), "US"))
	r = build(t, &listOnly)
	require.Equal(t, outbound.DNCRRegistered, statusOf(t, r, "+16465550100"))
	require.Equal(t, outbound.DNCRClear, statusOf(t, r, "+16465550101"), "with no US file, the list of the US covers it")
	require.Equal(t, outbound.DNCRUnknown, statusOf(t, r, "+14165550199"), "Canada is not the US")
}

func TestReadListErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text, country string
		line          int
		msg           string
	}{
		{"+61412345678\n0412 345 678\n", "", 2, "no +country code"},
		{"0412 345 678\n+442079460958\n", "AU", 2, "a number of GB in a list of AU"},
		{"# ok\n\nnot a number\n", "AU", 3, "is not a number"},
		{"+61 2 1234\n", "AU", 1, "not a number in use"},
		{"416 555 0199\n", "US", 1, "a number of CA in a list of US"},
	} {
		var l donotcall.FileLoader
		err := l.ReadList(context.Background(), "list.txt", strings.NewReader(tc.text), tc.country)
		var le *donotcall.LineError
		require.ErrorAs(t, err, &le, "%q", tc.text)
		require.Equal(t, tc.line, le.Line, "%q", tc.text)
		require.ErrorIs(t, err, invalid.ErrInvalid)
		require.ErrorContains(t, err, "list.txt line ")
		require.ErrorContains(t, err, tc.msg)
		require.Zero(t, build(t, &l).Len(), "a list with a bad line adds nothing")
	}
	var l donotcall.FileLoader
	err := l.ReadList(context.Background(), "list.txt", strings.NewReader(""), "Australia")
	var fe *invalid.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "country", fe.Field)
}

func TestReadDirs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fsys := fstest.MapFS{
		"212.txt":          {Data: []byte("2125550100\n")},
		"ny/646.txt":       {Data: []byte("646,5550100\n")},
		".hidden":          {Data: []byte("junk\n")},
		".cache/718.txt":   {Data: []byte("junk\n")},
		"ny/.DS_Store":     {Data: []byte("junk\n")},
		"lists/ignore.me":  {Mode: 0o755 | 1<<31}, // a directory
		"zz/empty-dir/.ok": {Data: nil},
	}
	var l donotcall.FileLoader
	require.NoError(t, l.ReadUSDir(ctx, fsys))
	r := build(t, &l)
	require.Equal(t, []string{"212", "646"}, r.AreaCodes())
	require.Equal(t, outbound.DNCRRegistered, statusOf(t, r, "+16465550100"))

	fsys["ny/917.txt"] = &fstest.MapFile{Data: []byte("9175550100\n917555\n")}
	err := l.ReadUSDir(ctx, fsys)
	var le *donotcall.LineError
	require.ErrorAs(t, err, &le)
	require.Equal(t, "ny/917.txt", le.File)
	require.Equal(t, 2, le.Line)

	require.ErrorContains(t, l.ReadUSDir(ctx, fstest.MapFS{}), "no register file")

	var lists donotcall.FileLoader
	require.NoError(t, lists.ReadListDir(ctx, fstest.MapFS{"a.txt": {Data: []byte("0412 345 678\n")}, "b.txt": {Data: []byte("+61291234567\n")}}, "AU"))
	r = build(t, &lists)
	require.Equal(t, 2, r.Len())
	require.Equal(t, outbound.DNCRClear, statusOf(t, r, "+61412345679"))
}

// TestReadUSDirFromZip: the FTC's zip files are read as they are.
func TestReadUSDirFromZip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, text := range map[string]string{"212.txt": "2125550100\r\n", "646.txt": "646,5550100\r\n"} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(text))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	var l donotcall.FileLoader
	require.NoError(t, l.ReadUSDir(context.Background(), zr))
	r := build(t, &l)
	require.Equal(t, []string{"212", "646"}, r.AreaCodes())
	require.Equal(t, outbound.DNCRRegistered, statusOf(t, r, "+12125550100"))
}

func TestFileRegisterWash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := timingtest.NewClock(start)
	var l donotcall.FileLoader
	require.NoError(t, l.ReadUSFile(ctx, "212.txt", strings.NewReader("2125550100\n")))
	r, err := l.Register(donotcall.FileOptions{Clock: clock})
	require.NoError(t, err)
	require.Zero(t, build(t, &l).Len(), "the loader is empty once it has built a register")

	clock.Advance(time.Hour)
	res, err := r.Wash(ctx, []string{"+12125550100", "+16465550100", "+12125550100", "212-555-0101", "+1 212 555 0101"})
	require.Equal(t, map[string]outbound.DNCRStatus{
		"+12125550100":    outbound.DNCRRegistered,
		"+16465550100":    outbound.DNCRUnknown,
		"+1 212 555 0101": outbound.DNCRClear,
	}, byStatus(t, res))
	for _, w := range res {
		require.Equal(t, start.Add(time.Hour), w.WashedAt, "stamped with the clock's now")
	}
	require.ErrorIs(t, err, invalid.ErrInvalid)
	require.Contains(t, named(err), "212-555-0101", "a national number is not E.164: not washed, named")

	require.NoError(t, l.ReadUSFile(ctx, "212.txt", strings.NewReader("2125550100\n")))
	asOf := start.Add(-10 * 24 * time.Hour)
	r, err = l.Register(donotcall.FileOptions{Clock: clock, AsOf: asOf})
	require.NoError(t, err)
	res, err = r.Wash(ctx, []string{"+12125550100"})
	require.NoError(t, err)
	require.Equal(t, asOf, res[0].WashedAt, "stamped with the files' date")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	res, err = r.Wash(cctx, []string{"+12125550100"})
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, res)
	require.Contains(t, named(err), "+12125550100")

	_, err = l.Register(donotcall.FileOptions{})
	require.ErrorIs(t, err, invalid.ErrInvalid)
}

func TestReadEndedContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var l donotcall.FileLoader
	err := l.ReadUSFile(ctx, "212.txt", strings.NewReader("2125550100\n"))
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, build(t, &l).Len())
	require.True(t, errors.Is(l.ReadList(ctx, "l.txt", strings.NewReader("+61412345678\n"), ""), context.Canceled))
}

func TestStatusOfParsedNumber(t *testing.T) {
	t.Parallel()
	r := usFiles(t)
	n, err := phone.Parse("(212) 555-0100", "US")
	require.NoError(t, err)
	require.Equal(t, outbound.DNCRRegistered, r.Status(n))
	require.Equal(t, outbound.DNCRUnknown, r.Status(phone.Number{}), "the zero Number is not covered")
}
