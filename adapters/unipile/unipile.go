package unipile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// Name is the provider's name in receipts, events and, by default, in
// [channel.Info].
const Name = "unipile"

// DefaultMaxNote is the longest connection-request note, in characters
// (Unicode code points), a paid LinkedIn account may send. Free accounts
// are held to 200: set [Config.MaxNote].
const DefaultMaxNote = 300

// ErrUnconfirmed is matched by the error of a send, or of a lookup, whose
// earlier attempt may have reached the recipient and cannot be checked
// through the API: a message that was to start a chat and got no answer.
// The send is permanent, so the engine neither sends it again nor retries.
var ErrUnconfirmed = errors.New("unipile: an earlier attempt may have been delivered and cannot be checked")

// Config configures a [Channel].
type Config struct {
	// DSN is the Unipile account's API address, as its dashboard gives it
	// ("api8.unipile.com:13851", with or without "https://" and "/api/v1").
	// Required.
	DSN string
	// APIKey is the access token sent as X-API-KEY. Required; never logged.
	APIKey string
	// Provider names the provider account in [channel.Info], as the pool's
	// LinkedIn seats name theirs. Default [Name].
	Provider string
	// MaxNote is the longest connection-request note, in characters.
	// Default [DefaultMaxNote].
	MaxNote int
	// Chats remembers each recipient's chat. Default: a [MemoryStore].
	Chats Chats
	// Journal records each send before it leaves, for [Channel.Lookup].
	// Default: a [MemoryStore] (the same one as Chats when both are unset).
	Journal Journal
	// Client sends the requests. Default: a client with a 30 s timeout.
	Client *http.Client
	// Now tells the time. Required (a clock's Now).
	Now func() time.Time
	// Logger gets a record per failed request: method, path, status and
	// Unipile's error type; never the key, a body or a recipient. Default:
	// discards.
	Logger *slog.Logger
}

// Channel is the LinkedIn channel through Unipile's v1 API: connection
// requests (POST users/invite, after GET users/{identifier} for a profile
// URL) and messages (POST chats, or POST chats/{chat_id}/messages once the
// seat has a chat with the recipient). The seat is the message's
// From.Address: its Unipile account ID.
//
// Unipile takes no idempotency key, so the channel is at most once and a
// [channel.Reconciler]: see [Channel.Lookup]. It is safe for concurrent
// use.
type Channel struct {
	cfg  Config
	base string
	log  *slog.Logger
}

var (
	_ channel.Channel    = (*Channel)(nil)
	_ channel.Describer  = (*Channel)(nil)
	_ channel.Reconciler = (*Channel)(nil)
	_ channel.Withdrawer = (*Channel)(nil)
)

// New checks cfg and returns the channel, or a *invalid.FieldError naming
// the first missing or bad field.
func New(cfg Config) (*Channel, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("unipile", "Config", field, v, reason)
	}
	base, err := baseURL(cfg.DSN)
	switch {
	case err != nil:
		return nil, bad("DSN", cfg.DSN, err.Error())
	case cfg.APIKey == "":
		return nil, bad("APIKey", "", "required")
	case cfg.Now == nil:
		return nil, bad("Now", nil, "required (a clock's Now)")
	case cfg.MaxNote < 0:
		return nil, bad("MaxNote", cfg.MaxNote, "must not be negative")
	}
	if cfg.Provider == "" {
		cfg.Provider = Name
	}
	if cfg.MaxNote == 0 {
		cfg.MaxNote = DefaultMaxNote
	}
	if cfg.Chats == nil || cfg.Journal == nil {
		mem := NewMemoryStore()
		if cfg.Chats == nil {
			cfg.Chats = mem
		}
		if cfg.Journal == nil {
			cfg.Journal = mem
		}
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Channel{cfg: cfg, base: base, log: log.With(slog.String("provider", cfg.Provider))}, nil
}

