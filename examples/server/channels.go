package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/outbound-go/outbound/adapters/lob"
	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/stannp"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/vapi"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing"
)

// sending is how a deployment sends, from the environment:
//
//	OUTBOUND_SMTP_HOST, OUTBOUND_SMTP_PORT (587), OUTBOUND_SMTP_USERNAME,
//	OUTBOUND_SMTP_PASSWORD, OUTBOUND_SMTP_TLS (mandatory, opportunistic,
//	implicit, none)                         email through each mailbox's relay,
//	                                        and the alert emails (see alertEmail)
//	TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN texts and calls through Twilio,
//	                                        their callbacks to this server's routes
//	OUTBOUND_VOICEMAIL_MESSAGE              what a call leaves on a voicemail box
//	OUTBOUND_RECORDINGS_DIR                 where calls' recordings are kept (calls
//	                                        are recorded when it is set)
//	VAPI_API_KEY, VAPI_ASSISTANT_ID,        calls through Vapi's assistant, from the
//	VAPI_PHONE_NUMBERS (+61…=<Vapi phone    numbers listed, each by its Vapi phone
//	number ID>,…), with VAPI_WEBHOOK_SECRET number ID; the assistant's server URL is
//	                                        -public-url/webhooks/vapi, under an HMAC
//	                                        credential whose secret is VAPI_WEBHOOK_SECRET
//	UNIPILE_DSN, UNIPILE_API_KEY, with      LinkedIn through Unipile; its "users" and
//	UNIPILE_WEBHOOK_SECRET                  "messaging" webhooks are registered to
//	                                        -public-url/webhooks/unipile with the
//	                                        X-Unipile-Secret header set to the secret
//	LOB_API_KEY (test_… or live_…),         letters and postcards through Lob; its
//	LOB_USE_TYPE (marketing, operational),  tracking events' webhook to
//	with LOB_WEBHOOK_SECRET                 -public-url/webhooks/lob
//	STANNP_API_KEY, STANNP_REGION (eu, us), letters and postcards through Stannp; its
//	STANNP_TEST (true: nothing posted),     webhook to -public-url/webhooks/stannp
//	with STANNP_WEBHOOK_SECRET
//
// A provider's API key without its webhook secret is refused: what it
// sends would never be heard of again. Credentials come from the
// environment only and are never logged nor shown in an error.
type sending struct {
	SMTPHost, SMTPUser, SMTPPassword string
	SMTPPort                         int
	SMTPTLS                          smtp.TLSPolicy
	TwilioAccountSID                 string
	VoicemailMessage                 string
	RecordingsDir                    string

	VapiAPIKey, VapiAssistantID string
	VapiNumbers                 map[string]string // E.164 number → Vapi phone number ID
	UnipileDSN, UnipileAPIKey   string
	LobAPIKey, LobUseType       string
	StannpAPIKey, StannpBaseURL string
	StannpTest                  bool
}

// loadSending reads the sending settings from getenv.
func loadSending(getenv func(string) string) (sending, error) {
	s := sending{SMTPHost: getenv("OUTBOUND_SMTP_HOST"), SMTPUser: getenv("OUTBOUND_SMTP_USERNAME"),
		SMTPPassword: getenv("OUTBOUND_SMTP_PASSWORD"), TwilioAccountSID: getenv("TWILIO_ACCOUNT_SID"),
		VoicemailMessage: getenv("OUTBOUND_VOICEMAIL_MESSAGE"), RecordingsDir: getenv("OUTBOUND_RECORDINGS_DIR"),
		VapiAPIKey: getenv("VAPI_API_KEY"), VapiAssistantID: getenv("VAPI_ASSISTANT_ID"),
		UnipileDSN: strings.TrimSpace(getenv("UNIPILE_DSN")), UnipileAPIKey: getenv("UNIPILE_API_KEY"),
		LobAPIKey: getenv("LOB_API_KEY"), LobUseType: getenv("LOB_USE_TYPE"), StannpAPIKey: getenv("STANNP_API_KEY")}
	if v := getenv("OUTBOUND_SMTP_PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return s, &configError{Setting: "OUTBOUND_SMTP_PORT", Value: v, Reason: "must be a port number"}
		}
		s.SMTPPort = n
	}
	switch v := getenv("OUTBOUND_SMTP_TLS"); v {
	case "", "mandatory":
		s.SMTPTLS = smtp.TLSMandatory
	case "opportunistic":
		s.SMTPTLS = smtp.TLSOpportunistic
	case "implicit":
		s.SMTPTLS = smtp.TLSImplicit
	case "none":
		s.SMTPTLS = smtp.TLSNone
	default:
		return s, &configError{Setting: "OUTBOUND_SMTP_TLS", Value: v, Reason: "must be mandatory, opportunistic, implicit or none"}
	}
	for _, load := range []func(func(string) string) error{s.loadVapi, s.loadUnipile, s.loadLob, s.loadStannp} {
		if err := load(getenv); err != nil {
			return s, err
		}
	}
	return s, nil
}

