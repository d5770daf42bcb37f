package fakes

import (
	"net/url"
	"strings"

	"github.com/outbound-go/outbound"
)

// BookingLead finds the first Cal.com booking link in a message's text
// ("https://cal.com/…?metadata[lead]=ID", as a client's booking URL with
// its {lead} filled in) and returns the lead it names: how a fake lead
// books through the link it was sent.
func BookingLead(text string) (outbound.LeadID, bool) {
	i := strings.Index(text, "https://cal.com/")
	if i < 0 {
		return outbound.LeadID{}, false
	}
	u, err := url.Parse(strings.Fields(text[i:])[0])
	if err != nil {
		return outbound.LeadID{}, false
	}
	id, err := outbound.ParseID[outbound.LeadID](u.Query().Get("metadata[lead]"))
	return id, err == nil
}
