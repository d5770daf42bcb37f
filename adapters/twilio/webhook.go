package twilio

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// SignatureHeader carries Twilio's signature of a callback.
const SignatureHeader = "X-Twilio-Signature"

// IdempotencyHeader carries the token Twilio gives a callback, the same on
// each of its deliveries.
const IdempotencyHeader = "I-Twilio-Idempotency-Token"

// VerifierConfig says how Twilio's callbacks are checked.
type VerifierConfig struct {
	// AuthTokens are the account's auth tokens (the primary, and the
	// secondary while it is rotated in). Required; never logged.
	AuthTokens []string
	// PublicURL is the scheme and host Twilio calls ("https://hooks.example.com",
	// with a path prefix if a proxy adds one): the URL signed is PublicURL
	// followed by the request's path and query, since behind a proxy the
	// server never sees the URL Twilio used. Required unless URL is set.
	PublicURL string
	// URL, when set, returns the URL Twilio called for r, instead of
	// PublicURL.
	URL func(r *http.Request) string
}

// verifier checks X-Twilio-Signature with twilio-go's request validator.
type verifier struct {
	validators []client.RequestValidator
	url        func(r *http.Request) string
}

// NewVerifier returns the verifier of Twilio's callbacks: the signature,
// HMAC-SHA1 under the auth token of the public URL followed by every
// received POST parameter sorted by name, checked in constant time by
// twilio-go's client.RequestValidator (with and without the default port).
// Twilio signs no time: a replay is harmless because each event is
// recorded once (see Decoder).
func NewVerifier(cfg VerifierConfig) (webhook.Verifier, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("twilio", "VerifierConfig", field, v, reason)
	}
	if len(cfg.AuthTokens) == 0 {
		return nil, bad("AuthTokens", "[]", "the account's auth token is required: it signs the callbacks")
	}
	v := &verifier{url: cfg.URL}
	for i, t := range cfg.AuthTokens {
		if strings.TrimSpace(t) == "" {
			return nil, bad(fmt.Sprintf("AuthTokens[%d]", i), "", "empty")
		}
		v.validators = append(v.validators, client.NewRequestValidator(t))
	}
	if v.url == nil {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, bad("PublicURL", cfg.PublicURL, "the public http(s) URL Twilio calls is required: it is signed")
		}
		base := strings.TrimRight(cfg.PublicURL, "/")
		v.url = func(r *http.Request) string { return base + r.URL.RequestURI() }
	}
	return v, nil
}

// Verify implements webhook.Verifier.
func (v *verifier) Verify(r *http.Request, body []byte) error {
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return fmt.Errorf("%w: no %s", webhook.ErrSignature, SignatureHeader)
	}
	params := map[string]string{}
	if r.Method != http.MethodGet {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Errorf("%w: the body is not a form", webhook.ErrSignature)
		}
		for k, vs := range form {
			params[k] = vs[0]
		}
	}
	u := v.url(r)
	for i := range v.validators {
		if v.validators[i].Validate(u, params, sig) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s does not match", webhook.ErrSignature, SignatureHeader)
}

// Decoder turns Twilio's callbacks into events; one Decoder serves every
// endpoint but the recordings' (see Recordings):
//
//   - a text's status callback (MessageStatus): delivered → delivered;
//     undelivered or failed by ErrorCode — 21610 opted out, 30003, 30004,
//     30005, 30006, 21211, 21614 (the number cannot take it) and 30007
//     (the carrier filtered it) bounced —; other statuses and codes
//     decode to none;
//   - a received text (SmsStatus received): by the keyword rules of
//     package channel, a single STOP, STOPALL, UNSUBSCRIBE, CANCEL, END,
//     QUIT… an opt-out and START, YES, UNSTOP an opt-in; any other text a
//     reply with its Body, which the engine reads (its own keywords, then
//     the replies classifier) — and, when Advanced Opt-Out sent
//     OptOutType STOP or START for it (a keyword set up at Twilio), an
//     opt-out or an opt-in beside it;
//   - a call's status callback (CallStatus): the call's outcome by
//     [CallOutcome], answering-machine detection's AnsweredBy in Detail;
//     a status not final decodes to none.
//
// Twilio's callbacks carry no time: At is when the decoder reads them.
// ProviderEventID is the message or call SID with its status (a received
// text's SID alone), the same on every delivery of a callback — as
// I-Twilio-Idempotency-Token is, which Metadata keeps ("idempotency_token")
// — so a delivery again is recorded once.
type Decoder struct {
	// Provider names the account, as Config.Provider. Default
	// DefaultProvider.
	Provider string
	// Now tells the time. Default the real clock.
	Now func() time.Time
}

var _ webhook.Decoder = (*Decoder)(nil)

func (d *Decoder) provider() string {
	if d.Provider == "" {
		return DefaultProvider
	}
	return d.Provider
}

func (d *Decoder) now() time.Time {
	if d.Now == nil {
		return timing.RealClock().Now().UTC()
	}
	return d.Now().UTC()
}

// form parses a callback's body.
func form(body []byte) (url.Values, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("%w: twilio: not a form: %v", webhook.ErrPayload, err)
	}
	return f, nil
}