// loadVapi checks Vapi's settings and reads its numbers.
func (s *sending) loadVapi(getenv func(string) string) error {
	numbers := getenv("VAPI_PHONE_NUMBERS")
	if s.VapiAPIKey == "" {
		if s.VapiAssistantID != "" || numbers != "" {
			return &configError{Setting: "VAPI_API_KEY", Value: "", Reason: "required with VAPI_ASSISTANT_ID and VAPI_PHONE_NUMBERS"}
		}
		return nil
	}
	if strings.TrimSpace(s.VapiAssistantID) == "" {
		return &configError{Setting: "VAPI_ASSISTANT_ID", Value: s.VapiAssistantID, Reason: "required with VAPI_API_KEY: the assistant that makes the calls"}
	}
	if len([]rune(s.VoicemailMessage)) > 1000 {
		return &configError{Setting: "OUTBOUND_VOICEMAIL_MESSAGE", Value: string([]rune(s.VoicemailMessage)[:40]) + "…", Reason: "Vapi takes at most 1,000 characters"}
	}
	s.VapiNumbers = map[string]string{}
	for _, pair := range strings.Split(numbers, ",") {
		number, id, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if n, err := phone.Parse(number, ""); !ok || err != nil || n.E164 != number || id == "" {
			return &configError{Setting: "VAPI_PHONE_NUMBERS", Value: pair,
				Reason: "want +E.164 number=Vapi phone number ID pairs separated by commas"}
		}
		s.VapiNumbers[number] = id
	}
	return nil
}

// loadUnipile checks Unipile's settings.
func (s *sending) loadUnipile(func(string) string) error {
	switch {
	case s.UnipileDSN == "" && s.UnipileAPIKey == "":
		return nil
	case s.UnipileAPIKey == "":
		return &configError{Setting: "UNIPILE_API_KEY", Value: "", Reason: "required with UNIPILE_DSN"}
	case s.UnipileDSN == "":
		return &configError{Setting: "UNIPILE_DSN", Value: "", Reason: "required with UNIPILE_API_KEY: the account's API address, as its dashboard gives it"}
	}
	dsn := s.UnipileDSN
	if !strings.Contains(dsn, "://") {
		dsn = "https://" + dsn
	}
	if u, err := url.Parse(dsn); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil ||
		u.RawQuery != "" || strings.Trim(strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v1"), "/") != "" {
		return &configError{Setting: "UNIPILE_DSN", Value: s.UnipileDSN, Reason: "must be the API address, host:port (as api8.unipile.com:13851)"}
	}
	return nil
}

// loadLob checks Lob's settings.
func (s *sending) loadLob(func(string) string) error {
	if s.LobAPIKey == "" {
		if s.LobUseType != "" {
			return &configError{Setting: "LOB_API_KEY", Value: "", Reason: "required with LOB_USE_TYPE"}
		}
		return nil
	}
	if !strings.HasPrefix(s.LobAPIKey, "test_") && !strings.HasPrefix(s.LobAPIKey, "live_") {
		return &configError{Setting: "LOB_API_KEY", Value: "(set)", Reason: "must be a secret key, test_… or live_…"}
	}
	if s.LobUseType != "" && s.LobUseType != "marketing" && s.LobUseType != "operational" {
		return &configError{Setting: "LOB_USE_TYPE", Value: s.LobUseType, Reason: "must be marketing or operational"}
	}
	return nil
}

// loadStannp checks Stannp's settings and reads its region and mode.
func (s *sending) loadStannp(getenv func(string) string) error {
	region, test := getenv("STANNP_REGION"), getenv("STANNP_TEST")
	if s.StannpAPIKey == "" {
		if region != "" || test != "" {
			return &configError{Setting: "STANNP_API_KEY", Value: "", Reason: "required with STANNP_REGION and STANNP_TEST"}
		}
		return nil
	}
	switch strings.ToLower(region) {
	case "", "eu", "uk":
		s.StannpBaseURL = stannp.EU
	case "us", "ca":
		s.StannpBaseURL = stannp.US
	default:
		return &configError{Setting: "STANNP_REGION", Value: region, Reason: "must be eu (EU and UK accounts) or us (US and Canadian)"}
	}
	if test != "" {
		t, err := strconv.ParseBool(test)
		if err != nil {
			return &configError{Setting: "STANNP_TEST", Value: test, Reason: "must be true or false"}
		}
		s.StannpTest = t
	}
	return nil
}

