package vapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/replies"
)

// The headers of Vapi's HMAC credential, by default.
const (
	DefaultSignatureHeader = "x-signature"
	DefaultTimestampHeader = "x-timestamp"
)

// VerifierConfig says how Vapi authenticates its server messages: by the
// credential the assistant's server names, a bearer token or an HMAC.
// Exactly one of Tokens and Secrets is set.
type VerifierConfig struct {
	// Tokens are the bearer credential's tokens (rotation: two), sent as
	// "Authorization: Bearer <token>" — or, with Header set (the legacy
	// "X-Vapi-Secret"), as that header's whole value.
	Tokens []string
	Header string
	// Secrets are the HMAC credential's secret keys: a hex HMAC-SHA256 of
	// "{timestamp}.{body}" in SignatureHeader, the timestamp in
	// TimestampHeader (defaults x-signature and x-timestamp), within
	// Tolerance of Now.
	Secrets                          []string
	SignatureHeader, TimestampHeader string
	Tolerance                        time.Duration
	Now                              func() time.Time
}

// NewVerifier returns the verifier cfg describes; comparisons take
// constant time.
func NewVerifier(cfg VerifierConfig) (webhook.Verifier, error) {
	bad := func(field string, reason string) error {
		return invalid.Field("vapi", "VerifierConfig", field, "", reason)
	}
	switch {
	case len(cfg.Tokens) > 0 && len(cfg.Secrets) > 0:
		return nil, bad("Secrets", "give Tokens (a bearer credential) or Secrets (an HMAC credential), not both")
	case len(cfg.Tokens) > 0:
		tc := webhook.TokenConfig{Header: "Authorization", Prefix: "Bearer ", Tokens: cfg.Tokens}
		if cfg.Header != "" {
			tc.Header, tc.Prefix = cfg.Header, ""
		}
		v, err := webhook.NewTokenVerifier(tc)
		if err != nil {
			return nil, fmt.Errorf("vapi: %w", err)
		}
		return v, nil
	case len(cfg.Secrets) > 0:
		hc := webhook.HMACConfig{Header: cfg.SignatureHeader, TimestampHeader: cfg.TimestampHeader, Secrets: cfg.Secrets,
			Tolerance: cfg.Tolerance, Now: cfg.Now}
		if hc.Header == "" {
			hc.Header = DefaultSignatureHeader
		}
		if hc.TimestampHeader == "" {
			hc.TimestampHeader = DefaultTimestampHeader
		}
		v, err := webhook.NewHMACVerifier(hc)
		if err != nil {
			return nil, fmt.Errorf("vapi: %w", err)
		}
		return v, nil
	}
	return nil, bad("Tokens", "a bearer token or an HMAC secret is required: Vapi's server messages are not signed otherwise")
}

// maxTranscript bounds the transcript kept in an event's body.
const maxTranscript = 16 << 10

// Decoder turns Vapi's server messages into call outcomes:
//
//   - end-of-call-report: the call's outcome by its endedReason —
//     customer-busy busy, customer-did-not-answer no answer, voicemail
//     voicemail, the endings of a conversation (customer-ended-call,
//     assistant-ended-call, assistant-said-end-call-phrase, …,
//     exceeded-max-duration) answered, and every other reason, those Vapi
//     adds later included, failed — with the transcript as Body and the
//     summary, the recording's URL and the reason in Metadata ("summary",
//     "recording_url") and Detail; when the customer's own words in the
//     transcript ask not to be called ("take me off your list", "don't
//     call me"), a voice opt-out too;
//   - every other message (status-update, transcript, hang, …) decodes to
//     none: the report is the call's outcome.
//
// The call's name carries the touch ID (IdempotencyKey); Provider names the
// account; ProviderEventID is the call ID and the message type, so a
// report delivered again is recorded once.
type Decoder struct {
	// Provider names the account, as Config.Provider. Default
	// DefaultProvider.
	Provider string
	// Classifier reads the customer's words for an opt-out. Default
	// replies.NewRules().
	Classifier replies.Classifier
}

var _ webhook.Decoder = (*Decoder)(nil)

// turn is one message of a call's conversation.
type turn struct {
	Role    string `json:"role"`
	Message string `json:"message"`
}

type serverMessage struct {
	Message *struct {
		Type        string `json:"type"`
		EndedReason string `json:"endedReason"`
		Timestamp   int64  `json:"timestamp"`
		Call        *Call  `json:"call"`
		Artifact    struct {
			Transcript   string `json:"transcript"`
			RecordingURL string `json:"recordingUrl"`
			Messages     []turn `json:"messages"`
		} `json:"artifact"`
		Analysis struct {
			Summary string `json:"summary"`
		} `json:"analysis"`
		PhoneNumber *struct {
			Number string `json:"number"`
		} `json:"phoneNumber"`
	} `json:"message"`
}

