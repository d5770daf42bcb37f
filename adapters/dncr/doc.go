// Package dncr washes Australian numbers against the Do Not Call Register
// through its Real Time Access service (SOAP, rpc style, at
// www.donotcall.gov.au/dncrtelem/rtw/washing.cfc): the register for "AU"
// in a donotcall.ByCountry, so the engine washes +61 numbers before it
// calls or texts them (SM-001, SM-002, and voice).
//
//	reg, err := dncr.New(dncr.Config{
//		TelemarketerID: os.Getenv("DNCR_TELEMARKETER_ID"),
//		WashOnlyUserID: os.Getenv("DNCR_WASH_USER_ID"),
//		Password:       os.Getenv("DNCR_PASSWORD"),
//	})
//	washer, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: map[string]donotcall.Register{"AU": reg}, Clock: clock})
//
// # Washing
//
// [Register.Wash] checks every number locally first, with the phone
// package: a number that is not a valid Australian number is answered
// unknown (never clear, so never called on its strength) and not sent,
// since the register charges for invalid numbers too. The others go in
// national form, in batches of Config.Batch (500), to WashNumbers with the
// account's credentials and a fresh ClientReferenceId. When the answer
// holds no results, the wash is polled with GetWashResult after the waits
// the service requires — at least 30 s, then 30 s, then at least 30
// minutes — on the configured clock. Results: Y registered, N clear, I
// (invalid) unknown, each stamped with the wash time; an answer holds for
// [Validity] (30 days), after which the engine washes again.
//
// System codes other than 0 are a *[ServiceError]: 1 (credentials or
// numbers missing), 3 (account inactive), 4 from WashNumbers (no
// subscription in force) and 5 (insufficient balance, errors.Is
// [ErrInsufficientBalance]) are permanent until someone acts; a transport
// failure, a 5xx or an unfinished wash after the last wait can be tried
// again. [Register.Balance] reads GetAccountBalance.
//
// Package dncrtest is a fake of the service.
//
// # Followed, and not verified
//
// The operations, their parameters, the result and system codes and the
// waits come from a transcription of the register's SOAP fact sheet, not
// from the register itself, which has no test mode. Not verified: the
// answer's element names (the parser reads ErrorCode or ReturnCode,
// ErrorMessage, AccountBalance and each Item's Number and Result wherever
// they sit, and a SOAP fault's faultstring); that numbers go in national
// form ("0412345678"); the batch size the service takes; and whether a
// WashNumbers answer ever holds its results directly or always needs
// GetWashResult (both are handled).
package dncr
