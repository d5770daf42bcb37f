// Package twilio connects the engine to Twilio (https://www.twilio.com)
// through twilio-go: texts and calls from the pool's numbers, the
// callbacks that report on them, call recordings, and the numbers
// themselves.
//
//	tw, err := twilio.New(twilio.Config{
//		AccountSID:     os.Getenv("TWILIO_ACCOUNT_SID"),
//		AuthToken:      os.Getenv("TWILIO_AUTH_TOKEN"),
//		SMSStatusURL:   public + "/webhooks/twilio/sms-status",
//		VoiceURL:       public + "/webhooks/twilio/voice",
//		VoiceStatusURL: public + "/webhooks/twilio/voice-status",
//		RecordingURL:   public + "/webhooks/twilio/recording",
//		InboundSMSURL:  public + "/webhooks/twilio/sms",
//	})
//	v, err := twilio.NewVerifier(twilio.VerifierConfig{AuthTokens: []string{token}, PublicURL: public})
//	status, err := webhook.NewHandler(webhook.Config{Name: "twilio", Verifier: v, Decoder: &twilio.Decoder{}, Sink: sink})
//	recs, err := webhook.NewHandler(webhook.Config{Name: "twilio", Verifier: v,
//		Decoder: &twilio.Recordings{Client: tw, Store: twilio.DirStore{Dir: "/var/lib/outbound/recordings"}}, Sink: sink})
//	mux.Handle("POST /webhooks/twilio/sms", status)        // received texts
//	mux.Handle("POST /webhooks/twilio/sms-status", status) // texts' status
//	mux.Handle("POST /webhooks/twilio/voice-status", status)
//	mux.Handle("POST /webhooks/twilio/recording", recs)
//	mux.Handle("POST /webhooks/twilio/voice", &twilio.TwiML{Verifier: v, VoicemailMessage: "…"})
//	// channels: tw.SMS(), tw.Voice(); the pool's Provisioner: tw
//
// # Texts and calls
//
// [Client.SMS] sends texts (POST Messages.json), with a status callback
// per text; [Client.Voice] places calls (POST Calls.json) with
// answering-machine detection (DetectMessageEnd by default) and, with
// RecordingURL, recording. Twilio fetches a call's instructions from
// VoiceURL once it connects and detection has decided: [TwiML] answers
// the script for a person, and the voicemail message — or a hang-up,
// without one — for a machine (VO-004). Each callback URL carries the
// touch ID ("touch") for the logs. Refusals are classified from Twilio's
// error code: 20429 (or a 429) rate-limited, Retry-After honoured, else
// five seconds; 21610 opted out; a 5xx or no answer retryable; any other
// 4xx permanent; the *client.TwilioRestError stays reachable with
// errors.As. twilio-go takes no context: the client hands it a transport
// (its client.BaseClient seam) bound to each call's context, which also
// points it at Config.BaseURL (a fake, in tests).
//
// Twilio takes no idempotency key for texts or calls: both channels are
// at most once, and a channel.Finder — a send whose answer was lost is
// found by listing the texts or calls between the two numbers since the
// touch was due, so the engine sends again only what Twilio never saw.
//
// # Callbacks
//
// [NewVerifier] checks X-Twilio-Signature with twilio-go's
// client.RequestValidator over every received parameter and the public
// URL (VerifierConfig.PublicURL and the request's path and query: behind
// a proxy the server cannot know the URL Twilio called); a bad or missing
// one is refused 401 before anything is read. [Decoder] reads texts'
// status (delivered; undelivered and failed by error code: 21610 opted
// out, 30003/30004/30005/30006/21211/21614 and 30007 bounced), received
// texts (replies, which the engine reads by its keyword rules — STOP,
// STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT; START, YES, UNSTOP — and its
// classifier), and calls' status (answered, voicemail, busy, no answer,
// failed: VO-002). [Recordings] fetches a completed recording into a
// [RecordingStore] ([DirStore] by default; an S3-compatible store is the
// host's) and links it to the call (VO-003). Redeliveries are recorded
// once: each event's ID is the message or call SID and its status.
//
// # Numbers
//
// [Client.Purchase] is the pool's Provisioner for phone numbers: search
// (Config.Numbers: country, type, area code), buy with the webhooks
// pointed and the regulatory bundle, idempotent per order through each
// number's FriendlyName; [Client.Release] gives a retired number back.
//
// Package twiliotest is a fake of the API and of signed callbacks.
//
// # Followed, and not verified
//
// twilio-go v1.31 and its request validator (the published test vector is
// checked); Twilio's pages on messages, message status callbacks, calls,
// answering-machine detection, recordings, available and incoming phone
// numbers, error codes and webhook connection overrides. Not verified
// against Twilio: that I-Twilio-Idempotency-Token is sent, and is the
// same on each delivery (the decoder keeps it, but deduplicates by SID
// and status, which are); the OptOutType parameter of Advanced Opt-Out;
// that a recording's media is its URL with ".mp3" under the account's
// Basic credentials; which numbers Australia requires a bundle or an
// address for; how long a call's instructions URL may be (the script
// travels in it, at most 1,500 characters); that a list of messages or
// calls filtered by From and To comes newest first.
package twilio
