package storage_test

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound/storage"
)

// Two contenders for one leadership: the second leads once the first
// releases. A deployment of several processes uses its database store's
// elector instead (adapters/postgres: DB.Elector).
func ExampleLocalElector() {
	ctx := context.Background()
	var el storage.LocalElector

	a, ok, err := el.TryLead(ctx)
	fmt.Println("a leads:", ok, err)
	_, ok, err = el.TryLead(ctx)
	fmt.Println("b leads:", ok, err)

	if err := a.Check(ctx); err == nil {
		fmt.Println("a plans")
	}
	_ = a.Release(ctx)
	fmt.Println("a still leads:", a.Check(ctx) == nil)

	b, ok, err := el.TryLead(ctx)
	fmt.Println("b leads:", ok, err)
	defer b.Release(ctx)
	// Output:
	// a leads: true <nil>
	// b leads: false <nil>
	// a plans
	// a still leads: false
	// b leads: true <nil>
}