// check refuses a provider whose API key is set and whose webhook secret
// is not: its route would not be mounted, and what it sends would never
// be heard of again.
func (s sending) check(sec secrets) error {
	for _, p := range []struct{ key, secret, setting string }{
		{s.VapiAPIKey, sec.VapiWebhook, "VAPI_WEBHOOK_SECRET"},
		{s.UnipileAPIKey, sec.UnipileWebhook, "UNIPILE_WEBHOOK_SECRET"},
		{s.LobAPIKey, sec.LobWebhook, "LOB_WEBHOOK_SECRET"},
		{s.StannpAPIKey, sec.StannpWebhook, "STANNP_WEBHOOK_SECRET"},
	} {
		if p.key != "" && p.secret == "" {
			return &configError{Setting: p.setting, Value: "", Reason: "required with the provider's API key: its webhooks tell what became of what it sent"}
		}
	}
	return nil
}

// relay is the SMTP relay the settings name (OUTBOUND_SMTP_*): the email
// channel sends through it, and so do the alert emails.
func (s sending) relay(clock timing.Clock) smtp.Config {
	return smtp.Config{Host: s.SMTPHost, Port: s.SMTPPort, Username: s.SMTPUser, Password: s.SMTPPassword, TLS: s.SMTPTLS, Clock: clock}
}

// adapters are the channel adapters the settings build, and what the
// webhook routes need of them.
type adapters struct {
	channels []channel.Channel
	// twilio is the Twilio client whose recordings the recording route
	// fetches; nil without Twilio.
	twilio *twilio.Client
	// linkedIn is the Unipile channel, whose account connects the seats
	// the pool buys; nil without Unipile.
	linkedIn *unipile.Channel
	// journal is the Unipile channel's journal, which the Unipile route's
	// decoder reads to find the touch a notice answers; nil without
	// Unipile.
	journal unipile.Journal
}

// unipileState is where the Unipile adapter keeps its chats with
// recipients, its journal of sends and the seat provisioner's links.
type unipileState interface {
	unipile.Chats
	unipile.Journal
	unipile.SeatLinks
}

// adapters builds the channel adapters the settings name; the Unipile
// channel keeps its chats and its journal in uni.
func (s sending) adapters(c config, clock timing.Clock, uni unipileState) (adapters, error) {
	var out adapters
	add := func(provider string, ch channel.Channel, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", provider, err)
		}
		out.channels = append(out.channels, ch)
		return nil
	}
	if s.SMTPHost != "" {
		ch, err := smtp.New(s.relay(clock))
		if err := add("smtp", ch, err); err != nil {
			return out, err
		}
	}
	if s.TwilioAccountSID != "" {
		if c.Secrets.TwilioAuthToken == "" || c.PublicURL == "" {
			return out, &configError{Setting: "TWILIO_ACCOUNT_SID", Value: "(set)", Reason: "Twilio needs TWILIO_AUTH_TOKEN and -public-url too"}
		}
		tc := twilio.Config{AccountSID: s.TwilioAccountSID, AuthToken: c.Secrets.TwilioAuthToken, Now: clock.Now,
			SMSStatusURL: c.PublicURL + "/webhooks/twilio/sms-status", VoiceURL: c.PublicURL + "/webhooks/twilio/voice",
			VoiceStatusURL: c.PublicURL + "/webhooks/twilio/voice-status", InboundSMSURL: c.PublicURL + "/webhooks/twilio/sms",
			Numbers: c.Provisioning.Numbers, BaseURL: c.twilioBaseURL}
		if s.RecordingsDir != "" {
			tc.RecordingURL = c.PublicURL + "/webhooks/twilio/recording"
		}
		tw, err := twilio.New(tc)
		if err != nil {
			return out, fmt.Errorf("twilio: %w", err)
		}
		out.twilio = tw
		out.channels = append(out.channels, tw.SMS(), tw.Voice())
	}
	if s.VapiAPIKey != "" {
		ch, err := vapi.New(vapi.Config{APIKey: s.VapiAPIKey, AssistantID: s.VapiAssistantID, PhoneNumbers: s.VapiNumbers,
			VoicemailMessage: s.VoicemailMessage, Now: clock.Now})
		if err := add("vapi", ch, err); err != nil {
			return out, err
		}
	}
	if s.UnipileAPIKey != "" {
		ch, err := unipile.New(unipile.Config{DSN: s.UnipileDSN, APIKey: s.UnipileAPIKey, Chats: uni, Journal: uni, Now: clock.Now})
		if err := add("unipile", ch, err); err != nil {
			return out, err
		}
		out.journal, out.linkedIn = uni, ch
	}
	if s.LobAPIKey != "" {
		ch, err := lob.New(lob.Config{APIKey: s.LobAPIKey, UseType: s.LobUseType, Now: clock.Now})
		if err := add("lob", ch, err); err != nil {
			return out, err
		}
	}
	if s.StannpAPIKey != "" {
		ch, err := stannp.New(stannp.Config{APIKey: s.StannpAPIKey, BaseURL: s.StannpBaseURL, Test: s.StannpTest, Now: clock.Now})
		if err := add("stannp", ch, err); err != nil {
			return out, err
		}
	}
	return out, nil
}
