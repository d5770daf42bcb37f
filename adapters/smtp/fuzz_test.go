package smtp_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/outbound-go/outbound/adapters/smtp"
)

// FuzzParseInbound feeds ParseInbound anything, seeded with the samples in
// testdata: it never panics, an error is a *ParseError matching ErrInvalid,
// and every event it returns is valid and parses the same way twice.
func FuzzParseInbound(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("From: a@b.example\nContent-Type: multipart/report; report-type=delivery-status; boundary=Z\n\n--Z\nContent-Type: message/delivery-status\n\nAction: failed\n--Z--\n"))
	f.Add([]byte("Subject: Automatic reply\nFrom: a@b.example\n\nback on 31.02.\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		evs, err := smtp.ParseInbound(bytes.NewReader(raw), opts())
		if err != nil {
			var pe *smtp.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, smtp.ErrInvalid) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		again, err := smtp.ParseInbound(bytes.NewReader(raw), opts())
		if err != nil || len(again) != len(evs) {
			t.Fatalf("second parse differs: %v", err)
		}
		for i, ev := range evs {
			if err := ev.Validate(); err != nil {
				t.Fatalf("event %d invalid: %v", i, err)
			}
			if ev.ProviderEventID != again[i].ProviderEventID || ev.Type != again[i].Type {
				t.Fatalf("event %d differs on a second parse", i)
			}
		}
	})
}
