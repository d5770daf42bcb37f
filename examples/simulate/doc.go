// Simulate runs the whole outbound flow end to end, by default in one
// process on the embedded memory store, a virtual clock and fake providers, and reports
// what happened. It is the project's main job and its proof:
//
//	go run ./examples/simulate
//
// runs 3 clients, 2,000 leads and 30 virtual days from Monday 2026-03-02
// with seed 1, printing one line per virtual day to stderr and a summary
// table to stdout, in a few seconds.
//
// # Flags
//
//	-clients N        simulated clients (default 3)
//	-leads N          generated leads (default 2000; ignored with -leads-file)
//	-days N           virtual days (default 30)
//	-seed N           seed of the world and of every outcome (default 1)
//	-workers N        dispatch workers (default 4); totals do not depend on it
//	-start DATE       first virtual day, YYYY-MM-DD (default 2026-03-02, a Monday)
//	-leads-file PATH  import leads from a CSV or JSONL file
//	-leads-format F   csv or jsonl, when the file's extension does not say
//	-dncr-file PATH   the Do Not Call Register: one E.164 number per line
//	-database-url URL run on PostgreSQL instead of the embedded memory store
//	-schema NAME      with -database-url: the schema of the run (default sim_<seed>)
//	-processes N      with -database-url: run in N OS processes (default 1)
//	-providers P      memory (default): in-memory fakes; http: email, calls, texts,
//	                  LinkedIn and letters through the real SMTP, Vapi, Twilio, Unipile
//	                  and Lob adapters to their fakes on 127.0.0.1, outcomes back through
//	                  the adapters' webhook routes (not with -processes); Australian
//	                  numbers washed through the DNCR adapter against its fake register;
//	                  clients signed up by Stripe's signed events through the Stripe
//	                  adapter; meetings booked through Cal.com's signed webhooks, and
//	                  pushed to HubSpot's fake
//	-letter-day N     add a letter to the sequence N days after enrolment (hot leads
//	                  with a postal address, clients whose plan has a mail sender)
//	-out DIR          write summary.json, report.html and the JSON lines files
//
// Exit status: 0 done, 1 the run failed, 2 a bad command line.
//
// # The world
//
// Clients sign up on the default plans in turn (starter, growth, scale) and
// the pool assigns their resources from an opening stock of aged domains
// (45 days old: enough for the plans), phones, LinkedIn seats and mail
// senders, plus some new domains still warming; the first buffer check
// buys more through a fake provisioner. Each client runs one campaign on
// the default sequence. The plans keep their default resources; their
// monthly lead allowance is raised when the run has more leads per client
// than it allows, so every lead can be enrolled.
//
// Leads are generated from the seed (see internal/world: Australian states,
// US states and a few other countries, landlines with the right area codes,
// mobiles, LinkedIn profiles, postal addresses, companies shared by several
// leads, scores over 0–100, some explicit zones, a few duplicate emails), or
// read from -leads-file (CSV with a header, or JSONL; see package leadfile).
// A file's client column picks the client by number (1..N) or name; a row
// without one goes to the clients in turn. Bad rows are reported on stderr
// with their line and reason; the rest are imported.
//
// The Do Not Call Register is fake: about 10 % of numbers are listed, drawn
// from the seed and the number, or exactly the numbers of -dncr-file.
//
// # Outcomes
//
// Each channel is a channeltest.Fake answering from a channeltest.Model with
// channeltest's default rates (a typical cold-outreach campaign). Outcomes are drawn from the seed, the
// lead, the step, the action and how many times that step's action was sent
// before (a call retried after a busy line draws afresh), never from the
// wall clock, touch IDs or the order workers run in: the same seed gives
// the same totals with any -workers.
//
// Every other client has its leads' replies answered automatically, with
// its Cal.com link for a meeting request; the others approve each answer
// first, so theirs wait as drafts. A lead sent a link books through it
// half the time, 2 to 30 hours later (drawn from the answer), and the
// booking reaches the engine as Cal.com reports it.
//
// # The run
//
// The clock starts at -start 00:00 UTC. At each instant the simulator
// applies the provider events due by then (in order of time, then provider
// event ID), lets -workers goroutines dispatch every due touch, computes the
// events the fake providers will report for what was sent, and moves the
// clock to the next due touch, the next event or the next UTC midnight,
// whichever comes first. At each UTC midnight it runs the engine's daily
// jobs (DNCR re-wash, pool promotion and buffer check, domain health,
// churn release, LinkedIn withdrawals, planning).
//
// # Output
//
// -out DIR writes summary.json (the totals), report.html (self-contained,
// with inline SVG charts) and JSON lines files to check the run
// independently: leads.jsonl, resources.jsonl, touches.jsonl and
// events.jsonl, each record with its provider, provider IDs and times.
//
// # Memory
//
// The memory store keeps every record of the run: about 400 MB live at
// -leads 100000. The command sets a soft limit of 900 MiB on the Go heap
// (unless GOMEMLIMIT sets one), so the collector keeps the process under
// 1 GiB.
//
// # PostgreSQL
//
// -database-url postgres://user@host:5432/db runs the same simulation on
// the Postgres store (package adapters/postgres) instead of the memory
// store: the run drops the schema -schema (default sim_<seed>) if an earlier
// run left it, creates it afresh, migrates it (the pool's search_path names
// it) and runs the engine on the platform handle, with as many pooled
// connections as workers plus four. The schema stays after the run, to be
// looked at. The connecting role needs to create schemas, and, on a cluster where the
// store's roles do not exist yet, roles (see package adapters/postgres).
//
// # Across processes
//
// -processes N (with -database-url) runs the engine in N OS processes on
// the one schema, as a deployment runs several instances: the command sets
// the run up (schema, pool, clients, leads) and starts N−1 copies of its
// own executable, which join the schema with engines of their own. The
// first process holds the virtual clock and drives the copies over their
// standard input and output, one JSON line each way per step: dispatch
// at instant T, apply these events at T, run the daily jobs at T. Every
// process dispatches with its workers, claiming from the store; the due
// events are shared out by company (one company's events are applied in
// order by one process, as a deployment routes webhooks by tenant); the
// daily jobs, which plan, run in the one process the database's advisory
// lock elects (the progress says which). The fake providers, the
// provisioner and the alerter live in the first process and the copies
// reach them over HTTP on 127.0.0.1, as every instance reaches one real
// provider: a retry or a reconciliation meets the same record whichever
// process makes it. The engines' counters are added up for the summary,
// and the progress ends with the touches each process dispatched and the
// number of keys sent twice (0).
//
// After the events and sends of each instant, the leader's planner books
// what they handed back (a touch whose window passed or whose mailbox was
// paused, a fallback, a call retry, a LinkedIn message): only the leader
// books, in the store's order.
//
// What holds across processes: one leader; nothing sent twice; caps,
// which the store's counter enforces; the spacing of a mailbox's sends,
// which the store checks at send time; a pause, an assignment or a churn
// seen by every process before its next send; and the totals of one
// process on the memory store for the same seed, since every booking is
// made by the one planner in one order.
package main
