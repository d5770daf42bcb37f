package donotcall

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing"
)

// LineError reports a line of a register file that could not be read. Err
// is a *[invalid.FieldError] naming the line's text, or the reader's error
// (bufio.ErrTooLong for a line over 64 KiB).
type LineError struct {
	File string // the name the file was read under
	Line int    // from 1
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s line %d: %v", e.File, e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// FileLoader reads register files into a [FileRegister]. Its zero value is
// ready to use. It is not safe for concurrent use.
type FileLoader struct {
	areas     map[uint16]*areaCode // US files: area code → its listed numbers
	listed    []uint64             // lists: E.164 digits, unsorted
	countries map[string]bool      // countries covered by a list
	every     bool                 // a list covers every country
}

// checkEvery is how many lines pass between two looks at the context.
const checkEvery = 1 << 16

// ReadUSFile reads one file of the US National Do Not Call Registry, as
// downloaded (unzipped) from the FTC: one registered number per line,
// either ten digits ("2125550100") or area code, comma, seven digits
// ("212,5550100"), with spaces around either allowed and LF or CRLF line
// ends; blank lines are skipped. The FTC does not publish the exact
// layout, so both forms are accepted and anything else is refused, line
// by line. name is used in errors only.
//
// Every area code with at least one number in the file is covered from
// then on: its numbers not listed are clear. An empty file covers
// nothing. A file with a bad line is a *[LineError] and adds nothing.
func (l *FileLoader) ReadUSFile(ctx context.Context, name string, r io.Reader) error {
	byArea := map[uint16][]uint32{}
	err := scanLines(ctx, name, r, func(line []byte) error {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			return nil
		}
		npa, sub, ok := parseUSLine(line)
		if !ok {
			return invalid.Field("donotcall", "US registry file", "line", shorten(line),
				"want ten digits (2125550100) or NPA,NXXXXXX (212,5550100), area code and exchange starting with 2 to 9")
		}
		byArea[npa] = append(byArea[npa], sub)
		return nil
	})
	if err != nil {
		return err
	}
	if l.areas == nil {
		l.areas = map[uint16]*areaCode{}
	}
	for npa, subs := range byArea {
		if old := l.areas[npa]; old != nil {
			subs = append(subs, old.numbers()...)
		}
		l.areas[npa] = compact(subs)
	}
	return nil
}

// ReadList reads a list a host keeps: one number per line, in E.164 or in
// the national form of country; '#' starts a comment that runs to the end
// of the line, and blank lines are skipped. country is an ISO 3166-1
// alpha-2 code ("UK" is read as GB): every number must be of that country,
// and the list covers it. An empty country means a list of every country:
// every number must be in E.164, and the list covers every country. name
// is used in errors only.
//
// A list with a bad line is a *[LineError] and adds nothing.
func (l *FileLoader) ReadList(ctx context.Context, name string, r io.Reader, country string) error {
	country = strings.ToUpper(strings.TrimSpace(country))
	if country == "UK" {
		country = "GB"
	}
	if country != "" && !isRegion(country) {
		return invalid.Field("donotcall", "ReadList", "country", country, "must be an ISO 3166-1 alpha-2 code, or empty for every country")
	}
	var listed []uint64
	err := scanLines(ctx, name, r, func(line []byte) error {
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		s := string(bytes.TrimSpace(line))
		if s == "" {
			return nil
		}
		n, err := phone.Parse(s, country)
		if err != nil {
			reason := "not a valid phone number"
			var fe *phone.FieldError
			if errors.As(err, &fe) {
				reason = fe.Reason
			}
			return invalid.Field("donotcall", "list", "number", shorten([]byte(s)), reason)
		}
		if country != "" && n.Country != country {
			return invalid.Field("donotcall", "list", "number", s, fmt.Sprintf("a number of %s in a list of %s", n.Country, country))
		}
		v, err := strconv.ParseUint(n.E164[1:], 10, 64)
		if err != nil { // phone.Parse gives at most 15 digits
			return invalid.Field("donotcall", "list", "number", s, "not in E.164")
		}
		listed = append(listed, v)
		return nil
	})
	if err != nil {
		return err
	}
	l.listed = append(l.listed, listed...)
	if country == "" {
		l.every = true
		return nil
	}
	if l.countries == nil {
		l.countries = map[string]bool{}
	}
	l.countries[country] = true
	return nil
}

