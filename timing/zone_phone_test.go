package timing_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/timing"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, country string
		want         timing.Phone
		maybeMobile  bool
	}{
		{sydneyLandline, "", timing.Phone{E164: "+61293744000", Country: "AU", Type: timing.PhoneFixedLine}, false},
		{sydneyNational, "AU", timing.Phone{E164: "+61293744000", Country: "AU", Type: timing.PhoneFixedLine}, false},
		{sydneyNational, " au ", timing.Phone{E164: "+61293744000", Country: "AU", Type: timing.PhoneFixedLine}, false},
		{"+61 2 9374 4000 ext. 123", "", timing.Phone{E164: "+61293744000", Country: "AU", Type: timing.PhoneFixedLine}, false},
		{"0011 61 2 9374 4000", "AU", timing.Phone{E164: "+61293744000", Country: "AU", Type: timing.PhoneFixedLine}, false},
		{auMobile, "US", timing.Phone{E164: "+61412345678", Country: "AU", Type: timing.PhoneMobile}, true},
		{auMobileNational, "AU", timing.Phone{E164: "+61412345678", Country: "AU", Type: timing.PhoneMobile}, true},
		{auTollFree, "AU", timing.Phone{E164: "+611800123456", Country: "AU", Type: timing.PhoneTollFree}, false},
		{auSharedCost, "AU", timing.Phone{E164: "+611300123456", Country: "AU", Type: timing.PhoneSharedCost}, false},
		{"020 7946 0958", "UK", timing.Phone{E164: "+442079460958", Country: "GB", Type: timing.PhoneFixedLine}, false},
		{"(512) 463-4630", "US", timing.Phone{E164: "+15124634630", Country: "US", Type: timing.PhoneFixedLineOrMobile}, true},
		{"416-555-0199", "CA", timing.Phone{E164: "+14165550199", Country: "CA", Type: timing.PhoneFixedLineOrMobile}, true},
	} {
		got, err := timing.NormalizePhone(tc.raw, tc.country)
		require.NoError(t, err, "%q %q", tc.raw, tc.country)
		require.Equal(t, tc.want, got, "%q %q", tc.raw, tc.country)
		require.Equal(t, tc.maybeMobile, got.Type.MaybeMobile())
		// Normal form is a fixed point.
		again, err := timing.NormalizePhone(got.E164, "")
		require.NoError(t, err)
		require.Equal(t, got, again)
	}
}

func TestNormalizePhoneErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, country string
		msg          string
	}{
		{"", "AU", "empty"},
		{"   ", "AU", "empty"},
		{"call reception", "AU", "invalid phone number"},
		{"12", "AU", "invalid phone number"},
		{sydneyNational, "", "no +country code"},
		{sydneyNational, "XX", "no +country code"},
		{"+61 2 1234", "", "not a number in use"},
		{"+999 1234 5678", "", "invalid phone number"},
		{"0412 345 678 0412 345 678 0412 345 678", "AU", "invalid phone number"},
		{"0061 2 9374 4000", "AU", "not a number in use"}, // Australia's international prefix is 0011
	} {
		_, err := timing.NormalizePhone(tc.raw, tc.country)
		require.ErrorIs(t, err, timing.ErrInvalidPhone, "%q %q", tc.raw, tc.country)
		var pe *timing.PhoneError
		require.ErrorAs(t, err, &pe)
		require.Equal(t, tc.raw, pe.Value)
		require.Equal(t, tc.country, pe.Country)
		require.Contains(t, err.Error(), tc.msg)
		require.Contains(t, err.Error(), `"`+tc.raw+`"`)
	}
}

func TestPhoneTypeStrings(t *testing.T) {
	t.Parallel()
	// Stored strings; they must never change.
	for typ, s := range map[timing.PhoneType]string{
		timing.PhoneFixedLine: "fixed_line", timing.PhoneMobile: "mobile",
		timing.PhoneFixedLineOrMobile: "fixed_line_or_mobile", timing.PhoneTollFree: "toll_free",
		timing.PhonePremiumRate: "premium_rate", timing.PhoneSharedCost: "shared_cost",
		timing.PhoneVoIP: "voip", timing.PhonePersonalNumber: "personal_number",
		timing.PhonePager: "pager", timing.PhoneUAN: "uan", timing.PhoneVoicemail: "voicemail",
		timing.PhoneUnknown: "unknown",
	} {
		require.Equal(t, s, string(typ))
	}
}
