// Package scoring rates leads from 0 to 100, and says why.
//
// [Scorer] is the seam: the engine scores each lead imported without a
// score against the ideal customer profile (outbound.ICP) of the campaign
// it joins, keeps the signals with the lead (Lead.ScoreSignals), and
// scores the lead again whenever it engages in a new way (an opened email,
// a click, an accepted connection, an answered call, a reply that wants to
// talk, a meeting), so its tier can rise.
//
// [Weighted] is the default. It adds, from the lead's own fields:
//
//	seniority     25  the title's level (ParseSeniority) against the ICP's
//	company_size  15  the headcount inside the ICP's bounds (or by band)
//	industry      15  the industry among the ICP's
//	country       10  the country (and region) among the ICP's
//	title          5  the title holding one of the ICP's words
//	engagement    30  opened 3, clicked 5, accepted 6, answered 8,
//	                  replied 12, meeting 20, up to 30
//
// so a lead that fits on every axis scores 70 (warm) and engagement takes
// it to hot (85). A field the lead lacks scores nothing and says
// "unknown". A score a lead file gave is kept as the "provided" signal,
// with engagement added on top when the lead is scored again. Weights are
// configurable (Weights); [Result.Explain] writes a score in one line.
package scoring