// ReadUSDir reads every regular file of fsys, in lexical order of path and
// recursively, with [FileLoader.ReadUSFile]; names starting with "." are
// skipped. An archive/zip.Reader is an fs.FS, so the FTC's zip files can
// be read as they are. Errors name the file's path. A directory with no
// file is an error. On error the files read before stay loaded.
func (l *FileLoader) ReadUSDir(ctx context.Context, fsys fs.FS) error {
	return readDir(fsys, func(name string, r io.Reader) error { return l.ReadUSFile(ctx, name, r) })
}

// ReadListDir reads every regular file of fsys as a list of country with
// [FileLoader.ReadList], as [FileLoader.ReadUSDir] reads files.
func (l *FileLoader) ReadListDir(ctx context.Context, fsys fs.FS, country string) error {
	return readDir(fsys, func(name string, r io.Reader) error { return l.ReadList(ctx, name, r, country) })
}

func readDir(fsys fs.FS, read func(name string, r io.Reader) error) error {
	files := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(path.Base(p), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		files++
		return read(p, f)
	})
	if err != nil {
		return fmt.Errorf("donotcall: %w", err)
	}
	if files == 0 {
		return errors.New("donotcall: no register file in the directory")
	}
	return nil
}

// FileOptions are the options of [FileLoader.Register].
type FileOptions struct {
	// Clock gives the washed-at time of results. Required.
	Clock timing.Clock
	// AsOf, if set, is the instant the files were downloaded: results are
	// stamped with it instead of the clock's now, so that a wash expires
	// when the files are too old, not 30 days after the question. Default
	// zero: the clock's now.
	AsOf time.Time
}

// Register returns a register of everything read so far and empties the
// loader: the register owns the data, and the loader may read files for
// another one.
func (l *FileLoader) Register(opts FileOptions) (*FileRegister, error) {
	if opts.Clock == nil {
		return nil, invalid.Field("donotcall", "FileOptions", "Clock", nil, "is required")
	}
	listed := l.listed
	slices.Sort(listed)
	listed = slices.Clip(slices.Compact(listed))
	r := &FileRegister{
		clock:     opts.Clock,
		asOf:      opts.AsOf,
		areas:     l.areas,
		listed:    listed,
		countries: l.countries,
		every:     l.every,
	}
	*l = FileLoader{}
	return r, nil
}

// FileRegister is a [Register] read from files: the US National Do Not Call
// Registry's area-code files and lists a host keeps. Build one with a
// [FileLoader]. It is read-only, so safe for concurrent use.
//
// A number is registered when a file lists it. Else it is clear when a file
// covers it: a +1 number is covered by the US files of its area code if
// any US file was read, and otherwise (and any other number) by a list of
// its country or of every country. So a host's own list of US numbers read
// next to the FTC's files adds its numbers but does not make the area codes
// with no file clear. Any other valid number is unknown: the register
// cannot say, and the engine keeps it unwashed.
//
// Memory: a US number takes 2 bytes (the last four digits, sorted by
// exchange, found by binary search within its exchange), plus 4 KiB per
// area code for the index of its exchanges: about 500 MB for the whole
// registry of ~250 million numbers. While a file is read its numbers take
// 4 bytes each. A number of a list takes 8 bytes (its E.164 digits as a
// uint64, sorted, found by binary search).
type FileRegister struct {
	clock     timing.Clock
	asOf      time.Time
	areas     map[uint16]*areaCode
	listed    []uint64
	countries map[string]bool
	every     bool
}

// Status returns what the files say of n: registered, clear, or unknown
// when they do not cover it.
func (r *FileRegister) Status(n phone.Number) outbound.DNCRStatus {
	if len(n.E164) < 2 {
		return outbound.DNCRUnknown
	}
	v, err := strconv.ParseUint(n.E164[1:], 10, 64)
	if err != nil {
		return outbound.DNCRUnknown
	}
	if _, ok := slices.BinarySearch(r.listed, v); ok {
		return outbound.DNCRRegistered
	}
	covered := r.every || r.countries[n.Country]
	if len(n.E164) == 12 && n.E164[1] == '1' && len(r.areas) > 0 {
		covered = false
		if a := r.areas[uint16(v/1e7%1000)]; a != nil {
			if a.has(uint32(v % 1e7)) {
				return outbound.DNCRRegistered
			}
			covered = true
		}
	}
	if covered {
		return outbound.DNCRClear
	}
	return outbound.DNCRUnknown
}

