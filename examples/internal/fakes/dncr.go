package fakes

import (
	"github.com/outbound-go/outbound/adapters/dncr"
	"github.com/outbound-go/outbound/adapters/dncr/dncrtest"
	"github.com/outbound-go/outbound/timing"
)

// DNCROptions configure [StartDNCR].
type DNCROptions struct {
	// Registered are the numbers on the register, in national form
	// ("0412345678") or E.164.
	Registered []string
	// Listed, when set, says of any other number (in national form)
	// whether it is on the register.
	Listed func(national string) bool
}

// DNCR is the Australian Do Not Call Register's fake (dncrtest) on
// 127.0.0.1 with an account of its own: the credentials and endpoint the
// adapter (adapters/dncr) takes, as a host would configure it.
type DNCR struct {
	*dncrtest.Server
	TelemarketerID, WashOnlyUserID, Password string
}

// StartDNCR starts the register's fake with fresh credentials and credit
// enough for any run; Close it when done.
func StartDNCR(o DNCROptions) *DNCR {
	d := &DNCR{TelemarketerID: "fake-telemarketer-" + Token()[:8], WashOnlyUserID: "fake-wash-user-" + Token()[:8], Password: Token()}
	d.Server = dncrtest.NewServer(dncrtest.Config{TelemarketerID: d.TelemarketerID, WashOnlyUserID: d.WashOnlyUserID,
		Password: d.Password, Registered: o.Registered, Listed: o.Listed, Balance: 1 << 40})
	return d
}

// Config is the adapter's configuration for the fake's account, its
// answers and waits told by clock.
func (d *DNCR) Config(clock timing.Clock) dncr.Config {
	return dncr.Config{TelemarketerID: d.TelemarketerID, WashOnlyUserID: d.WashOnlyUserID, Password: d.Password,
		Endpoint: d.URL(), Clock: clock}
}