// baseURL turns a DSN into the API's base URL, ending in /api/v1.
func baseURL(dsn string) (string, error) {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return "", errors.New("required")
	}
	if !strings.Contains(dsn, "://") {
		dsn = "https://" + dsn
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("not an API address: host[:port], optionally with https:// and /api/v1")
	}
	path := strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v1")
	return u.Scheme + "://" + u.Host + path + "/api/v1", nil
}

// Kind is channel.LinkedIn.
func (c *Channel) Kind() channel.Kind { return channel.LinkedIn }

// Describe names the provider account and declares at-most-once delivery:
// Unipile keeps no idempotency keys.
func (c *Channel) Describe() channel.Info {
	return channel.Info{Provider: c.cfg.Provider, Delivery: channel.AtMostOnce}
}

// Send sends a connection request (channel.ActionConnectionRequest, the
// default for LinkedIn; Body is the optional note) or a message
// (channel.ActionLinkedInMessage) from the seat whose Unipile account ID
// is m.From.Address to m.To.LinkedIn: a profile URL
// (https://www.linkedin.com/in/<public-id>) or the member's provider ID.
//
// The receipt's ProviderMessageID is the invitation's ID or the message's
// ID. A message that is not valid (a note past [Config.MaxNote] characters
// among them) is a permanent error naming the field; Unipile's refusals
// are classified as [APIError] says; a request that got no answer is
// retryable, and sending the touch again first checks, through the API,
// whether the earlier attempt arrived; a cancelled context returns its
// error.
func (c *Channel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, err
	}
	if m == nil || m.Kind != channel.LinkedIn {
		return channel.Receipt{}, c.permanent(fmt.Errorf("unipile: a LinkedIn channel got a %s message", kindOf(m)))
	}
	if _, err := (channel.Rules{MaxConnectionNote: c.cfg.MaxNote}).Validate(m); err != nil {
		return channel.Receipt{}, c.permanent(err)
	}
	recipient, isURL, err := normaliseRecipient(m.To.LinkedIn)
	if err != nil {
		return channel.Receipt{}, c.permanent(err)
	}
	if rc, done, err := c.resume(ctx, m.IdempotencyKey); done || err != nil {
		return rc, err
	}
	in := Intent{Key: m.IdempotencyKey, AccountID: m.From.Address, Action: m.ResolvedAction(), Text: m.Body}
	switch in.Action {
	case channel.ActionConnectionRequest:
		return c.invite(ctx, in, recipient, isURL)
	default:
		return c.message(ctx, in, recipient, isURL)
	}
}

// resume answers a send of a key the journal knows: the receipt of one
// confirmed, or of one the API shows arrived; done is false when the key
// was never sent, or its earlier attempt provably did not arrive.
func (c *Channel) resume(ctx context.Context, key string) (channel.Receipt, bool, error) {
	rc, found, err := c.Lookup(ctx, key)
	if errors.Is(err, ErrUnconfirmed) {
		return channel.Receipt{}, false, c.permanent(err)
	}
	return rc, found, err
}

// invite looks the profile up when it is given by URL, then sends the
// invitation.
func (c *Channel) invite(ctx context.Context, in Intent, recipient string, isURL bool) (channel.Receipt, error) {
	in.ProviderID = recipient
	if isURL {
		id, err := c.providerID(ctx, in.AccountID, recipient)
		if err != nil {
			return channel.Receipt{}, err
		}
		in.ProviderID = id
	}
	body := map[string]string{"account_id": in.AccountID, "provider_id": in.ProviderID}
	if in.Text != "" {
		body["message"] = in.Text
	}
	var out struct {
		InvitationID string `json:"invitation_id"`
	}
	return c.send(ctx, in, request{method: http.MethodPost, path: "/users/invite", json: body}, &out, func() string { return out.InvitationID })
}

