package phone_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/outbound-go/outbound/phone"
)

// FuzzParse: any input gives either a *FieldError matching
// ErrInvalid that names the input and the default country, or a valid E.164 number that
// normalises to itself.
func FuzzParse(f *testing.F) {
	f.Add("(02) 9374 4000", "AU")
	f.Add("+61 412 345 678", "")
	f.Add("(512) 463-4630", "us")
	f.Add("+61 2 9374 4000 ext. 123", "")
	f.Add("0011 61 2 9374 4000", "AU")
	f.Add("tel:+44-20-7946-0958", "")
	f.Add("１２３", "JP")
	f.Fuzz(func(t *testing.T, raw, country string) {
		p, err := phone.Parse(raw, country)
		if err != nil {
			var fe *phone.FieldError
			if !errors.As(err, &fe) || !errors.Is(err, phone.ErrInvalid) || fe.Value != raw ||
				(country != "" && !strings.Contains(fe.Reason, strconv.Quote(country))) {
				t.Fatalf("%q %q: error %#v", raw, country, err)
			}
			return
		}
		if len(p.E164) < 3 || len(p.E164) > 16 || p.E164[0] != '+' || strings.Trim(p.E164[1:], "0123456789") != "" {
			t.Fatalf("%q %q: E164 %q", raw, country, p.E164)
		}
		if p.Type == "" || p.Country == "" {
			t.Fatalf("%q %q: %+v", raw, country, p)
		}
		again, err := phone.Parse(p.E164, "")
		if err != nil || again != p {
			t.Fatalf("%q %q: %+v renormalises to %+v, %v", raw, country, p, again, err)
		}
	})
}
