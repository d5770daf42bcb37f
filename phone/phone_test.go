package phone_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
)

const (
	sydneyLandline   = "+61 2 9374 4000"
	sydneyNational   = "(02) 9374 4000"
	auMobile         = "+61 412 345 678"
	auMobileNational = "0412 345 678"
	auTollFree       = "1800 123 456"
	auSharedCost     = "1300 123 456"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, country string
		want         phone.Number
		maybeMobile  bool
	}{
		{sydneyLandline, "", phone.Number{E164: "+61293744000", Country: "AU", Type: phone.FixedLine}, false},
		{sydneyNational, "AU", phone.Number{E164: "+61293744000", Country: "AU", Type: phone.FixedLine}, false},
		{sydneyNational, " au ", phone.Number{E164: "+61293744000", Country: "AU", Type: phone.FixedLine}, false},
		{"+61 2 9374 4000 ext. 123", "", phone.Number{E164: "+61293744000", Country: "AU", Type: phone.FixedLine}, false},
		{"0011 61 2 9374 4000", "AU", phone.Number{E164: "+61293744000", Country: "AU", Type: phone.FixedLine}, false},
		{auMobile, "US", phone.Number{E164: "+61412345678", Country: "AU", Type: phone.Mobile}, true},
		{auMobileNational, "AU", phone.Number{E164: "+61412345678", Country: "AU", Type: phone.Mobile}, true},
		{auTollFree, "AU", phone.Number{E164: "+611800123456", Country: "AU", Type: phone.TollFree}, false},
		{auSharedCost, "AU", phone.Number{E164: "+611300123456", Country: "AU", Type: phone.SharedCost}, false},
		{"020 7946 0958", "UK", phone.Number{E164: "+442079460958", Country: "GB", Type: phone.FixedLine}, false},
		{"(512) 463-4630", "US", phone.Number{E164: "+15124634630", Country: "US", Type: phone.FixedLineOrMobile}, true},
		{"416-555-0199", "CA", phone.Number{E164: "+14165550199", Country: "CA", Type: phone.FixedLineOrMobile}, true},
	} {
		got, err := phone.Parse(tc.raw, tc.country)
		require.NoError(t, err, "%q %q", tc.raw, tc.country)
		require.Equal(t, tc.want, got, "%q %q", tc.raw, tc.country)
		require.Equal(t, tc.maybeMobile, got.Type.MaybeMobile())
		// Normal form is a fixed point.
		again, err := phone.Parse(got.E164, "")
		require.NoError(t, err)
		require.Equal(t, got, again)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, country string
		msg          string
	}{
		{"", "AU", "empty"},
		{"   ", "AU", "empty"},
		{"call reception", "AU", "not a number"},
		{"12", "AU", "not a number in use"},
		{sydneyNational, "", "no +country code"},
		{sydneyNational, "XX", "no +country code"},
		{"+61 2 1234", "", "not a number in use"},
		{"+999 1234 5678", "", "invalid country code"},
		{"0412 345 678 0412 345 678 0412 345 678", "AU", "too long"},
		{"0061 2 9374 4000", "AU", "not a number in use"}, // Australia's international prefix is 0011
	} {
		_, err := phone.Parse(tc.raw, tc.country)
		require.ErrorIs(t, err, invalid.ErrInvalid, "%q %q", tc.raw, tc.country)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, "phone", fe.Package)
		require.Equal(t, "number", fe.Field)
		require.Equal(t, tc.raw, fe.Value)
		require.Contains(t, fe.Reason, tc.msg)
		if tc.country != "" {
			require.Contains(t, fe.Reason, `"`+tc.country+`"`)
		}
		require.Contains(t, err.Error(), `"`+tc.raw+`"`)
	}
}

func TestTypeStrings(t *testing.T) {
	t.Parallel()
	// Stored strings; they must never change.
	for typ, s := range map[phone.Type]string{
		phone.FixedLine: "fixed_line", phone.Mobile: "mobile",
		phone.FixedLineOrMobile: "fixed_line_or_mobile", phone.TollFree: "toll_free",
		phone.PremiumRate: "premium_rate", phone.SharedCost: "shared_cost",
		phone.VoIP: "voip", phone.PersonalNumber: "personal_number",
		phone.Pager: "pager", phone.UAN: "uan", phone.Voicemail: "voicemail",
		phone.Unknown: "unknown",
	} {
		require.Equal(t, s, string(typ))
	}
}

func TestIsE164(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"+61412345678": true, "+14155550100": true, "+12345678": true, "+123456789012345": true,
		"+1234567": false, "+1234567890123456": false, "61412345678": false, "+0412345678": false,
		"+61 412": false, "": false, "+": false, "++61412345678": false, "+61412345678\n": false,
	} {
		require.Equal(t, want, phone.IsE164(s), "%q", s)
	}
}
