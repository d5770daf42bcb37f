package donotcall_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// benchRegister lists 1,000,000 random numbers of area code 212 (a tenth
// of it), as one FTC file of ten-digit lines.
func benchRegister(b *testing.B) (*donotcall.FileRegister, string) {
	b.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	var text strings.Builder
	for range 1_000_000 {
		fmt.Fprintf(&text, "212%07d\n", 2_000_000+rng.IntN(8_000_000))
	}
	var l donotcall.FileLoader
	if err := l.ReadUSFile(context.Background(), "212.txt", strings.NewReader(text.String())); err != nil {
		b.Fatal(err)
	}
	r, err := l.Register(donotcall.FileOptions{Clock: timingtest.NewClock(start)})
	if err != nil {
		b.Fatal(err)
	}
	return r, text.String()
}

func BenchmarkFileRegisterStatus(b *testing.B) {
	r, _ := benchRegister(b)
	nums := make([]phone.Number, 1024)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range nums {
		nums[i] = phone.Number{E164: fmt.Sprintf("+1212%07d", 2_000_000+rng.IntN(8_000_000)), Country: "US"}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		r.Status(nums[i%len(nums)])
		i++
	}
}

// BenchmarkFileRegisterWash: a batch of 500 numbers, as the engine asks,
// phone.Parse included.
func BenchmarkFileRegisterWash(b *testing.B) {
	r, _ := benchRegister(b)
	batch := make([]string, 500)
	for i := range batch {
		batch[i] = fmt.Sprintf("+1212555%04d", i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Wash(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadUSFile reads a file of 1,000,000 lines; ns/op ÷ 10⁶ is the
// time per line.
func BenchmarkReadUSFile(b *testing.B) {
	_, text := benchRegister(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		var l donotcall.FileLoader
		if err := l.ReadUSFile(context.Background(), "212.txt", strings.NewReader(text)); err != nil {
			b.Fatal(err)
		}
	}
}