// Decode implements webhook.Decoder.
func (d *Decoder) Decode(h http.Header, body []byte) ([]outbound.Inbound, error) {
	f, err := form(body)
	if err != nil {
		return nil, err
	}
	base := channel.Event{Provider: d.provider(), At: d.now(), Metadata: map[string]string{}}
	if tok := h.Get(IdempotencyHeader); tok != "" {
		base.Metadata["idempotency_token"] = tok
	}
	for _, k := range []string{"CallSid", "MessageSid"} {
		if v := f.Get(k); v != "" && !sidPattern.MatchString(v) {
			return nil, fmt.Errorf("%w: twilio: %s %q is not a SID", webhook.ErrPayload, k, adapterkit.Truncate(v, 40))
		}
	}
	switch {
	case f.Get("CallSid") != "" && f.Get("CallStatus") != "":
		return d.call(f, base)
	case f.Get("MessageSid") != "" && (f.Get("SmsStatus") == "received" || f.Get("MessageStatus") == "received"):
		return d.received(f, base)
	case f.Get("MessageSid") != "" && (f.Get("MessageStatus") != "" || f.Get("SmsStatus") != ""):
		return d.status(f, base)
	}
	return nil, fmt.Errorf("%w: twilio: neither a text's nor a call's callback", webhook.ErrPayload)
}

func (d *Decoder) status(f url.Values, e channel.Event) ([]outbound.Inbound, error) {
	sid, status := f.Get("MessageSid"), f.Get("MessageStatus")
	if status == "" {
		status = f.Get("SmsStatus")
	}
	e.Kind, e.ProviderMessageID, e.ProviderEventID = channel.SMS, sid, sid+"/"+status
	e.From, e.To = f.Get("From"), f.Get("To")
	code, _ := strconv.Atoi(f.Get("ErrorCode"))
	switch status {
	case "delivered":
		e.Type = channel.EventDelivered
	case "undelivered", "failed":
		e.Detail = strings.TrimSpace(status + " " + f.Get("ErrorCode"))
		switch code {
		case CodeOptedOut:
			// The recipient opted out of this sender: the event comes
			// from the recipient.
			e.Type, e.From, e.To = channel.EventOptedOut, f.Get("To"), f.Get("From")
		case CodeUnreachable, CodeBlocked, CodeUnknownDestination, CodeLandline, CodeInvalidTo, CodeNotMobile:
			e.Type = channel.EventBounced
		case CodeCarrierFiltered:
			e.Type, e.Detail = channel.EventBounced, e.Detail+" carrier filtered (spam)"
		default:
			return nil, nil
		}
	default:
		return nil, nil
	}
	return []outbound.Inbound{{Message: &e}}, nil
}

func (d *Decoder) received(f url.Values, e channel.Event) ([]outbound.Inbound, error) {
	sid := f.Get("MessageSid")
	e.Kind, e.Type, e.ProviderEventID = channel.SMS, channel.EventReplied, sid
	e.From, e.To, e.Body = f.Get("From"), f.Get("To"), f.Get("Body")
	if e.From == "" {
		return nil, fmt.Errorf("%w: twilio: a received text without From", webhook.ErrPayload)
	}
	switch channel.ParseKeyword(e.Body) {
	case channel.KeywordOptOut:
		e.Type, e.Detail = channel.EventOptedOut, "texted "+strings.ToUpper(strings.TrimSpace(e.Body))
	case channel.KeywordOptIn:
		e.Type, e.Detail = channel.EventOptedIn, "texted "+strings.ToUpper(strings.TrimSpace(e.Body))
	}
	out := []outbound.Inbound{{Message: &e}}
	if e.Type == channel.EventReplied {
		var typ channel.EventType
		switch strings.ToUpper(f.Get("OptOutType")) {
		case "STOP":
			typ = channel.EventOptedOut
		case "START":
			typ = channel.EventOptedIn
		}
		if typ != "" {
			o := e
			o.Type, o.ProviderEventID, o.Detail = typ, sid+"/"+string(typ), "Advanced Opt-Out "+f.Get("OptOutType")
			out = append(out, outbound.Inbound{Message: &o})
		}
	}
	return out, nil
}

func (d *Decoder) call(f url.Values, e channel.Event) ([]outbound.Inbound, error) {
	sid, status, by := f.Get("CallSid"), f.Get("CallStatus"), f.Get("AnsweredBy")
	typ, final := CallOutcome(status, by)
	if !final {
		return nil, nil
	}
	e.Kind, e.Type, e.ProviderMessageID, e.ProviderEventID = channel.Voice, typ, sid, sid+"/"+status
	e.From, e.To = f.Get("From"), f.Get("To")
	e.Detail = strings.TrimSpace(status + " " + by)
	if by != "" {
		e.Metadata["answered_by"] = by
	}
	if dur := f.Get("CallDuration"); dur != "" {
		e.Metadata["duration_s"] = dur
	}
	if code := f.Get("ErrorCode"); code != "" {
		e.Detail += " " + code
	}
	return []outbound.Inbound{{Message: &e}}, nil
}
