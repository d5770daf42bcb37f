package main

import (
	"fmt"
	"strconv"

	"github.com/outbound-go/outbound/adapters/smtp"
	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

// sending is how a deployment sends, from the environment:
//
//	OUTBOUND_SMTP_HOST, OUTBOUND_SMTP_PORT (587), OUTBOUND_SMTP_USERNAME,
//	OUTBOUND_SMTP_PASSWORD, OUTBOUND_SMTP_TLS (mandatory, opportunistic,
//	implicit, none)                         email through each mailbox's relay
//	TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN texts and calls through Twilio,
//	                                        their callbacks to this server's routes
//	OUTBOUND_VOICEMAIL_MESSAGE              what a call leaves on a voicemail box
//	OUTBOUND_RECORDINGS_DIR                 where calls' recordings are kept (calls
//	                                        are recorded when it is set)
type sending struct {
	SMTPHost, SMTPUser, SMTPPassword string
	SMTPPort                         int
	SMTPTLS                          smtp.TLSPolicy
	TwilioAccountSID                 string
	VoicemailMessage                 string
	RecordingsDir                    string
}

// loadSending reads the sending settings from getenv.
func loadSending(getenv func(string) string) (sending, error) {
	s := sending{SMTPHost: getenv("OUTBOUND_SMTP_HOST"), SMTPUser: getenv("OUTBOUND_SMTP_USERNAME"),
		SMTPPassword: getenv("OUTBOUND_SMTP_PASSWORD"), TwilioAccountSID: getenv("TWILIO_ACCOUNT_SID"),
		VoicemailMessage: getenv("OUTBOUND_VOICEMAIL_MESSAGE"), RecordingsDir: getenv("OUTBOUND_RECORDINGS_DIR")}
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
	return s, nil
}

// channels builds the channel adapters the settings name, and the Twilio
// client (nil without Twilio) whose recordings the recording route fetches.
func (s sending) channels(c config, clock timing.Clock, twilioBaseURL string) ([]channel.Channel, *twilio.Client, error) {
	var out []channel.Channel
	if s.SMTPHost != "" {
		ch, err := smtp.New(smtp.Config{Host: s.SMTPHost, Port: s.SMTPPort, Username: s.SMTPUser, Password: s.SMTPPassword, TLS: s.SMTPTLS, Clock: clock})
		if err != nil {
			return nil, nil, fmt.Errorf("smtp: %w", err)
		}
		out = append(out, ch)
	}
	if s.TwilioAccountSID == "" {
		return out, nil, nil
	}
	if c.Secrets.TwilioAuthToken == "" || c.PublicURL == "" {
		return nil, nil, &configError{Setting: "TWILIO_ACCOUNT_SID", Value: "(set)", Reason: "Twilio needs TWILIO_AUTH_TOKEN and -public-url too"}
	}
	tc := twilio.Config{AccountSID: s.TwilioAccountSID, AuthToken: c.Secrets.TwilioAuthToken, BaseURL: twilioBaseURL, Now: clock.Now,
		SMSStatusURL: c.PublicURL + "/webhooks/twilio/sms-status", VoiceURL: c.PublicURL + "/webhooks/twilio/voice",
		VoiceStatusURL: c.PublicURL + "/webhooks/twilio/voice-status", InboundSMSURL: c.PublicURL + "/webhooks/twilio/sms"}
	if s.RecordingsDir != "" {
		tc.RecordingURL = c.PublicURL + "/webhooks/twilio/recording"
	}
	tw, err := twilio.New(tc)
	if err != nil {
		return nil, nil, fmt.Errorf("twilio: %w", err)
	}
	return append(out, tw.SMS(), tw.Voice()), tw, nil
}
