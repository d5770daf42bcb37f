package channel_test

import (
	"strings"
	"testing"

	"github.com/outbound-go/outbound/channel"
)

var (
	sinkSegments channel.SegmentCount
	sinkKeyword  channel.Keyword
)

func BenchmarkSegments(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"gsm7_160", strings.Repeat("Hello Ana ", 16)},
		{"gsm7_ext_320", strings.Repeat("Price €49 ", 32)},
		{"ucs2_emoji_140", strings.Repeat("Hi 😀 ", 28)},
		{"gsm7_then_ucs2_1600", strings.Repeat("a", 1599) + "ç"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				sinkSegments = channel.Segments(bc.text)
			}
		})
	}
}

func BenchmarkParseKeyword(b *testing.B) {
	for _, bc := range []struct{ name, body string }{
		{"keyword", " Stop. "},
		{"reply", "Sounds good, can you call me tomorrow at 3pm?"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkKeyword = channel.ParseKeyword(bc.body)
			}
		})
	}
	b.Run("custom_lists", func(b *testing.B) {
		k := channel.Keywords{OptOut: []string{"STOP", "ARRET"}, OptIn: []string{"START"}}
		b.ReportAllocs()
		for b.Loop() {
			sinkKeyword = k.Parse("arret!")
		}
	})
}

func BenchmarkValidateSMS(b *testing.B) {
	m := validMessage(channel.ActionSMS)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := channel.Validate(m); err != nil {
			b.Fatal(err)
		}
	}
}
