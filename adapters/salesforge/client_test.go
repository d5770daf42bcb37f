package salesforge_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/salesforge"
	"github.com/outbound-go/outbound/adapters/salesforge/salesforgetest"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

func newClient(t *testing.T, srv *salesforgetest.Server) *salesforge.Client {
	t.Helper()
	c, err := salesforge.NewClient(salesforge.ClientConfig{APIKey: srv.APIKey(), BaseURL: srv.URL(), Now: func() time.Time { return start }})
	require.NoError(t, err)
	return c
}

func newHTTPServer(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

func TestNewClientChecksConfig(t *testing.T) {
	now := func() time.Time { return start }
	for field, cfg := range map[string]salesforge.ClientConfig{
		"APIKey":  {Now: now},
		"BaseURL": {APIKey: "k", BaseURL: "ftp://x", Now: now},
		"Now":     {APIKey: "k"},
	} {
		_, err := salesforge.NewClient(cfg)
		require.ErrorIs(t, err, invalid.ErrInvalid, field)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, field, fe.Field)
	}
}

func TestClientErrorsAreClassified(t *testing.T) {
	ctx := context.Background()
	srv := salesforgetest.NewServer(salesforgetest.Config{})
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	cases := []struct {
		answer salesforgetest.Answer
		class  channel.ErrorClass
	}{
		{salesforgetest.Answer{Status: 429, RetryAfter: 3 * time.Second}, channel.ClassRateLimited},
		{salesforgetest.Answer{Status: 503}, channel.ClassRetryable},
		{salesforgetest.Answer{Status: 422, Message: "bad dncs"}, channel.ClassPermanent},
	}
	for _, tc := range cases {
		srv.Fail(tc.answer)
		err := c.AddDNC(ctx, salesforgetest.DefaultWorkspace, []string{"a@b.example"})
		require.Equal(t, tc.class, channel.Classify(err), "%v", err)
		var ae *salesforge.APIError
		require.ErrorAs(t, err, &ae)
		require.Equal(t, tc.answer.Status, ae.Status)
		if tc.answer.RetryAfter > 0 {
			d, ok := channel.RetryAfter(err)
			require.True(t, ok)
			require.Equal(t, tc.answer.RetryAfter, d)
		}
	}
	// A wrong key and an unknown workspace are refusals, not outages.
	bad, err := salesforge.NewClient(salesforge.ClientConfig{APIKey: "Bearer " + srv.APIKey(), BaseURL: srv.URL(), Now: time.Now})
	require.NoError(t, err)
	_, err = bad.Me(ctx)
	require.True(t, channel.IsPermanent(err))
	require.ErrorContains(t, err, "401")
	err = c.AddDNC(ctx, "wks_nope", []string{"a@b.example"})
	require.ErrorContains(t, err, "404")
	require.True(t, channel.IsPermanent(err))
}

func TestListingsReadEveryPage(t *testing.T) {
	ctx := context.Background()
	var mailboxes []salesforge.Mailbox
	for i := range 250 {
		mailboxes = append(mailboxes, salesforge.Mailbox{ID: "mbox_" + strconv.Itoa(i), Email: "m" + strconv.Itoa(i) + "@s.example"})
	}
	srv := salesforgetest.NewServer(salesforgetest.Config{Mailboxes: mailboxes})
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	got, err := c.Mailboxes(ctx, salesforgetest.DefaultWorkspace)
	require.NoError(t, err)
	require.Equal(t, mailboxes, got)
	require.Equal(t, 3, srv.Requests(), "pages of 100")

	one, err := c.Mailbox(ctx, salesforgetest.DefaultWorkspace, "mbox_7")
	require.NoError(t, err)
	require.Equal(t, "m7@s.example", one.Email)

	srv.AddThreads(salesforgetest.DefaultWorkspace,
		salesforgetest.Thread{ID: "th_1", MailboxID: "mbox_1", Positive: true, Unread: true},
		salesforgetest.Thread{ID: "th_2", MailboxID: "mbox_2"},
		salesforgetest.Thread{ID: "th_3", MailboxID: "mbox_1", Positive: false, Labels: []string{"lbl_x"}})
	yes := true
	ts, err := c.Threads(ctx, salesforgetest.DefaultWorkspace, salesforge.ThreadQuery{Positive: &yes, Filter: "unread"})
	require.NoError(t, err)
	require.Len(t, ts, 1)
	require.Equal(t, "th_1", ts[0].ID)
	require.Contains(t, string(ts[0].Raw), `"mailboxId":"mbox_1"`)
	ts, err = c.Threads(ctx, salesforgetest.DefaultWorkspace, salesforge.ThreadQuery{MailboxIDs: []string{"mbox_1"}})
	require.NoError(t, err)
	require.Len(t, ts, 2)
	_, err = c.Threads(ctx, salesforgetest.DefaultWorkspace, salesforge.ThreadQuery{Filter: "starred"})
	require.True(t, channel.IsPermanent(err), "the fake refuses an unknown filter: %v", err)

	labels, err := c.Labels(ctx, salesforgetest.DefaultWorkspace)
	require.NoError(t, err)
	require.NotEmpty(t, labels)
}

func TestReply(t *testing.T) {
	ctx := context.Background()
	srv := salesforgetest.NewServer(salesforgetest.Config{})
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	require.NoError(t, c.Reply(ctx, salesforgetest.DefaultWorkspace, salesforgetest.DefaultMailbox, "r1@gates.com",
		salesforge.ReplyRequest{Content: "<p>Tuesday works.</p>", IncludeHistory: true}))
	require.Equal(t, []salesforgetest.Reply{{Workspace: salesforgetest.DefaultWorkspace, Mailbox: salesforgetest.DefaultMailbox,
		EmailID: "r1@gates.com", Content: "<p>Tuesday works.</p>", IncludeHistory: true, CCs: []string{}, BCCs: []string{}}}, srv.Replies())

	err := c.Reply(ctx, salesforgetest.DefaultWorkspace, salesforgetest.DefaultMailbox, "r1@gates.com", salesforge.ReplyRequest{})
	require.ErrorIs(t, err, invalid.ErrInvalid, "no content: refused before any request")
	err = c.Reply(ctx, salesforgetest.DefaultWorkspace, "mbox_unknown", "r1", salesforge.ReplyRequest{Content: "x"})
	require.ErrorContains(t, err, "404")
}
