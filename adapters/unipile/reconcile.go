package unipile

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/outbound-go/outbound/channel"
)

// maxPages bounds how many pages of a list Lookup reads.
const maxPages = 10

// clockSkew is how much earlier than the intent a message found in a chat
// may be stamped and still count as the one sent.
const clockSkew = 2 * time.Minute

// Lookup implements [channel.Reconciler]: it finds what became of the send
// of the touch key. A key the [Journal] does not hold was never sent
// through this journal (found false). A send Unipile confirmed answers its
// receipt. A send whose answer was lost is looked for through the API:
//
//   - a connection request among the seat's sent invitations
//     (GET users/invite/sent), by the recipient's provider ID;
//   - a message to a known chat among the chat's messages
//     (GET chats/{chat_id}/messages), sent by the seat, with the same text,
//     no earlier than the attempt.
//
// A message that was to start a chat cannot be looked for: Lookup returns
// an error matching [ErrUnconfirmed], and the engine marks the touch
// uncertain. A lookup that fails returns its error, with the same effect.
func (c *Channel) Lookup(ctx context.Context, key string) (channel.Receipt, bool, error) {
	in, ok, err := c.cfg.Journal.Intent(ctx, key)
	switch {
	case err != nil:
		return channel.Receipt{}, false, fmt.Errorf("unipile: reading the journal: %w", err)
	case !ok:
		return channel.Receipt{}, false, nil
	}
	return c.reconcile(ctx, in)
}

// reconcile answers an intent: confirmed, found through the API (and then
// recorded as confirmed), or not found (and then forgotten).
func (c *Channel) reconcile(ctx context.Context, in Intent) (channel.Receipt, bool, error) {
	if in.ProviderMessageID != "" {
		return c.receipt(in), true, nil
	}
	var id string
	var err error
	switch {
	case in.Action == channel.ActionConnectionRequest:
		id, err = c.findInvitation(ctx, in)
	case in.ChatID != "":
		id, err = c.findMessage(ctx, in)
	default:
		return channel.Receipt{}, false, fmt.Errorf("%w: touch %s started a chat", ErrUnconfirmed, in.Key)
	}
	if err != nil {
		return channel.Receipt{}, false, fmt.Errorf("unipile: looking up touch %s: %w", in.Key, err)
	}
	if id == "" {
		if err := c.cfg.Journal.Forget(ctx, in.Key); err != nil {
			return channel.Receipt{}, false, fmt.Errorf("unipile: clearing the journal: %w", err)
		}
		return channel.Receipt{}, false, nil
	}
	in.ProviderMessageID = id
	if err := c.cfg.Journal.Record(ctx, in); err != nil {
		c.log.WarnContext(ctx, "unipile journal not completed", "error", err)
	}
	return c.receipt(in), true, nil
}

// findInvitation returns the ID of the seat's sent invitation to the
// intent's recipient, or "".
func (c *Channel) findInvitation(ctx context.Context, in Intent) (string, error) {
	cursor := ""
	for range maxPages {
		q := url.Values{"account_id": {in.AccountID}, "limit": {"100"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Items []struct {
				ID            string `json:"id"`
				InvitedUserID string `json:"invited_user_id"`
			} `json:"items"`
			Cursor *string `json:"cursor"`
		}
		if err := c.do(ctx, request{method: http.MethodGet, path: "/users/invite/sent", query: q}, &page); err != nil {
			return "", err
		}
		for _, it := range page.Items {
			if it.InvitedUserID == in.ProviderID && it.ID != "" {
				return it.ID, nil
			}
		}
		if page.Cursor == nil || *page.Cursor == "" {
			return "", nil
		}
		cursor = *page.Cursor
	}
	return "", fmt.Errorf("more than %d pages of sent invitations", maxPages)
}

// findMessage returns the ID of the seat's message in the intent's chat
// with the intent's text, sent no earlier than the attempt, or "".
func (c *Channel) findMessage(ctx context.Context, in Intent) (string, error) {
	cursor := ""
	for range maxPages {
		q := url.Values{"limit": {"100"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Items []struct {
				ID        string    `json:"id"`
				Text      string    `json:"text"`
				IsSender  flag      `json:"is_sender"`
				Timestamp time.Time `json:"timestamp"`
			} `json:"items"`
			Cursor *string `json:"cursor"`
		}
		if err := c.do(ctx, request{method: http.MethodGet, path: "/chats/" + url.PathEscape(in.ChatID) + "/messages", query: q}, &page); err != nil {
			return "", err
		}
		for _, it := range page.Items {
			if bool(it.IsSender) && it.Text == in.Text && !it.Timestamp.Before(in.Started.Add(-clockSkew)) && it.ID != "" {
				return it.ID, nil
			}
		}
		// Newest first: a page that reaches before the attempt ends it.
		if len(page.Items) > 0 && page.Items[len(page.Items)-1].Timestamp.Before(in.Started.Add(-clockSkew)) {
			return "", nil
		}
		if page.Cursor == nil || *page.Cursor == "" {
			return "", nil
		}
		cursor = *page.Cursor
	}
	return "", fmt.Errorf("more than %d pages of chat messages", maxPages)
}

// flag reads a flag Unipile writes as 0/1 or as a boolean.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "1", "true":
		*f = true
	case "0", "false", "null":
		*f = false
	default:
		return fmt.Errorf("unipile: %s is not a flag", b)
	}
	return nil
}
