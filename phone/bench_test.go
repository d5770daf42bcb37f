package phone_test

import (
	"testing"

	"github.com/outbound-go/outbound/phone"
)

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := phone.Parse("(02) 9374 4000", "AU"); err != nil {
			b.Fatal(err)
		}
	}
}
