package twilio

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/phone"
)

// touchParam is the query parameter of the status callback URLs that
// carries the touch ID, for Twilio's logs and the host's.
const touchParam = "touch"

// findPage is how many of the newest messages or calls between two numbers
// a Find reads.
const findPage = 50

// SMS sends texts (POST …/Messages.json). Twilio takes no idempotency key:
// the channel is at most once and a channel.Finder, which finds a text by
// its numbers and time. It is safe for concurrent use.
type SMS struct{ c *Client }

var (
	_ channel.Channel   = (*SMS)(nil)
	_ channel.Describer = (*SMS)(nil)
	_ channel.Finder    = (*SMS)(nil)
)

// SMS returns the client's text channel.
func (c *Client) SMS() *SMS { return &SMS{c: c} }

// Kind returns channel.SMS.
func (s *SMS) Kind() channel.Kind { return channel.SMS }

// Describe declares at-most-once delivery and the rate.
func (s *SMS) Describe() channel.Info { return s.c.info() }

// Send sends the text: From.Address is the pool's number (E.164), To.Phone
// the lead's, Body the text (its length checked by channel.Validate). A
// recipient who texted STOP to the number fails as opted out (21610).
func (s *SMS) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	return send(ctx, s.c, m, s.params, (*openapi.ApiService).CreateMessage, s.receipt)
}

func (s *SMS) params(m *channel.Message) (*openapi.CreateMessageParams, error) {
	if m == nil {
		return nil, errors.New("twilio: nil message")
	}
	if m.Kind != channel.SMS {
		return nil, fmt.Errorf("twilio: a %s message: the SMS channel sends texts", m.Kind)
	}
	if _, err := channel.Validate(m); err != nil {
		return nil, fmt.Errorf("twilio: %w", err)
	}
	to, err := e164("To.Phone", m.To.Phone)
	if err != nil {
		return nil, err
	}
	from, err := sender(m.From.Address)
	if err != nil {
		return nil, err
	}
	p := &openapi.CreateMessageParams{}
	p.SetTo(to).SetFrom(from).SetBody(m.Body)
	if s.c.cfg.MessagingServiceSID != "" {
		p.SetMessagingServiceSid(s.c.cfg.MessagingServiceSID)
	}
	if s.c.cfg.SMSStatusURL != "" {
		p.SetStatusCallback(withQuery(s.c.cfg.SMSStatusURL, touchParam, m.IdempotencyKey))
	}
	return p, nil
}

func (s *SMS) receipt(msg *openapi.ApiV2010Message) channel.Receipt {
	rc := channel.Receipt{Provider: s.c.cfg.Provider, ProviderMessageID: str(msg.Sid), Status: channel.StatusQueued,
		At: twilioTime(msg.DateCreated)}
	switch str(msg.Status) {
	case "accepted", "scheduled":
		rc.Status = channel.StatusAccepted
	case "sent", "sending":
		rc.Status = channel.StatusSent
	case "delivered", "read":
		rc.Status = channel.StatusDelivered
	}
	return rc
}

// Find implements channel.Finder: the newest text from q.From to q.To
// created at or after q.Since (GET …/Messages.json?From&To).
func (s *SMS) Find(ctx context.Context, q channel.Sent) (channel.Receipt, bool, error) {
	return find(ctx, s.c, q, func(api *openapi.ApiService, from, to string) ([]openapi.ApiV2010Message, error) {
		p := &openapi.ListMessageParams{}
		p.SetFrom(from).SetTo(to).SetPageSize(findPage)
		page, err := api.PageMessage(p, "", "")
		if err != nil {
			return nil, err
		}
		return page.Messages, nil
	}, func(m *openapi.ApiV2010Message) (direction, created *string) { return m.Direction, m.DateCreated }, s.receipt)
}

// senderPattern is the shape of a number Twilio sends from: E.164. The
// pool's own numbers are Twilio's, so the shape is all that is checked.
var senderPattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// sender checks the number a text or call goes out from.
func sender(v string) (string, error) {
	v = strings.TrimSpace(v)
	if !senderPattern.MatchString(v) {
		return "", fmt.Errorf("twilio: %w", &channel.ValidationError{Field: "From.Address", Value: v, Reason: "not a number in E.164"})
	}
	return v, nil
}

// e164 checks a recipient's number the way Twilio takes it.
func e164(field, v string) (string, error) {
	n, err := phone.Parse(v, "")
	if err != nil {
		return "", fmt.Errorf("twilio: %w", &channel.ValidationError{Field: field, Value: v, Reason: "not a phone number in E.164"})
	}
	return n.E164, nil
}
