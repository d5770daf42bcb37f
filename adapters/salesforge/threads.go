package salesforge

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// ThreadQuery filters a Primebox listing; the zero value lists every
// thread.
type ThreadQuery struct {
	// Filter is "all" (default), "unread" or "reminders".
	Filter string
	// Positive, when set, keeps the threads marked positive (true) or not.
	Positive *bool
	// Q searches the threads.
	Q string
	// Labels, MailboxIDs and SequenceIDs keep the threads with one of them.
	Labels, MailboxIDs, SequenceIDs []string
}

// Thread is a Primebox thread. Salesforge does not document a thread's
// fields: ID is read from "id", and Raw keeps the whole object.
type Thread struct {
	ID  string
	Raw json.RawMessage
}

// UnmarshalJSON keeps the object and reads its ID.
func (t *Thread) UnmarshalJSON(b []byte) error {
	var p struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	t.ID, t.Raw = p.ID, append(json.RawMessage(nil), b...)
	return nil
}

// Threads lists the workspace's Primebox threads (GET
// /workspaces/{wid}/threads), every page.
func (c *Client) Threads(ctx context.Context, workspaceID string, q ThreadQuery) ([]Thread, error) {
	if err := required("workspaceID", workspaceID); err != nil {
		return nil, err
	}
	v := url.Values{}
	if q.Filter != "" {
		v.Set("filter", q.Filter)
	}
	if q.Positive != nil {
		v.Set("positive", strconv.FormatBool(*q.Positive))
	}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	for k, vs := range map[string][]string{"labels[]": q.Labels, "mailbox_ids[]": q.MailboxIDs, "sequence_ids[]": q.SequenceIDs} {
		for _, s := range vs {
			v.Add(k, s)
		}
	}
	return list[Thread](ctx, c, "/workspaces/"+seg(workspaceID)+"/threads", v)
}

// Labels lists the workspace's Primebox labels.
func (c *Client) Labels(ctx context.Context, workspaceID string) ([]Label, error) {
	if err := required("workspaceID", workspaceID); err != nil {
		return nil, err
	}
	return list[Label](ctx, c, "/workspaces/"+seg(workspaceID)+"/primebox-labels", nil)
}

// ReplyRequest is a reply to a received email.
type ReplyRequest struct {
	// Content is the reply's HTML. Required.
	Content        string   `json:"content"`
	IncludeHistory bool     `json:"includeHistory"`
	CCs            []string `json:"ccs"`
	BCCs           []string `json:"bccs"`
}

// Reply queues a reply from the mailbox to the email emailID it received
// (POST /workspaces/{wid}/mailboxes/{mid}/emails/{emailId}/reply).
// Salesforge sends it later: a nil error means queued, not sent.
func (c *Client) Reply(ctx context.Context, workspaceID, mailboxID, emailID string, r ReplyRequest) error {
	if err := errors.Join(required("workspaceID", workspaceID), required("mailboxID", mailboxID),
		required("emailID", emailID), required("Content", r.Content)); err != nil {
		return err
	}
	if r.CCs == nil {
		r.CCs = []string{}
	}
	if r.BCCs == nil {
		r.BCCs = []string{}
	}
	path := "/workspaces/" + seg(workspaceID) + "/mailboxes/" + seg(mailboxID) + "/emails/" + seg(emailID) + "/reply"
	return c.do(ctx, request{method: http.MethodPost, path: path, body: r}, nil)
}
