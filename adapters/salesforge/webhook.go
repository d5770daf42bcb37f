package salesforge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
)

// The webhook types Salesforge documents; a webhook carries one.
const (
	TypeEmailSent           = "email_sent"
	TypeEmailOpened         = "email_opened"
	TypeLinkClicked         = "link_clicked"
	TypeEmailReplied        = "email_replied"
	TypeLinkedInReplied     = "linkedin_replied"
	TypeContactUnsubscribed = "contact_unsubscribed"
	TypeEmailBounced        = "email_bounced"
	TypePositiveReply       = "positive_reply"
	TypeNegativeReply       = "negative_reply"
	TypeLabelChanged        = "label_changed"
	TypeDNCAdded            = "dnc_added"
)

// WebhookTypes returns every webhook type, in Salesforge's order.
func WebhookTypes() []string {
	return []string{TypeEmailSent, TypeEmailOpened, TypeLinkClicked, TypeEmailReplied, TypeLinkedInReplied,
		TypeContactUnsubscribed, TypeEmailBounced, TypePositiveReply, TypeNegativeReply, TypeLabelChanged, TypeDNCAdded}
}

// EventTypes are the webhook types [Decoder] turns into events: the ones
// to register (one webhook each, as Salesforge takes one type per webhook).
func EventTypes() []string {
	return []string{TypeEmailReplied, TypePositiveReply, TypeNegativeReply, TypeContactUnsubscribed, TypeEmailBounced, TypeDNCAdded}
}

// DefaultTokenParam is the query parameter that carries the webhook token:
// Salesforge is given a URL and nothing else, so the secret goes in it.
const DefaultTokenParam = "token"

// Webhook is a webhook registered with Salesforge.
type Webhook struct {
	ID         string `json:"id,omitempty"`
	Name       string `json:"name"`
	URL        string `json:"url"`
	Type       string `json:"type"`
	SequenceID string `json:"sequenceID,omitempty"`
}

// Webhooks lists a workspace's webhooks (GET
// /workspaces/{wid}/integrations/webhooks), every page.
func (c *Client) Webhooks(ctx context.Context, workspaceID string) ([]Webhook, error) {
	if err := required("workspaceID", workspaceID); err != nil {
		return nil, err
	}
	return list[Webhook](ctx, c, "/workspaces/"+seg(workspaceID)+"/integrations/webhooks", nil)
}

// CreateWebhook registers w (POST /workspaces/{wid}/integrations/webhooks)
// and returns it as Salesforge answered, with its ID. w.URL should come
// from [WebhookURL], so that it carries the token [NewVerifier] checks;
// w.SequenceID empty means every sequence of the workspace.
func (c *Client) CreateWebhook(ctx context.Context, workspaceID string, w Webhook) (Webhook, error) {
	if err := required("workspaceID", workspaceID); err != nil {
		return Webhook{}, err
	}
	switch u, err := url.Parse(w.URL); {
	case !slices.Contains(WebhookTypes(), w.Type):
		return Webhook{}, channel.Permanent(invalid.Field("salesforge", "Webhook", "Type", w.Type, "not a Salesforge webhook type"))
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return Webhook{}, channel.Permanent(invalid.Field("salesforge", "Webhook", "URL", "(hidden)", "not an http(s) URL"))
	}
	if w.Name == "" {
		w.Name = "outbound " + w.Type
	}
	w.ID = ""
	var out Webhook
	err := c.do(ctx, request{method: http.MethodPost, path: "/workspaces/" + seg(workspaceID) + "/integrations/webhooks", body: w}, &out)
	return out, err
}

