package unipile

import (
	"context"
	"sync"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// Chats remembers which Unipile chat the seat already has with a
// recipient, so that a follow-up message is written to that chat
// (POST chats/{chat_id}/messages) instead of starting another. recipient is
// the recipient's LinkedIn address as [Channel.Send] normalised it: the
// profile's public identifier or the member's provider ID.
//
// The default, [NewMemoryStore], forgets on restart; a host that runs more
// than one process, or restarts, backs it with its own store. A chat that
// is forgotten is not lost: Unipile starts or reuses the 1:1 chat when a
// message is sent to the member again.
type Chats interface {
	Chat(ctx context.Context, accountID, recipient string) (chatID string, ok bool, err error)
	SetChat(ctx context.Context, accountID, recipient, chatID string) error
}

// Intent is what [Channel.Send] is about to ask, or asked, Unipile: written
// to the [Journal] before the request leaves, completed with the
// provider's ID once Unipile answers. It is what [Channel.Lookup] finds a
// touch by, since Unipile keeps no idempotency keys.
type Intent struct {
	// Key is the message's idempotency key: the touch ID.
	Key string
	// AccountID is the seat's Unipile account ID.
	AccountID string
	// Action is a connection request or a LinkedIn message.
	Action channel.Action
	// ProviderID is the recipient's LinkedIn provider ID, when it was known
	// before the request (always for an invitation).
	ProviderID string
	// ChatID is the chat written to, or "" when the request starts one.
	ChatID string
	// Text is the note or the message sent.
	Text string
	// Started is when the request was about to leave.
	Started time.Time
	// ProviderMessageID is the invitation's or message's ID once Unipile
	// confirmed it; "" while the request's outcome is unknown.
	ProviderMessageID string
}

// Journal keeps one [Intent] per idempotency key. Lookup is only as good
// as the journal: the default, [NewMemoryStore], serves the process that
// sent; a host whose engine reconciles after a crash, or in another
// process, backs it with its database.
type Journal interface {
	// Intent returns the intent recorded under key.
	Intent(ctx context.Context, key string) (Intent, bool, error)
	// Record stores in, replacing what was recorded under in.Key.
	Record(ctx context.Context, in Intent) error
	// Forget removes what was recorded under key: the request provably
	// reached no one.
	Forget(ctx context.Context, key string) error
	// Latest returns the intent of the seat accountID to the member with
	// LinkedIn provider ID providerID, of action (any action when ""), that
	// started last: what a notice about that member answers (see
	// [DecoderConfig.Journal]).
	Latest(ctx context.Context, accountID, providerID string, action channel.Action) (Intent, bool, error)
}

// MemoryStore is the in-memory [Chats], [Journal] and [SeatLinks]: safe for concurrent
// use, lost with the process.
type MemoryStore struct {
	mu      sync.Mutex
	chats   map[[2]string]string
	intents map[string]Intent
	links   map[string]SeatLink
}

var (
	_ Chats     = (*MemoryStore)(nil)
	_ Journal   = (*MemoryStore)(nil)
	_ SeatLinks = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{chats: map[[2]string]string{}, intents: map[string]Intent{}, links: map[string]SeatLink{}}
}

// Chat implements [Chats].
func (s *MemoryStore) Chat(_ context.Context, accountID, recipient string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.chats[[2]string{accountID, recipient}]
	return id, ok, nil
}

// SetChat implements [Chats].
func (s *MemoryStore) SetChat(_ context.Context, accountID, recipient, chatID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[[2]string{accountID, recipient}] = chatID
	return nil
}

// Intent implements [Journal].
func (s *MemoryStore) Intent(_ context.Context, key string) (Intent, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.intents[key]
	return in, ok, nil
}

// Record implements [Journal].
func (s *MemoryStore) Record(_ context.Context, in Intent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.intents[in.Key] = in
	return nil
}

// Forget implements [Journal].
func (s *MemoryStore) Forget(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.intents, key)
	return nil
}

// Latest implements [Journal], scanning every intent.
func (s *MemoryStore) Latest(_ context.Context, accountID, providerID string, action channel.Action) (Intent, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best Intent
	found := false
	for _, in := range s.intents {
		if in.AccountID != accountID || in.ProviderID != providerID || (action != "" && in.Action != action) {
			continue
		}
		if !found || in.Started.After(best.Started) || (in.Started.Equal(best.Started) && in.Key > best.Key) {
			best, found = in, true
		}
	}
	return best, found, nil
}

// Link implements [SeatLinks].
func (m *MemoryStore) Link(ctx context.Context, name string) (SeatLink, bool, error) {
	if err := ctx.Err(); err != nil {
		return SeatLink{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.links[name]
	return l, ok, nil
}

// PutLink implements [SeatLinks].
func (m *MemoryStore) PutLink(ctx context.Context, l SeatLink) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.links[l.Name] = l
	return nil
}
