// Package replies reads what a lead wrote back: it classifies an inbound
// reply (an email, a text, a LinkedIn message, a call's transcript) into
// what it means for the lead's sequence — interested, a meeting request, a
// question, not interested, not now (with the date to come back when one
// is named), out of office (with the return date), unsubscribe, wrong
// person, a referral (with the referred contact), or a bounce notice
// written as a message.
//
// [Classifier] is the seam: a host puts a language model behind it. The
// default, [Rules], is English phrase rules tried in order of weight (an
// unsubscribe before a "no", a "no" before a "yes"), then weighted cue
// words for what no phrase matched, on the part of the reply written this
// time: quoted history and signatures are cut first, so our own message,
// quoted below a reply with its unsubscribe line, never classifies it.
//
// [DateReader] reads the dates replies name: return dates of absence
// notices ("back on Monday 16 March", "bis zum 16.03.") and follow-up
// dates ("circle back in Q3", "in two weeks", "after 14 April").
//
// The package's testdata holds a corpus of replies with the expected
// reading of each, and a held-out set the rules were not written against;
// the rules' accuracy on both is in the project's BENCHMARKS.md.
package replies
