// Package fakes starts every provider's fake on 127.0.0.1 with the adapter
// pointed at it under the fake's own credentials: email through the SMTP
// adapter to smtptest, letters through Lob's adapter to lobtest, calls
// through Vapi's adapter to vapitest, texts through Twilio's adapter to
// twiliotest, LinkedIn through Unipile's adapter to unipiletest, and
// Stripe's fake with a price for each default plan. The fakes that post
// their own webhooks (Twilio's texts and their status, Unipile's notices)
// post them, signed, to the routes under [Options.Webhooks].
//
// It is the one wiring examples/simulate (-providers http) and
// examples/server (-demo) share; each mounts its own webhook routes with
// the secrets the [Set] holds. [StartDNCR] starts the Australian Do Not
// Call Register's fake (dncrtest) with an account of its own, for the
// register's adapter (adapters/dncr).
package fakes