// message writes to the chat the seat has with the recipient, or starts
// one.
func (c *Channel) message(ctx context.Context, in Intent, recipient string, isURL bool) (channel.Receipt, error) {
	chatID, ok, err := c.cfg.Chats.Chat(ctx, in.AccountID, recipient)
	if err != nil {
		return channel.Receipt{}, fmt.Errorf("unipile: reading the chats: %w", err)
	}
	if ok {
		in.ChatID = chatID
		var out struct {
			MessageID string `json:"message_id"`
		}
		r := request{method: http.MethodPost, path: "/chats/" + url.PathEscape(chatID) + "/messages", form: url.Values{"text": {in.Text}}}
		return c.send(ctx, in, r, &out, func() string { return out.MessageID })
	}
	in.ProviderID = recipient
	if isURL {
		if in.ProviderID, err = c.providerID(ctx, in.AccountID, recipient); err != nil {
			return channel.Receipt{}, err
		}
	}
	var out struct {
		ChatID    string `json:"chat_id"`
		MessageID string `json:"message_id"`
	}
	r := request{method: http.MethodPost, path: "/chats",
		form: url.Values{"account_id": {in.AccountID}, "attendees_ids": {in.ProviderID}, "text": {in.Text}}}
	rc, err := c.send(ctx, in, r, &out, func() string {
		if out.MessageID != "" {
			return out.MessageID
		}
		return out.ChatID
	})
	if err == nil && out.ChatID != "" {
		if err := c.cfg.Chats.SetChat(ctx, in.AccountID, recipient, out.ChatID); err != nil {
			// The message went: the next one starts (or reuses) the chat.
			c.log.WarnContext(ctx, "unipile chat not remembered", "error", err)
		}
	}
	return rc, err
}

// send records the intent, makes the request and records its outcome: the
// provider's ID once answered, nothing when Unipile refused (the request
// did nothing), the intent kept when no answer came (the next send or
// lookup checks).
func (c *Channel) send(ctx context.Context, in Intent, r request, out any, id func() string) (channel.Receipt, error) {
	in.Started = c.cfg.Now()
	if err := c.cfg.Journal.Record(ctx, in); err != nil {
		return channel.Receipt{}, fmt.Errorf("unipile: recording the send: %w", err)
	}
	if err := c.do(ctx, r, out); err != nil {
		if refused(err) {
			if ferr := c.cfg.Journal.Forget(ctx, in.Key); ferr != nil {
				c.log.WarnContext(ctx, "unipile journal not cleared", "error", ferr)
			}
		}
		return channel.Receipt{}, err
	}
	in.ProviderMessageID = id()
	if in.ProviderMessageID == "" {
		return channel.Receipt{}, &channel.Error{Class: channel.ClassRetryable, Provider: c.cfg.Provider,
			Err: fmt.Errorf("%w: %s %s answered without an ID", errUnanswered, r.method, r.path)}
	}
	if err := c.cfg.Journal.Record(ctx, in); err != nil {
		c.log.WarnContext(ctx, "unipile journal not completed", "error", err)
	}
	return c.receipt(in), nil
}

func (c *Channel) receipt(in Intent) channel.Receipt {
	return channel.Receipt{Provider: Name, ProviderMessageID: in.ProviderMessageID, Status: channel.StatusSent, At: c.cfg.Now()}
}