// Wash answers each valid number with its [FileRegister.Status], washed at
// FileOptions.AsOf if set, else at the clock's now. It keeps the
// [Register] contract: the error joins a *[invalid.FieldError] for each
// number that is not a valid phone number (not washed); if ctx has ended
// it answers nothing, with a *[WashError] naming every number.
func (r *FileRegister) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, &WashError{Phones: slices.Compact(slices.Sorted(slices.Values(phones))), Err: err}
	}
	nums, errs := parseAsked(phones)
	at := r.asOf
	if at.IsZero() {
		at = r.clock.Now()
	}
	out := make([]outbound.WashResult, len(nums))
	for i, n := range nums {
		out[i] = outbound.WashResult{Phone: n.raw, Status: r.Status(n.num), WashedAt: at}
	}
	return out, errors.Join(errs...)
}

// AreaCodes returns the US area codes the files cover, sorted.
func (r *FileRegister) AreaCodes() []string {
	out := make([]string, 0, len(r.areas))
	for _, npa := range slices.Sorted(maps.Keys(r.areas)) {
		out = append(out, strconv.Itoa(int(npa)))
	}
	return out
}

// Len returns how many distinct numbers the files list (a number in both a
// US file and a list counts twice).
func (r *FileRegister) Len() int {
	n := len(r.listed)
	for _, a := range r.areas {
		n += len(a.line)
	}
	return n
}

// areaCode holds the listed numbers of one US area code: the last four
// digits of each, sorted by exchange and then by digits, with the index of
// each exchange's first number.
type areaCode struct {
	start [1001]uint32 // exchange x's numbers are line[start[x]:start[x+1]]
	line  []uint16
}

// compact builds an area code from its numbers' seven-digit subscriber
// parts (exchange × 10000 + line), in any order and with repeats.
func compact(subs []uint32) *areaCode {
	slices.Sort(subs)
	subs = slices.Compact(subs)
	a := &areaCode{line: make([]uint16, len(subs))}
	x := 0
	for i, s := range subs {
		for x <= int(s/10000) {
			a.start[x] = uint32(i)
			x++
		}
		a.line[i] = uint16(s % 10000)
	}
	for ; x <= 1000; x++ {
		a.start[x] = uint32(len(subs))
	}
	return a
}

func (a *areaCode) has(sub uint32) bool {
	x := sub / 10000
	_, ok := slices.BinarySearch(a.line[a.start[x]:a.start[x+1]], uint16(sub%10000))
	return ok
}

// numbers returns the subscriber parts a holds, sorted.
func (a *areaCode) numbers() []uint32 {
	out := make([]uint32, 0, len(a.line))
	for x := range 1000 {
		for _, l := range a.line[a.start[x]:a.start[x+1]] {
			out = append(out, uint32(x)*10000+uint32(l))
		}
	}
	return out
}

// parseUSLine reads "NPANXXXXXX" or "NPA,NXXXXXX" (spaces around the comma
// allowed; the line is trimmed) into the area code and the seven-digit
// subscriber part. Area code and exchange start with 2 to 9, as the North
// American Numbering Plan has them. This is the registry file's storage
// form, read without phone.Parse on purpose: it runs for each of the
// registry's ~250 million lines.
func parseUSLine(line []byte) (npa uint16, sub uint32, ok bool) {
	var digits [10]byte
	n := 0
	if i := bytes.IndexByte(line, ','); i >= 0 {
		left, right := bytes.TrimSpace(line[:i]), bytes.TrimSpace(line[i+1:])
		if len(left) != 3 || len(right) != 7 {
			return 0, 0, false
		}
		n = copy(digits[:], left)
		n += copy(digits[n:], right)
	} else {
		if len(line) != 10 {
			return 0, 0, false
		}
		n = copy(digits[:], line)
	}
	var v uint64
	for _, c := range digits[:n] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if digits[0] < '2' || digits[3] < '2' {
		return 0, 0, false
	}
	return uint16(v / 1e7), uint32(v % 1e7), true
}

// scanLines calls fn with each line of r (without its line end; a UTF-8
// byte order mark before the first is dropped), and turns fn's error into
// a *LineError. It looks at ctx every checkEvery lines.
func scanLines(ctx context.Context, name string, r io.Reader, fn func(line []byte) error) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		if line%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("donotcall: reading %s: %w", name, err)
			}
		}
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		}
		if err := fn(b); err != nil {
			return &LineError{File: name, Line: line, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return &LineError{File: name, Line: line + 1, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("donotcall: reading %s: %w", name, err)
	}
	return nil
}

// shorten keeps an error's quote of a line short.
func shorten(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
