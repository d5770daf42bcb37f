package memory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
)

// A client's second lead with the same email address, in any case, is
// refused with a *storage.DuplicateError naming the lead that has it.
func Example() {
	ctx := context.Background()
	st := memory.New()

	acme := outbound.Client{
		ID:          outbound.ClientID{UUID: uuid.MustParse("00000000-0000-0000-0000-00000000c001")},
		Name:        "Acme",
		Plan:        "growth",
		DefaultZone: "Australia/Sydney",
		State:       outbound.ClientActive,
	}
	if err := st.CreateClient(ctx, &acme); err != nil {
		fmt.Println(err)
		return
	}
	ann := outbound.Lead{
		ID:     outbound.LeadID{UUID: uuid.MustParse("00000000-0000-0000-0000-0000000000a1")},
		Client: acme.ID,
		Email:  "ann@example.com",
	}
	if err := st.CreateLead(ctx, &ann); err != nil {
		fmt.Println(err)
		return
	}

	again := outbound.Lead{
		ID:     outbound.LeadID{UUID: uuid.MustParse("00000000-0000-0000-0000-0000000000a2")},
		Client: acme.ID,
		Email:  "Ann@Example.com",
	}
	err := st.CreateLead(ctx, &again)
	var dup *storage.DuplicateError
	if errors.As(err, &dup) {
		fmt.Println("field:", dup.Field)
		fmt.Println("value:", dup.Value)
		fmt.Println("existing is ann:", dup.Existing == ann.ID)
	}
	fmt.Println("conflict:", errors.Is(err, storage.ErrConflict))

	found, err := st.FindLead(ctx, acme.ID, "ANN@example.com", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found:", found.Email)
	// Output:
	// field: email
	// value: Ann@Example.com
	// existing is ann: true
	// conflict: true
	// found: ann@example.com
}
