package twilio

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

// scriptParam is the query parameter of a call's instructions URL that
// carries what the call says to a person; maxScript bounds it, so that the
// URL stays short enough for Twilio.
const (
	scriptParam = "say"
	maxScript   = 1500
	// maxTwiMLRequest bounds the body of Twilio's request for a call's
	// instructions.
	maxTwiMLRequest = 64 << 10
)

// Voice places calls (POST …/Calls.json) from the pool's numbers, with
// answering-machine detection: Twilio fetches the call's instructions from
// Config.VoiceURL, where [TwiML] answers with the script for a person and
// the voicemail message, or a hang-up, for a machine. Twilio takes no
// idempotency key: the channel is at most once and a channel.Finder. It is
// safe for concurrent use.
type Voice struct{ c *Client }

var (
	_ channel.Channel   = (*Voice)(nil)
	_ channel.Describer = (*Voice)(nil)
	_ channel.Finder    = (*Voice)(nil)
)

// Voice returns the client's call channel.
func (c *Client) Voice() *Voice { return &Voice{c: c} }

// Kind returns channel.Voice.
func (v *Voice) Kind() channel.Kind { return channel.Voice }

// Describe declares at-most-once delivery and the rate.
func (v *Voice) Describe() channel.Info { return v.c.info() }

// Send places the call: From.Address is the pool's number, To.Phone the
// lead's, Body what the call says to a person who answers. Its status
// callback goes to Config.VoiceStatusURL, its recording's to
// Config.RecordingURL (when set, the call is recorded).
func (v *Voice) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	return send(ctx, v.c, m, v.params, (*openapi.ApiService).CreateCall, v.receipt)
}

func (v *Voice) params(m *channel.Message) (*openapi.CreateCallParams, error) {
	if m == nil {
		return nil, errors.New("twilio: nil message")
	}
	if m.Kind != channel.Voice || m.ResolvedAction() != channel.ActionCall {
		return nil, fmt.Errorf("twilio: a %s %s message: the voice channel places calls", m.Kind, m.ResolvedAction())
	}
	if v.c.cfg.VoiceURL == "" {
		return nil, fmt.Errorf("twilio: %w", &channel.ValidationError{Field: "VoiceURL", Value: "",
			Reason: "Config.VoiceURL is required to place calls: Twilio fetches their instructions there"})
	}
	if _, err := channel.Validate(m); err != nil {
		return nil, fmt.Errorf("twilio: %w", err)
	}
	if n := len([]rune(m.Body)); n > maxScript {
		return nil, fmt.Errorf("twilio: %w", &channel.ValidationError{Field: "Body", Value: n,
			Reason: fmt.Sprintf("a call's script is at most %d characters", maxScript)})
	}
	to, err := e164("To.Phone", m.To.Phone)
	if err != nil {
		return nil, err
	}
	from, err := sender(m.From.Address)
	if err != nil {
		return nil, err
	}
	p := &openapi.CreateCallParams{}
	p.SetTo(to).SetFrom(from)
	p.SetUrl(withQuery(withQuery(v.c.cfg.VoiceURL, touchParam, m.IdempotencyKey), scriptParam, m.Body))
	p.SetMethod(http.MethodPost)
	if v.c.cfg.MachineDetection != "off" {
		p.SetMachineDetection(v.c.cfg.MachineDetection)
	}
	if v.c.cfg.VoiceStatusURL != "" {
		p.SetStatusCallback(withQuery(v.c.cfg.VoiceStatusURL, touchParam, m.IdempotencyKey))
		p.SetStatusCallbackMethod(http.MethodPost)
	}
	if v.c.cfg.RecordingURL != "" {
		p.SetRecord(true)
		p.SetRecordingStatusCallback(withQuery(v.c.cfg.RecordingURL, touchParam, m.IdempotencyKey))
		p.SetRecordingStatusCallbackMethod(http.MethodPost)
		p.SetRecordingStatusCallbackEvent([]string{"completed"})
	}
	return p, nil
}

