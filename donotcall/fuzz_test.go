package donotcall_test

import (
	"bufio"
	"context"
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// FuzzReadUSFile: a file is either refused with a *LineError naming one
// of its lines, adding nothing, or read whole, every number on it then
// registered and nothing else counted.
func FuzzReadUSFile(f *testing.F) {
	f.Add("2125550100\n212,5550101\r\n")
	f.Add("\uFEFF  212 , 5550102  \r\n\r\n")
	f.Add("2125550100\n212555010\n")
	f.Add("0125550100")
	f.Add("212,5550100,1\n")
	f.Add("+12125550100\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		var l donotcall.FileLoader
		err := l.ReadUSFile(context.Background(), "f.txt", strings.NewReader(text))
		r, rerr := l.Register(donotcall.FileOptions{Clock: timingtest.NewClock(start)})
		if rerr != nil {
			t.Fatal(rerr)
		}
		lines := strings.Count(text, "\n") + 1
		if err != nil {
			var le *donotcall.LineError
			if !errors.As(err, &le) || le.File != "f.txt" || le.Line < 1 || le.Line > lines {
				t.Fatalf("%q: error %v", text, err)
			}
			if !errors.Is(err, invalid.ErrInvalid) && !errors.Is(err, bufio.ErrTooLong) {
				t.Fatalf("%q: error %v is neither a field error nor a long line", text, err)
			}
			if r.Len() != 0 {
				t.Fatalf("%q: a refused file added %d numbers", text, r.Len())
			}
			return
		}
		// Read the file again, independently: every line is blank, or
		// ten digits once spaces and one comma are dropped.
		want := map[string]bool{}
		for i, line := range strings.Split(text, "\n") {
			if i == 0 {
				line = strings.TrimPrefix(line, "\uFEFF")
			}
			digits := strings.Map(func(r rune) rune {
				if r == ',' || unicode.IsSpace(r) {
					return -1
				}
				return r
			}, line)
			if digits == "" {
				continue
			}
			if len(digits) != 10 || strings.Trim(digits, "0123456789") != "" || digits[0] < '2' || digits[3] < '2' {
				t.Fatalf("%q: line %d %q accepted", text, i+1, line)
			}
			want[digits] = true
		}
		if r.Len() != len(want) {
			t.Fatalf("%q: %d numbers, want %d", text, r.Len(), len(want))
		}
		for d := range want {
			if st := r.Status(phone.Number{E164: "+1" + d, Country: "US"}); st != outbound.DNCRRegistered {
				t.Fatalf("%q: %s is %s", text, d, st)
			}
		}
	})
}

// FuzzReadList: a list is either refused with a *LineError, or every
// number on it is then registered.
func FuzzReadList(f *testing.F) {
	f.Add("# ours\n0412 345 678\n+61 2 9123 4567 # March\n", "AU")
	f.Add("+442079460958\n+12125550100\n", "")
	f.Add("0412 345 678\n", "")
	f.Add("416 555 0199\n", "US")
	f.Add("\uFEFF020 7946 0958\r\n", "uk")
	f.Fuzz(func(t *testing.T, text, country string) {
		var l donotcall.FileLoader
		err := l.ReadList(context.Background(), "l.txt", strings.NewReader(text), country)
		r, rerr := l.Register(donotcall.FileOptions{Clock: timingtest.NewClock(start)})
		if rerr != nil {
			t.Fatal(rerr)
		}
		if err != nil {
			var le *donotcall.LineError
			var fe *invalid.FieldError
			if !errors.As(err, &le) && !(errors.As(err, &fe) && fe.Field == "country") {
				t.Fatalf("%q %q: error %v", text, country, err)
			}
			if r.Len() != 0 {
				t.Fatalf("%q %q: a refused list added %d numbers", text, country, r.Len())
			}
			return
		}
		for line := range strings.SplitSeq(strings.TrimPrefix(text, "\uFEFF"), "\n") {
			s, _, _ := strings.Cut(line, "#")
			if strings.TrimSpace(s) == "" {
				continue
			}
			n, err := phone.Parse(s, country)
			if err != nil {
				t.Fatalf("%q %q: line %q accepted, but phone.Parse says %v", text, country, line, err)
			}
			if st := r.Status(n); st != outbound.DNCRRegistered {
				t.Fatalf("%q %q: %s is %s", text, country, n.E164, st)
			}
		}
	})
}