// WebhookURL returns endpoint with the token added as its query parameter
// param (default [DefaultTokenParam]): the URL to register.
func WebhookURL(endpoint, param, token string) (string, error) {
	if param == "" {
		param = DefaultTokenParam
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", invalid.Field("salesforge", "", "endpoint", endpoint, "not an http(s) URL")
	}
	if token == "" {
		return "", invalid.Field("salesforge", "", "token", "", "required")
	}
	q := u.Query()
	q.Set(param, token)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// NewVerifier returns the verifier of Salesforge's webhooks: the request's
// URL must carry one of tokens in the query parameter param (default
// [DefaultTokenParam]), compared in constant time. Salesforge signs
// nothing, so the token is the only proof; several let one be rotated.
func NewVerifier(param string, tokens ...string) (*webhook.TokenVerifier, error) {
	if param == "" {
		param = DefaultTokenParam
	}
	v, err := webhook.NewTokenVerifier(webhook.TokenConfig{Query: param, Tokens: tokens})
	if err != nil {
		return nil, fmt.Errorf("salesforge: %w", err)
	}
	return v, nil
}

// Payload is a Salesforge webhook body, as its help centre documents it
// for email_sent; the other types are read with the same fields.
type Payload struct {
	WebhookInfo struct {
		ID        string `json:"id"`
		EventTime string `json:"eventTime"`
		Type      string `json:"type"`
	} `json:"webhookInfo"`
	SequenceEmail *Email `json:"sequenceEmail,omitempty"`
	Workspace     *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Slug string `json:"slug"`
	} `json:"workspace,omitempty"`
	Contact *struct {
		ID        string `json:"id"`
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
		Email     string `json:"email"`
		Company   string `json:"company"`
	} `json:"contact,omitempty"`
	Sequence *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"sequence,omitempty"`
	Mailbox *struct {
		ID           string `json:"id"`
		FirstName    string `json:"firstName"`
		LastName     string `json:"lastName"`
		Email        string `json:"email"`
		CustomDomain string `json:"customDomain"`
	} `json:"mailbox,omitempty"`
	EmailSentData *struct {
		Step        int  `json:"step"`
		AIGenerated bool `json:"ai_generated"`
	} `json:"emailSentData,omitempty"`
	// Reply is the reply of a reply webhook. Not documented: read from
	// "reply", else "replyEmail", in the shape of sequenceEmail.
	Reply      *Email `json:"reply,omitempty"`
	ReplyEmail *Email `json:"replyEmail,omitempty"`
	// Bounce says what kind of bounce an email_bounced is. Not documented:
	// read from "bounce", else "emailBouncedData".
	Bounce           *Bounce `json:"bounce,omitempty"`
	EmailBouncedData *Bounce `json:"emailBouncedData,omitempty"`
	// Label is a reply's label (label_changed, positive_reply,
	// negative_reply). Not documented: read from "label" as a string or
	// {"name"}.
	Label *Label `json:"label,omitempty"`
}

// Email is an email of a webhook payload.
type Email struct {
	EmailID   string `json:"emailId"`
	FromEmail string `json:"fromEmail"`
	FromName  string `json:"fromName"`
	ToEmail   string `json:"toEmail"`
	ToName    string `json:"toName"`
	Subject   string `json:"subject"`
	Content   struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"content"`
}

// Bounce is the undocumented bounce block of an email_bounced payload.
type Bounce struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// Label is a reply's label: "name" of an object, or a bare string.
type Label struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// UnmarshalJSON reads a label given as a string or an object.
func (l *Label) UnmarshalJSON(b []byte) error {
	if s := strings.TrimSpace(string(b)); strings.HasPrefix(s, `"`) {
		var name string
		if err := json.Unmarshal(b, &name); err != nil {
			return err
		}
		l.Name = name
		return nil
	}
	type plain Label
	return json.Unmarshal(b, (*plain)(l))
}

// Decoder is the [webhook.Decoder] of Salesforge's webhooks. It is
// stateless and safe for concurrent use.
//
//   - email_replied, positive_reply, negative_reply: a reply
//     (EventReplied), From the contact, Body the reply's text when the
//     payload carries it; metadata "sentiment" positive or negative for the
//     last two, "label" when one is given;
//   - email_bounced: EventBounced, or EventSoftBounced when the payload's
//     bounce type says soft;
//   - contact_unsubscribed: EventOptedOut;
//   - dnc_added: EventOptedOut, Detail "dnc_added" (the contact was put on
//     the workspace's do-not-contact list);
//   - email_sent, email_opened, link_clicked, label_changed,
//     linkedin_replied, and any type not known: no events (answered 200).
//     Salesforge reports sends of its own sequences, not of this channel;
//     opens and clicks are not events the engine keeps (image proxies make
//     them unreliable); a label change alone changes nothing; LinkedIn
//     replies come through the LinkedIn channel.
//
// Every event's ProviderEventID is the webhook type, the email ID and the
// event time in UTC ("email_replied/<emailId>/2023-12-06T14:03:31Z"):
// Salesforge's webhookInfo.id names the webhook, not the event, so a
// delivery again is recognised by these three.
type Decoder struct {
	// Provider names the provider in events. Default [Name]; it must be
	// the channel's provider for events to find their touches.
	Provider string
}

var _ webhook.Decoder = Decoder{}

// Decode implements [webhook.Decoder]. A body that is not a JSON object, a
// payload without webhookInfo.type or a readable eventTime, or an event
// with no contact address, is an error wrapping [webhook.ErrPayload].
func (d Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	var p Payload
	if err := adapterkit.DecodeObject(body, &p); err != nil {
		return nil, fmt.Errorf("salesforge: %w", err)
	}
	e, err := d.Event(&p)
	if err != nil || e == nil {
		return nil, err
	}
	return []outbound.Inbound{{Message: e}}, nil
}