// Decode implements webhook.Decoder.
func (d *Decoder) Decode(_ http.Header, body []byte) ([]outbound.Inbound, error) {
	var sm serverMessage
	if err := adapterkit.DecodeObject(body, &sm); err != nil {
		return nil, err
	}
	if sm.Message == nil || sm.Message.Type == "" {
		return nil, fmt.Errorf("%w: vapi: no message type", webhook.ErrPayload)
	}
	m := sm.Message
	if m.Type != "end-of-call-report" {
		return nil, nil
	}
	if m.Call == nil || m.Call.ID == "" {
		return nil, fmt.Errorf("%w: vapi: an end-of-call-report without a call", webhook.ErrPayload)
	}
	provider := d.Provider
	if provider == "" {
		provider = DefaultProvider
	}
	at := time.UnixMilli(m.Timestamp).UTC()
	if m.Timestamp <= 0 {
		return nil, fmt.Errorf("%w: vapi: an end-of-call-report without a timestamp", webhook.ErrPayload)
	}
	reason := m.EndedReason
	if reason == "" && m.Call != nil {
		reason = m.Call.EndedReason
	}
	from := ""
	if m.PhoneNumber != nil {
		from = m.PhoneNumber.Number
	}
	md := map[string]string{"ended_reason": reason}
	if m.Analysis.Summary != "" {
		md["summary"] = adapterkit.Truncate(m.Analysis.Summary, 4000)
	}
	if m.Artifact.RecordingURL != "" {
		md["recording_url"] = m.Artifact.RecordingURL
	}
	e := &channel.Event{
		Provider: provider, ProviderEventID: m.Call.ID + "/end-of-call-report", Type: Outcome(reason), Kind: channel.Voice,
		ProviderMessageID: m.Call.ID, IdempotencyKey: TouchOf(m.Call.Name), From: from, To: m.Call.Customer.Number,
		At: at, Detail: reason, Body: adapterkit.Truncate(m.Artifact.Transcript, maxTranscript), Metadata: md,
	}
	out := []outbound.Inbound{{Message: e}}
	if words := customerWords(m.Artifact.Transcript, m.Artifact.Messages); words != "" {
		cl := d.Classifier
		if cl == nil {
			cl = replies.NewRules()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := cl.Classify(ctx, replies.Reply{Kind: channel.Voice, Body: words, At: at})
		if err != nil {
			return nil, fmt.Errorf("vapi: reading the transcript: %w", err)
		}
		if c.Class == replies.Unsubscribe {
			opt := *e
			opt.ProviderEventID, opt.Type, opt.From, opt.To = m.Call.ID+"/opted-out", channel.EventOptedOut, m.Call.Customer.Number, from
			opt.Detail, opt.Body = "asked on the call: "+c.Evidence, words
			opt.Metadata = map[string]string{"ended_reason": reason}
			out = append(out, outbound.Inbound{Message: &opt})
		}
	}
	return out, nil
}

// customerWords are the customer's lines of a call: from the messages
// when Vapi sent them (role "user"), else the transcript's "User:" and
// "Customer:" lines.
func customerWords(transcript string, messages []turn) string {
	var lines []string
	for _, m := range messages {
		if m.Role == "user" && strings.TrimSpace(m.Message) != "" {
			lines = append(lines, strings.TrimSpace(m.Message))
		}
	}
	if len(lines) == 0 {
		for _, l := range strings.Split(transcript, "\n") {
			l = strings.TrimSpace(l)
			for _, p := range []string{"User:", "Customer:", "user:", "customer:"} {
				if rest, ok := strings.CutPrefix(l, p); ok {
					lines = append(lines, strings.TrimSpace(rest))
				}
			}
		}
	}
	return strings.Join(lines, "\n")
}

// Outcome maps a call's endedReason to its outcome; a reason not known
// here (Vapi has hundreds and adds more) is a failed call.
func Outcome(endedReason string) channel.EventType {
	switch endedReason {
	case "customer-busy", "call.forwarding.operator-busy":
		return channel.EventCallBusy
	case "customer-did-not-answer", "call.forwarding.no-answer":
		return channel.EventCallNoAnswer
	case "voicemail":
		return channel.EventCallVoicemail
	case "customer-ended-call", "assistant-ended-call", "assistant-said-end-call-phrase",
		"assistant-ended-call-after-message-spoken", "assistant-ended-call-with-hangup-task",
		"assistant-forwarded-call", "silence-timed-out", "exceeded-max-duration":
		return channel.EventCallAnswered
	}
	return channel.EventCallFailed
}
