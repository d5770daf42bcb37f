package storage_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
)

// Two workers and one touch: the first claims it and stalls past its lease,
// the second takes it over, and the first's late update is refused.
func Example_leases() {
	ctx := context.Background()
	var st storage.Store = memory.New()
	nine := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

	touch := outbound.Touch{
		ID:          outbound.TouchID{UUID: uuid.MustParse("00000000-0000-0000-0000-000000000701")},
		Client:      outbound.ClientID{UUID: uuid.MustParse("00000000-0000-0000-0000-00000000c001")},
		Step:        1,
		StepChannel: channel.Email,
		Channel:     channel.Email,
		Action:      channel.ActionEmail,
		ScheduledAt: nine,
		Status:      outbound.TouchScheduled,
	}
	if err := st.InsertTouches(ctx, []outbound.Touch{touch}); err != nil {
		fmt.Println(err)
		return
	}

	claim := func(worker string, now time.Time) []outbound.Touch {
		ts, err := st.ClaimTouches(ctx, storage.Claim{Now: now, Worker: worker, LeaseUntil: now.Add(5 * time.Minute), Limit: 10})
		if err != nil {
			fmt.Println(err)
		}
		return ts
	}
	a := claim("a", nine.Add(time.Minute))
	fmt.Println("a claims:", len(a), "leased by", a[0].LeasedBy, "until", a[0].LeaseUntil.Format("15:04"))
	fmt.Println("b claims at 09:03:", len(claim("b", nine.Add(3*time.Minute))))
	b := claim("b", nine.Add(6*time.Minute))
	fmt.Println("b claims at 09:06:", len(b), "leased by", b[0].LeasedBy)

	late := a[0]
	late.Status = outbound.TouchSent
	err := st.UpdateTouch(ctx, &late, "a")
	fmt.Println("a's update:", errors.Is(err, storage.ErrLeaseLost))

	done := b[0]
	done.Status = outbound.TouchSent
	fmt.Println("b's update:", st.UpdateTouch(ctx, &done, "b"))
	fmt.Println("claims at 10:00:", len(claim("c", nine.Add(time.Hour))))
	// Output:
	// a claims: 1 leased by a until 09:06
	// b claims at 09:03: 0
	// b claims at 09:06: 1 leased by b
	// a's update: true
	// b's update: <nil>
	// claims at 10:00: 0
}

// Two processes assign the pool's last domains to one client whose plan
// allows two: each move compares the state it saw and counts the client's
// domains in the same step, so the client never gets a third and no domain
// goes to two clients.
func Example_moves() {
	ctx := context.Background()
	var st storage.Store = memory.New()
	acme := outbound.ClientID{UUID: uuid.MustParse("00000000-0000-0000-0000-00000000c001")}
	beta := outbound.ClientID{UUID: uuid.MustParse("00000000-0000-0000-0000-00000000c002")}
	var domains []outbound.ResourceID
	for i := range 3 {
		d := outbound.Resource{
			ID:    outbound.ResourceID{UUID: uuid.MustParse(fmt.Sprintf("00000000-0000-0000-0000-0000000d000%d", i+1))},
			Kind:  outbound.KindDomain,
			State: outbound.StateAvailable,
		}
		if err := st.CreateResource(ctx, &d); err != nil {
			fmt.Println(err)
			return
		}
		domains = append(domains, d.ID)
	}
	assign := func(d outbound.ResourceID, to outbound.ClientID) bool {
		moved, err := st.MoveResource(ctx, storage.Move{
			Resource: d, From: outbound.StateAvailable, To: outbound.StateAssigned, ToClient: to, Limit: 2,
		})
		if err != nil {
			fmt.Println(err)
		}
		return moved
	}
	fmt.Println("acme gets domain 1:", assign(domains[0], acme))
	fmt.Println("beta gets domain 1:", assign(domains[0], beta))
	fmt.Println("acme gets domain 2:", assign(domains[1], acme))
	fmt.Println("acme gets domain 3:", assign(domains[2], acme))
	fmt.Println("beta gets domain 3:", assign(domains[2], beta))
	// Output:
	// acme gets domain 1: true
	// beta gets domain 1: false
	// acme gets domain 2: true
	// acme gets domain 3: false
	// beta gets domain 3: true
}