// providerID looks a profile up by its public identifier (GET
// users/{identifier}?account_id=…): a profile visit, which LinkedIn counts
// against the seat's daily limit.
func (c *Channel) providerID(ctx context.Context, accountID, publicID string) (string, error) {
	var out struct {
		ProviderID string `json:"provider_id"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: "/users/" + url.PathEscape(publicID),
		query: url.Values{"account_id": {accountID}}}, &out)
	if err != nil {
		return "", err
	}
	if out.ProviderID == "" {
		return "", c.permanent(fmt.Errorf("unipile: the profile %q has no provider ID", publicID))
	}
	return out.ProviderID, nil
}

// Withdraw cancels an invitation the seat sent that is not accepted yet
// (DELETE users/invite/sent/{invitation_id}?account_id=…). accountID is the
// seat's Unipile account ID (the resource's address, the message's
// From.Address) and invitationID the connection request's receipt
// ProviderMessageID.
//
// Withdraw makes the channel a [channel.Withdrawer]: the engine's daily
// job calls it for each connection request sent
// distribution.Config.ConnectionWithdrawAfter ago (21 days by default) and
// still not accepted, then records the request withdrawn. Errors are
// classified as Send's are: an invitation already accepted, withdrawn or
// expired is a permanent error (the engine records the request withdrawn
// all the same); a 429, a 5xx or no answer is retryable (the engine tries
// again the next day).
func (c *Channel) Withdraw(ctx context.Context, accountID, invitationID string) error {
	switch {
	case strings.TrimSpace(accountID) == "":
		return c.permanent(&channel.ValidationError{Field: "accountID", Reason: "required: the seat's Unipile account ID"})
	case strings.TrimSpace(invitationID) == "":
		return c.permanent(&channel.ValidationError{Field: "invitationID", Reason: "required: the connection request's provider message ID"})
	}
	return c.do(ctx, request{method: http.MethodDelete, path: "/users/invite/sent/" + url.PathEscape(invitationID),
		query: url.Values{"account_id": {accountID}}}, nil)
}

func (c *Channel) permanent(err error) error {
	return &channel.Error{Class: channel.ClassPermanent, Provider: c.cfg.Provider, Err: err}
}

func kindOf(m *channel.Message) string {
	if m == nil {
		return "nil"
	}
	return string(m.Kind)
}

// normaliseRecipient reads a LinkedIn address: a profile URL gives its
// public identifier (isURL true), anything else is taken for the member's
// provider ID.
func normaliseRecipient(addr string) (id string, isURL bool, err error) {
	addr = strings.TrimSpace(addr)
	lower := strings.ToLower(addr)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		if addr == "" || strings.ContainsAny(addr, "/ ?#") || !utf8.ValidString(addr) {
			return "", false, &channel.ValidationError{Field: "To.LinkedIn", Value: addr, Reason: "not a profile URL or a provider ID"}
		}
		return addr, false, nil
	}
	u, perr := url.Parse(addr)
	if perr == nil {
		segs := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(segs) >= 2 && segs[0] == "in" && segs[1] != "" {
			return segs[1], true, nil
		}
	}
	return "", false, &channel.ValidationError{Field: "To.LinkedIn", Value: addr,
		Reason: "a profile URL must read https://www.linkedin.com/in/<public-id>"}
}

// The webhook sources [Channel.CreateWebhook] takes.
const (
	SourceUsers         = "users"          // new_relation: invitations accepted
	SourceMessaging     = "messaging"      // message_received: replies
	SourceAccountStatus = "account_status" // the seats' statuses
)

// CreateWebhook asks Unipile to post the source's notices to requestURL
// (POST webhooks), as JSON with a Content-Type header and the secret in
// header (default [DefaultSecretHeader]), which [NewVerifier] checks. It
// returns the webhook's ID.
func (c *Channel) CreateWebhook(ctx context.Context, source, requestURL, header, secret string) (string, error) {
	if header == "" {
		header = DefaultSecretHeader
	}
	switch {
	case source != SourceUsers && source != SourceMessaging && source != SourceAccountStatus:
		return "", c.permanent(&channel.ValidationError{Field: "source", Value: source, Reason: "users, messaging or account_status"})
	case requestURL == "":
		return "", c.permanent(&channel.ValidationError{Field: "requestURL", Reason: "required"})
	case secret == "":
		return "", c.permanent(&channel.ValidationError{Field: "secret", Reason: "required: Unipile v1 signs nothing"})
	}
	type kv struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	body := map[string]any{"request_url": requestURL, "source": source, "name": "outbound-" + source, "format": "json",
		"headers": []kv{{"Content-Type", "application/json"}, {header, secret}}}
	var out struct {
		WebhookID string `json:"webhook_id"`
	}
	if err := c.do(ctx, request{method: http.MethodPost, path: "/webhooks", json: body}, &out); err != nil {
		return "", err
	}
	return out.WebhookID, nil
}
