package replies_test

import (
	"context"
	"fmt"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
)

func Example() {
	rules := replies.NewRules()
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, body := range []string{
		"Not right now. Reach out again in Q3.\n\nOn Mon, 9 Mar 2026 at 09:14, Sam <sam@agency.example> wrote:\n> Worth a chat? Reply STOP to opt out.",
		"I'm not the right person, but Jane Smith (jane.smith@acme.example) runs our growth team.",
		"Happy to chat. Are you free Thursday at 2pm?",
	} {
		c, err := rules.Classify(context.Background(), replies.Reply{Kind: channel.Email, Body: body, At: at})
		if err != nil {
			panic(err)
		}
		switch {
		case !c.Until.IsZero():
			fmt.Println(c.Class, "until", c.Until.Format(time.DateOnly))
		case c.Referral.Email != "":
			fmt.Println(c.Class, "to", c.Referral.Name, c.Referral.Email)
		default:
			fmt.Println(c.Class, "on", c.Evidence)
		}
	}
	// Output:
	// not_now until 2026-07-01
	// referral to Jane Smith jane.smith@acme.example
	// meeting_request on Are you free
}

// The default Responder answers a meeting request with the client's
// booking link, naming the lead in it.
func ExampleTemplates() {
	tpl, err := replies.NewTemplates(nil)
	if err != nil {
		panic(err)
	}
	r := replies.Reply{Kind: channel.Email, Body: "Could we set up a call next week?"}
	c, _ := replies.NewRules().Classify(context.Background(), r)
	a, _ := tpl.Respond(context.Background(), replies.Prompt{
		Reply: r, Reading: c, Lead: replies.Person{FirstName: "Ann"}, Sender: "Sam at Acme Agency",
		BookingURL: "https://cal.com/acme/intro?metadata[lead]=L1",
	})
	fmt.Println(c.Class)
	fmt.Println(a.Body)
	// Output:
	// meeting_request
	// Hi Ann,
	//
	// Happy to find a time. You can pick a time that suits you here: https://cal.com/acme/intro?metadata[lead]=L1
	//
	// Sam at Acme Agency
}
