package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound/adapters/calcom"
	"github.com/outbound-go/outbound/adapters/calcom/calcomtest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/examples/internal/fakes"
)

// A lead sent a booking link (an answer to its meeting request, from a
// client that answers automatically) books a meeting through it half the
// time, 2 to 30 hours later, for a time 2 to 5 days after that. The draw
// is the answer's: the same in every run of a seed, whatever the
// providers. The booking reaches the engine as Cal.com reports it: with
// -providers http, Cal.com's signed webhook on its route; otherwise the
// same body, decoded by the Cal.com adapter and handed over directly.

// booking is a meeting a lead will book.
type booking struct {
	At    time.Time // when the lead books
	UID   string    // Cal.com's booking uid
	Lead  string    // the lead's ID, from the link's metadata[lead]
	Email string
	Name  string
	Start time.Time
}

// bookingOf draws whether the lead a send went to books through the link
// it carries, and when.
func bookingOf(s sent) (booking, bool) {
	m := s.msg
	if m.Kind != channel.Email || m.Metadata["step"] != "0" {
		return booking{}, false
	}
	lead := linkLead(m.Body)
	if lead == "" {
		return booking{}, false
	}
	sum := sha256.Sum256([]byte("booking/" + m.IdempotencyKey))
	u := binary.BigEndian.Uint64(sum[:8])
	if u%2 == 1 {
		return booking{}, false
	}
	at := s.at.Add(2*time.Hour + time.Duration(u>>8%(28*3600))*time.Second)
	start := at.Add(time.Duration(2+u>>40%4) * 24 * time.Hour).Truncate(time.Hour)
	return booking{At: at, UID: fmt.Sprintf("bk_%x", sum[8:16]), Lead: lead, Email: m.To.Email, Name: m.To.Name, Start: start}, true
}

// linkLead is the lead a body's booking link names ("…?metadata[lead]=ID").
func linkLead(body string) string {
	id, ok := fakes.BookingLead(body)
	if !ok {
		return ""
	}
	return id.String()
}

// calcomBooking is the booking as Cal.com's fake writes it.
func (b booking) calcomBooking() calcomtest.Booking {
	return calcomtest.Booking{UID: b.UID, Title: "Intro call", Start: b.Start, End: b.Start.Add(30 * time.Minute),
		Attendee: calcomtest.Person{Name: b.Name, Email: b.Email}, Organizer: calcomtest.Person{Name: "Host", Email: "host@agency.example"},
		Location: "https://cal.com/video/" + b.UID, Metadata: map[string]string{calcom.MetadataLead: b.Lead}}
}

// queueBooking keeps the bookings in order of time, then uid.
func (s *simulation) queueBooking(b booking) {
	i, _ := slices.BinarySearchFunc(s.bookings, b, func(x, y booking) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return strings.Compare(x.UID, y.UID)
	})
	s.bookings = slices.Insert(s.bookings, i, b)
}

// applyBookings hands the engine the bookings made by now, as Cal.com
// reports them.
func (s *simulation) applyBookings(ctx context.Context, now time.Time) error {
	for len(s.bookings) > 0 && !s.bookings[0].At.After(now) {
		b := s.bookings[0]
		s.bookings = s.bookings[1:]
		if s.http != nil {
			if err := s.http.book(ctx, b); err != nil {
				return err
			}
			continue
		}
		body, err := calcomtest.Body(calcom.TriggerCreated, b.calcomBooking(), b.At, nil)
		if err != nil {
			return err
		}
		in, err := calcom.Decoder{}.Decode(nil, body)
		if err != nil {
			return fmt.Errorf("booking %s: %w", b.UID, err)
		}
		if err := s.svc.Accept(ctx, in); err != nil {
			return fmt.Errorf("booking %s: %w", b.UID, err)
		}
	}
	return nil
}
