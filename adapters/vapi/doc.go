// Package vapi places outbound calls with a Vapi voice assistant
// (https://vapi.ai) as the engine's voice channel, and reads Vapi's
// end-of-call reports back as call outcomes.
//
//	ch, err := vapi.New(vapi.Config{
//		APIKey:           os.Getenv("VAPI_API_KEY"),
//		AssistantID:      os.Getenv("VAPI_ASSISTANT_ID"),
//		PhoneNumbers:     map[string]string{"+61280000000": os.Getenv("VAPI_PHONE_NUMBER_ID")},
//		VoicemailMessage: "Hi, it's Sam from Outpost. I'll try you again.",
//	})
//	v, err := vapi.NewVerifier(vapi.VerifierConfig{Secrets: []string{os.Getenv("VAPI_WEBHOOK_SECRET")}})
//	h, err := webhook.NewHandler(webhook.Config{Name: "vapi", Verifier: v, Decoder: &vapi.Decoder{}, Sink: sink})
//	mux.Handle("POST /webhooks/vapi", h)
//
// # Calls
//
// [Channel.Send] makes POST /call with the bearer key: the assistant (by
// ID, or inline), the Vapi phone number the pool's number maps to, the
// customer (number and name), the touch ID in the call's name, and as
// assistantOverrides the script (the message's body), the lead's name and
// the touch ID as variableValues, and the voicemail message, if any (none:
// the call hangs up on a voicemail box). Answers: 429, or a refusal naming
// the account's concurrent-call limit, rate-limited (Retry-After, else 30
// s); another 4xx permanent; a 5xx or no answer retryable. Vapi takes no
// idempotency key, so the channel is at most once and a reconciler: Lookup
// finds a call by the touch ID in its name (GET /call).
//
// Voicemail (VO-004): Config.VoicemailDetection sets the assistant's
// detection for these calls and Config.VoicemailMessage what it leaves;
// without a message a call that reaches a voicemail box hangs up.
//
// Knowledge (VO-001): [Channel.UploadKnowledge] uploads a document the
// assistant answers from (POST /file) and [Channel.CreateKnowledgeBase]
// gathers documents into a knowledge base (POST /v2/knowledge-base), whose
// ID the host attaches to its assistant.
//
// # Server messages
//
// [NewVerifier] checks the credential the assistant's server names: a
// bearer token (or the legacy X-Vapi-Secret header), or an HMAC — a hex
// HMAC-SHA256 of "{timestamp}.{body}" in x-signature with the timestamp in
// x-timestamp, within five minutes — in constant time; without one, a
// message is refused 401. [Decoder] reads end-of-call-report into the
// call's outcome ([Outcome]: busy, no answer, voicemail, answered, and
// failed for every other endedReason, those Vapi adds later included),
// keeping the transcript, the summary and the recording's URL on the
// event; when the customer's own lines ask not to be called again, read
// by the replies classifier, it adds a voice opt-out. Every other message
// (status-update, transcript, …) decodes to none.
//
// Package vapitest is a fake of the call API and of signed reports.
//
// # Followed, and not verified
//
// Vapi's OpenAPI description (api.vapi.ai, 2026-08) and its pages on
// server messages and server authentication. Not verified against Vapi:
// the shape of error answers ({"message", "error", "statusCode"}, message
// a string or a list); that a call's name is at most 40 characters (so
// the touch ID, 36, travels in it) and that GET /call returns the newest
// calls first; the HMAC timestamp's unit (milliseconds is sent by
// vapitest, and the verifier takes seconds or milliseconds); that an
// over-limit call is refused at POST /call rather than ended later with
// call.start.error-subscription-concurrency-limit-reached (which this
// package reads as a failed call); and that Vapi sends no request-rate
// limit beyond the concurrent calls; how an assistant given by ID is told
// to use a knowledge base (this package makes the base; attaching it is
// the host's, in the assistant's model settings); the shapes of the file
// and knowledge-base answers beyond their id.
package vapi