// Event turns one payload into its event, or nil for a type that makes
// none. Its errors wrap [webhook.ErrPayload].
func (d Decoder) Event(p *Payload) (*channel.Event, error) {
	typ := strings.ToLower(strings.TrimSpace(p.WebhookInfo.Type))
	if typ == "" {
		return nil, fmt.Errorf("%w: salesforge: no webhookInfo.type", webhook.ErrPayload)
	}
	var et channel.EventType
	switch typ {
	case TypeEmailReplied, TypePositiveReply, TypeNegativeReply:
		et = channel.EventReplied
	case TypeEmailBounced:
		et = channel.EventBounced
	case TypeContactUnsubscribed, TypeDNCAdded:
		et = channel.EventOptedOut
	default:
		return nil, nil
	}
	at, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(p.WebhookInfo.EventTime))
	if err != nil {
		return nil, fmt.Errorf("%w: salesforge: %s eventTime %q: not RFC 3339", webhook.ErrPayload, typ, adapterkit.Truncate(p.WebhookInfo.EventTime, 40))
	}
	sent := p.SequenceEmail
	if sent == nil {
		sent = &Email{}
	}
	contact := ""
	if p.Contact != nil {
		contact = p.Contact.Email
	}
	contact = strings.TrimSpace(firstOf(contact, sent.ToEmail))
	if contact == "" {
		return nil, fmt.Errorf("%w: salesforge: a %s without contact.email or sequenceEmail.toEmail", webhook.ErrPayload, typ)
	}
	mailbox := sent.FromEmail
	if p.Mailbox != nil {
		mailbox = firstOf(p.Mailbox.Email, mailbox)
	}
	emailID := strings.TrimSpace(sent.EmailID)
	key := emailID
	if key == "" && p.Contact != nil {
		key = p.Contact.ID
	}
	if key == "" {
		key = strings.ToLower(contact)
	}
	provider := d.Provider
	if provider == "" {
		provider = Name
	}
	e := &channel.Event{
		Provider:          provider,
		ProviderEventID:   typ + "/" + key + "/" + at.UTC().Format(time.RFC3339Nano),
		Type:              et,
		Kind:              channel.Email,
		ProviderMessageID: MessageID(emailID),
		From:              contact,
		To:                strings.TrimSpace(mailbox),
		At:                at,
		Metadata:          map[string]string{"salesforge_type": typ},
	}
	meta := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			e.Metadata[k] = v
		}
	}
	if p.Sequence != nil {
		meta("sequence_id", p.Sequence.ID)
	}
	if p.Contact != nil {
		meta("contact_id", p.Contact.ID)
	}
	if p.Mailbox != nil {
		meta("mailbox_id", p.Mailbox.ID)
	}
	if p.Workspace != nil {
		meta("workspace_id", p.Workspace.ID)
	}
	if p.Label != nil {
		meta("label", p.Label.Name)
	}
	meta("email_id", emailID)
	switch typ {
	case TypePositiveReply:
		e.Metadata["sentiment"] = "positive"
	case TypeNegativeReply:
		e.Metadata["sentiment"] = "negative"
	case TypeDNCAdded:
		e.Detail = TypeDNCAdded
	case TypeEmailBounced:
		b := p.Bounce
		if b == nil {
			b = p.EmailBouncedData
		}
		e.Detail = "hard"
		if b != nil {
			if strings.Contains(strings.ToLower(b.Type), "soft") {
				e.Type, e.Detail = channel.EventSoftBounced, "soft"
			}
			if r := strings.TrimSpace(b.Reason); r != "" {
				e.Detail += ": " + adapterkit.Truncate(r, 200)
			}
		}
	}
	if et == channel.EventReplied {
		r := p.Reply
		if r == nil {
			r = p.ReplyEmail
		}
		if r != nil {
			e.Body = firstOf(r.Content.Text, r.Content.HTML)
			meta("reply_email_id", r.EmailID)
		}
	}
	return e, nil
}

// MessageID turns a Salesforge email ID into the provider message ID the
// channel's receipts carry: an ID of the form local@domain (Salesforge
// shows its email IDs so, as a Message-ID without its angle brackets) gets
// them, so that it equals the Message-ID of the email this channel sent;
// any other ID is kept as it is.
func MessageID(emailID string) string {
	emailID = strings.TrimSpace(emailID)
	if emailID == "" || strings.HasPrefix(emailID, "<") || !strings.Contains(emailID, "@") || strings.ContainsAny(emailID, " <>") {
		return emailID
	}
	return "<" + emailID + ">"
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
