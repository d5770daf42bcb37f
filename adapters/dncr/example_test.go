package dncr_test

import (
	"context"
	"fmt"

	"github.com/outbound-go/outbound/adapters/dncr"
	"github.com/outbound-go/outbound/adapters/dncr/dncrtest"
)

func Example() {
	fake := dncrtest.NewServer(dncrtest.Config{TelemarketerID: "TM1", WashOnlyUserID: "U1", Password: "secret",
		Balance: 100, Registered: []string{"0412000001"}})
	defer fake.Close()
	reg, err := dncr.New(dncr.Config{TelemarketerID: "TM1", WashOnlyUserID: "U1", Password: "secret", Endpoint: fake.URL()})
	if err != nil {
		panic(err)
	}
	res, err := reg.Wash(context.Background(), []string{"+61412000001", "+61412000002", "+61 1"})
	if err != nil {
		panic(err)
	}
	for _, r := range res {
		fmt.Println(r.Phone, r.Status)
	}
	bal, _ := reg.Balance(context.Background())
	fmt.Println("balance", bal)
	// Output:
	// +61 1 unknown
	// +61412000001 registered
	// +61412000002 clear
	// balance 98
}
