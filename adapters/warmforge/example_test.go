package warmforge_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound/adapters/warmforge"
	"github.com/outbound-go/outbound/adapters/warmforge/warmforgetest"
)

// Start warmup for a new mailbox, then read the mailboxes back: one
// landing 80 % in the inbox is throttled, a disconnected one is paused and
// reported as an event that pauses its domain.
func Example() {
	srv := warmforgetest.NewServer(warmforgetest.Config{})
	defer srv.Close()
	fresh := srv.Add(warmforgetest.Mailbox{Address: "outreach@mail-1.com", Status: warmforgetest.StatusPending})
	srv.Add(warmforgetest.Mailbox{Address: "hello@mail-2.com", Status: warmforgetest.StatusAccessLost})
	srv.SetPlacement(fresh, warmforgetest.Placement{Result: 80, EmailSent: 40})

	c, err := warmforge.New(warmforge.Config{
		APIKey: srv.APIKey(), BaseURL: srv.URL(),
		Now: func() time.Time { return time.Date(2026, 8, 10, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		panic(err)
	}
	started, err := c.StartWarmup(context.Background(), "outreach@mail-1.com")
	fmt.Println("warmup started:", started, err)
	started, _ = c.StartWarmup(context.Background(), "outreach@mail-1.com")
	fmt.Println("started again:", started)

	rep, err := c.Check(context.Background())
	if err != nil {
		panic(err)
	}
	for _, m := range rep.Mailboxes {
		fmt.Printf("%s paused=%v throttle=%d: %s\n", m.Address, m.Health.Paused, m.Health.Throttle, m.Reason)
	}
	for _, in := range rep.Events {
		e := in.Provisioning
		fmt.Println(e.Type, e.ProviderRef, e.Address)
	}
	// Output:
	// warmup started: true <nil>
	// started again: false
	// outreach@mail-1.com paused=false throttle=20: latest placement test 80% in inbox, below 90%
	// hello@mail-2.com paused=true throttle=0: disconnected: Warmforge lost access to the mailbox; reconnect it
	// mailbox_disconnected mail-2.com hello@mail-2.com
}
