// Package world generates the simulator's seeded, deterministic world: the
// clients and their plans, the pool's opening stock, the leads (as lead-file
// rows), a fake Do Not Call Register and a seeded ID source. Everything is
// drawn from math/rand/v2's PCG with the run's seed, so a seed gives the
// same world on every machine.
//
// # Clients and stock
//
// Clients are on the default plans in turn (starter, growth, scale) with
// default zones alternating between Australian and US cities. The pool
// starts with exactly enough aged resources (45 days old) for the clients'
// plans, plus a third as many new domains (3 days old, still warming), so
// its buffer is short and the first check buys more.
//
// # Leads
//
// Lead i belongs to client i mod N. About 58 % are in Australia (by state,
// weighted toward Sydney and Melbourne), 32 % in the US, the rest in New
// Zealand, Britain, Singapore and Canada. Each works at one of its client's
// companies, several leads to a company; a company sits in one city and
// has one domain. About 95 % have an email (first.last@company), 80 % a
// phone (Australian landlines with the state's trunk digit, 2 for NSW and
// the ACT, 3 for Victoria and Tasmania, 7 for Queensland, 8 for WA, SA and
// the NT; Australian mobiles +61 4; US numbers with the city's real area
// codes; a fifth written in national format), 75 % a LinkedIn profile, 35 %
// a postal address, 8 % an explicit IANA zone, and 8 % no state. Scores are
// spread evenly over 0–100. About 1.5 % of rows repeat an earlier lead's
// email, for the engine to merge.
//
// # Register and IDs
//
// Register is a fake Do Not Call Register that lists about 10 % of numbers
// (a seeded draw per number) or exactly the numbers of a file. IDs makes
// version 4 UUIDs from a seeded PCG.
package world
