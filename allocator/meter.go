package allocator

import (
	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
)

// A meter is one action counted on one kind of resource; each has its own
// rotation. Caps are per resource per meter: a phone's calls and texts
// count separately.
const (
	meterEmail = iota
	meterCall
	meterSMS
	meterConnection
	meterMessage
	meterLetter
	numMeters
)

// BookingAction is the action a pick of a is counted under (Key.Action):
// a itself, but a postcard's is the letter's, since a mail sender's
// pieces share one cap. "" for an action the allocator does not know.
func BookingAction(a channel.Action) channel.Action {
	m := meterOf(a)
	if m < 0 {
		return ""
	}
	return meterAction(m)
}

// meterOf returns the meter for an action, or -1.
func meterOf(a channel.Action) int {
	switch a {
	case channel.ActionEmail:
		return meterEmail
	case channel.ActionCall:
		return meterCall
	case channel.ActionSMS:
		return meterSMS
	case channel.ActionConnectionRequest:
		return meterConnection
	case channel.ActionLinkedInMessage:
		return meterMessage
	case channel.ActionLetter, channel.ActionPostcard:
		return meterLetter // one mail sender's pieces, letters and postcards, under one cap
	}
	return -1
}

func meterAction(m int) channel.Action {
	switch m {
	case meterEmail:
		return channel.ActionEmail
	case meterCall:
		return channel.ActionCall
	case meterSMS:
		return channel.ActionSMS
	case meterConnection:
		return channel.ActionConnectionRequest
	case meterMessage:
		return channel.ActionLinkedInMessage
	case meterLetter:
		return channel.ActionLetter
	}
	return ""
}

// metersOf returns the meters a resource kind carries (first, count).
func metersOf(k outbound.ResourceKind) (first, n int) {
	switch k {
	case outbound.KindMailbox:
		return meterEmail, 1
	case outbound.KindPhone:
		return meterCall, 2
	case outbound.KindLinkedInSeat:
		return meterConnection, 2
	case outbound.KindMailSender:
		return meterLetter, 1
	}
	return 0, 0
}
