package outbound_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/allocator"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/timing"
	"github.com/outbound-go/outbound/warmup"
)

// TestOneErrInvalidForTheModule: bad input to any package of the module
// matches outbound.ErrInvalid, and the packages that share the module's
// field error name their package, field and value in it.
func TestOneErrInvalidForTheModule(t *testing.T) {
	_, chErr := channel.Validate(&channel.Message{Kind: channel.Email})
	_, dateErr := timing.ParseDate("02/03/2026")
	_, fileErr := leadfile.ReadOptions(strings.NewReader("\n"), leadfile.CSV, leadfile.Options{})
	cases := []struct {
		name    string
		err     error
		pkg     string // "" where the package keeps an error shape of its own
		field   string
		wantVal any // nil: not compared
	}{
		{"warmup", warmup.Curve{}.Validate(), "warmup", "Curve", nil},
		{"sequence", sequence.Gating{"lukewarm": 0}.Validate(), "sequence", "Gating", "lukewarm"},
		{"allocator", allocator.Config{Email: allocator.Cap{Daily: -2}}.Validate(), "allocator", "Email.Daily", -2},
		{"channel", chErr, "channel", "IdempotencyKey", ""},
		{"timing", dateErr, "timing", "date", "02/03/2026"},
		{"leadfile", fileErr, "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("bad input accepted")
			}
			if !errors.Is(c.err, outbound.ErrInvalid) {
				t.Fatalf("%v: does not match outbound.ErrInvalid", c.err)
			}
			if c.pkg == "" {
				return
			}
			var fe *outbound.FieldError
			if !errors.As(c.err, &fe) {
				t.Fatalf("%v: not an *outbound.FieldError", c.err)
			}
			if fe.Package != c.pkg || fe.Field != c.field || (c.wantVal != nil && fe.Value != c.wantVal) {
				t.Fatalf("got %s %s %v, want %s %s %v", fe.Package, fe.Field, fe.Value, c.pkg, c.field, c.wantVal)
			}
		})
	}
}
