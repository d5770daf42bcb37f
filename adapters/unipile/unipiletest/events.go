package unipiletest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// NewRelationPayload is the body of a new_relation webhook: the seat
// account's invitation accepted by p.
func NewRelationPayload(account string, p Profile) []byte {
	b, _ := json.Marshal(map[string]any{"event": "new_relation", "account_id": account, "account_type": "LINKEDIN",
		"webhook_name": "relations", "user_full_name": p.FirstName + " " + p.LastName, "user_provider_id": p.ProviderID,
		"user_public_identifier": p.PublicID, "user_profile_url": p.ProfileURL()})
	return b
}

// MessagePayload is the body of a message_received webhook: m in a chat of
// account, sent by sender (the seat's own messages have fromSeat set).
func MessagePayload(account string, m Message, sender Profile, seatProviderID string) []byte {
	b, _ := json.Marshal(map[string]any{"event": "message_received", "account_id": account, "account_type": "LINKEDIN",
		"webhook_name": "messages", "chat_id": m.ChatID, "message_id": m.ID, "message": m.Text,
		"timestamp":    m.At.UTC().Format(time.RFC3339Nano),
		"account_info": map[string]any{"type": "LINKEDIN", "user_id": seatProviderID},
		"sender": map[string]any{"attendee_id": "att_" + sender.ProviderID, "attendee_name": sender.FirstName + " " + sender.LastName,
			"attendee_provider_id": sender.ProviderID, "attendee_profile_url": sender.ProfileURL()}})
	return b
}

// StatusPayload is the body of an account_status webhook.
func StatusPayload(account, status string) []byte {
	b, _ := json.Marshal(map[string]any{"AccountStatus": map[string]any{"account_id": account, "account_type": "LINKEDIN", "message": status}})
	return b
}

// Accept has the member accept the pending invitation id, and delivers
// new_relation to the "users" webhooks.
func (s *Server) Accept(ctx context.Context, id string) error {
	s.mu.Lock()
	var in *Invitation
	for _, x := range s.invitations {
		if x.ID == id && !x.Accepted {
			in = x
		}
	}
	if in == nil {
		s.mu.Unlock()
		return fmt.Errorf("unipiletest: no pending invitation %s", id)
	}
	in.Accepted = true
	s.relations[[2]string{in.AccountID, in.ProviderID}] = true
	body := NewRelationPayload(in.AccountID, s.profiles[in.ProviderID])
	s.mu.Unlock()
	return s.deliver(ctx, "users", body)
}

// Reply has the member (by public or provider ID) write text to the seat
// account, in their chat, and delivers message_received to the
// "messaging" webhooks.
func (s *Server) Reply(ctx context.Context, account, member, text string) (Message, error) {
	s.mu.Lock()
	p, ok := s.profiles[member]
	seat, known := s.seat(account)
	if !ok || !known {
		s.mu.Unlock()
		return Message{}, fmt.Errorf("unipiletest: unknown account %q or member %q", account, member)
	}
	m := s.post(s.chatWith(account, p.ProviderID), p.ProviderID, false, text)
	body := MessagePayload(account, m, p, seat.ProviderID)
	s.mu.Unlock()
	return m, s.deliver(ctx, "messaging", body)
}

// SetStatus sets the seat account's status (OK, CREDENTIALS, ERROR,
// STOPPED, DELETED, RECONNECTED, …) and delivers it to the
// "account_status" webhooks. A seat not OK (or RECONNECTED) is refused
// every request with 401 errors/disconnected_account.
func (s *Server) SetStatus(ctx context.Context, account, status string) error {
	s.mu.Lock()
	if _, ok := s.seat(account); !ok {
		s.mu.Unlock()
		return fmt.Errorf("unipiletest: unknown account %q", account)
	}
	s.status[account] = status
	s.mu.Unlock()
	return s.deliver(ctx, "account_status", StatusPayload(account, status))
}

// Outcome is what one [Server.Simulate] round did.
type Outcome struct {
	Accepted []Invitation
	Replies  []Message
}

// replies are the texts simulated members reply with.
func replies() []string {
	return []string{"Thanks for reaching out, happy to talk.", "Not interested, thanks.", "Can you send more details?", "Let's book a call next week."}
}

// Simulate plays one round of the members' side, drawn from the seed:
// each pending invitation is accepted with probability accept, and each
// member who got a message from a seat and has not answered it replies
// with probability reply. Deliveries go to the webhooks as they happen.
func (s *Server) Simulate(ctx context.Context, accept, reply float64) (Outcome, error) {
	s.mu.Lock()
	var toAccept []string
	for _, in := range s.invitations {
		if !in.Accepted && s.rng.Float64() < accept {
			toAccept = append(toAccept, in.ID)
		}
	}
	type pending struct{ account, member, text string }
	var toReply []pending
	answered := map[string]bool{}
	for _, m := range s.messages {
		if !m.FromSeat {
			answered[m.ChatID] = true
		}
	}
	for _, c := range s.chats {
		if answered[c.id] {
			continue
		}
		if s.rng.Float64() < reply {
			texts := replies()
			toReply = append(toReply, pending{c.accountID, c.attendee, texts[s.rng.IntN(len(texts))]})
		}
	}
	s.mu.Unlock()
	var out Outcome
	for _, id := range toAccept {
		if err := s.Accept(ctx, id); err != nil {
			return out, err
		}
		for _, in := range s.Invitations() {
			if in.ID == id {
				out.Accepted = append(out.Accepted, in)
			}
		}
	}
	for _, p := range toReply {
		m, err := s.Reply(ctx, p.account, p.member, p.text)
		if err != nil {
			return out, err
		}
		out.Replies = append(out.Replies, m)
	}
	return out, nil
}