func (v *Voice) receipt(call *openapi.ApiV2010Call) channel.Receipt {
	rc := channel.Receipt{Provider: v.c.cfg.Provider, ProviderMessageID: str(call.Sid), Status: channel.StatusQueued,
		At: twilioTime(call.DateCreated)}
	switch str(call.Status) {
	case "ringing", "in-progress", "completed":
		rc.Status = channel.StatusSent
	}
	return rc
}

// Find implements channel.Finder: the newest call from q.From to q.To
// created at or after q.Since (GET …/Calls.json?From&To).
func (v *Voice) Find(ctx context.Context, q channel.Sent) (channel.Receipt, bool, error) {
	return find(ctx, v.c, q, func(api *openapi.ApiService, from, to string) ([]openapi.ApiV2010Call, error) {
		p := &openapi.ListCallParams{}
		p.SetFrom(from).SetTo(to).SetPageSize(findPage)
		page, err := api.PageCall(p, "", "")
		if err != nil {
			return nil, err
		}
		return page.Calls, nil
	}, func(c *openapi.ApiV2010Call) (direction, created *string) { return c.Direction, c.DateCreated }, v.receipt)
}

// TwiML answers Twilio's request for a call's instructions, once the call
// connects and answering-machine detection has decided (AnsweredBy): a
// person (or an undecided answer) hears the call's script; a machine
// (machine_start, machine_end_beep, machine_end_silence,
// machine_end_other) or a fax hears VoicemailMessage after the beep, or,
// without one, the call hangs up (VO-004). The request's signature is
// checked first: a bad one is answered 401 with no instructions.
type TwiML struct {
	// Verifier checks the request (see NewVerifier). Required.
	Verifier webhook.Verifier
	// VoicemailMessage is what a call leaves on a voicemail box; empty:
	// it hangs up.
	VoicemailMessage string
	// Voice and Language are the <Say> voice ("Polly.Olivia-Neural") and
	// language ("en-AU"); empty: Twilio's defaults.
	Voice, Language string
}

// ServeHTTP implements http.Handler.
func (h *TwiML) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTwiMLRequest))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	if h.Verifier == nil {
		http.Error(w, "no verifier", http.StatusInternalServerError)
		return
	}
	if err := h.Verifier.Verify(r, body); err != nil {
		if errors.Is(err, webhook.ErrSignature) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		http.Error(w, "verifier failed", http.StatusInternalServerError)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	script := r.URL.Query().Get(scriptParam)
	var say string
	if Machine(form.Get("AnsweredBy")) {
		say = h.VoicemailMessage
	} else {
		say = script
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(h.instructions(say))
}

// instructions is the TwiML that says say (nothing: none) and hangs up.
func (h *TwiML) instructions(say string) []byte {
	type sayEl struct {
		Voice    string `xml:"voice,attr,omitempty"`
		Language string `xml:"language,attr,omitempty"`
		Text     string `xml:",chardata"`
	}
	type response struct {
		XMLName xml.Name  `xml:"Response"`
		Say     *sayEl    `xml:"Say,omitempty"`
		Hangup  *struct{} `xml:"Hangup"`
	}
	resp := response{Hangup: &struct{}{}}
	if strings.TrimSpace(say) != "" {
		resp.Say = &sayEl{Voice: h.Voice, Language: h.Language, Text: say}
	}
	out, _ := xml.Marshal(resp)
	return append([]byte(xml.Header), out...)
}

// Machine reports whether an AnsweredBy value is a machine or a fax.
func Machine(answeredBy string) bool {
	return strings.HasPrefix(answeredBy, "machine_") || answeredBy == "fax"
}

// CallOutcome maps a call's final status and AnsweredBy to its outcome:
// completed by a machine voicemail, otherwise answered; busy busy;
// no-answer no answer; failed and canceled failed. It reports false for a
// status that is not final (queued, initiated, ringing, in-progress).
func CallOutcome(status, answeredBy string) (channel.EventType, bool) {
	switch status {
	case "completed":
		if Machine(answeredBy) {
			return channel.EventCallVoicemail, true
		}
		return channel.EventCallAnswered, true
	case "busy":
		return channel.EventCallBusy, true
	case "no-answer":
		return channel.EventCallNoAnswer, true
	case "failed", "canceled":
		return channel.EventCallFailed, true
	}
	return "", false
}
