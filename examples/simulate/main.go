package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"
	_ "time/tzdata" // runs on machines without zoneinfo

	"github.com/outbound-go/outbound/examples/simulate/internal/report"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/sequence"
	"github.com/outbound-go/outbound/timing"
)

// memoryLimit is the soft limit of the Go heap the command runs under,
// unless GOMEMLIMIT sets one: the 100,000-lead run keeps about 400 MB live
// in the memory store, and without a limit the collector's headroom can
// take the process past 1 GiB.
const memoryLimit = 900 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	var code int
	if os.Getenv(childEnv) != "" {
		code = runChild(ctx, os.Stdin, os.Stdout, os.Stderr)
	} else {
		code = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	Clients     int
	Leads       int
	Days        int
	Seed        uint64
	Workers     int
	Start       time.Time
	LeadsFile   string
	LeadsFormat string
	// LeadsMap maps -leads-file's columns by hand ("Lead Score=score").
	LeadsMap    map[string]string
	DNCRFile    string
	DatabaseURL string
	Schema      string
	// Processes is how many OS processes dispatch and apply events (with
	// DatabaseURL): the command and Processes−1 copies of it.
	Processes int
	Out       string
	// Providers is where email, call, LinkedIn and mail touches go: "memory",
	// the in-memory fakes, or "http", the real adapters talking to their
	// providers' fakes on 127.0.0.1, outcomes coming back as webhooks.
	Providers string
	// LetterDay, when not 0, adds a letter to the sequence that many days
	// after enrolment.
	LetterDay int
}

// The values of -providers.
const (
	providersMemory = "memory"
	providersHTTP   = "http"
)

// maxProcesses bounds -processes: each process holds up to Workers+4
// connections of the server's.
const maxProcesses = 16

// errUsage marks a bad command line: exit status 2.
var errUsage = errors.New("usage")

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./examples/simulate [flags]\n\n"+
			"Runs the outbound engine end to end on a virtual clock with fake providers and prints what it did.\n\n")
		fs.PrintDefaults()
	}
	var o options
	var start string
	fs.IntVar(&o.Clients, "clients", 3, "number of simulated clients (plans starter, growth, scale in turn)")
	fs.IntVar(&o.Leads, "leads", 2000, "number of generated leads (ignored with -leads-file)")
	fs.IntVar(&o.Days, "days", 30, "virtual days to run")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the world and of every outcome")
	fs.IntVar(&o.Workers, "workers", 4, "dispatch workers; the totals do not depend on it")
	fs.StringVar(&start, "start", "2026-03-02", "first virtual day, YYYY-MM-DD (the run starts at 00:00 UTC)")
	fs.StringVar(&o.LeadsFile, "leads-file", "", "import leads from this CSV or JSONL file instead of generating them")
	fs.StringVar(&o.LeadsFormat, "leads-format", "", "format of -leads-file: csv or jsonl (default: from its extension)")
	fs.Func("map", "with -leads-file: read a column as a lead column, 'File Column=column' (repeatable, or comma-separated; the columns: "+strings.Join(leadfile.Columns(), ", ")+")", func(v string) error {
		m, err := leadfile.ParseMap(v)
		if err != nil {
			return err
		}
		if o.LeadsMap == nil {
			o.LeadsMap = map[string]string{}
		}
		maps.Copy(o.LeadsMap, m)
		return nil
	})
	fs.StringVar(&o.DNCRFile, "dncr-file", "", "Do Not Call Register: one E.164 number per line (default: about 10 % of numbers, drawn from the seed)")
	fs.StringVar(&o.DatabaseURL, "database-url", "", "run on PostgreSQL at this URL instead of the memory store (postgres://user@host:5432/db)")
	fs.StringVar(&o.Schema, "schema", "", "with -database-url: the schema to (re)create for the run (default sim_<seed>)")
	fs.IntVar(&o.Processes, "processes", 1, "with -database-url: dispatch and handle events in this many OS processes (the command and copies of it), the leader elected among them")
	fs.StringVar(&o.Providers, "providers", providersMemory, "memory: every channel on in-memory fakes; http: signups by Stripe's signed webhooks; email, calls, texts, LinkedIn and mail through the real SMTP, Vapi, Twilio, Unipile and Lob adapters to their fakes on 127.0.0.1, outcomes back through the adapters' webhook routes; Australian numbers washed through the DNCR adapter; meetings booked through Cal.com's signed webhooks, pushed to HubSpot's fake")
	fs.IntVar(&o.LetterDay, "letter-day", 0, "add a letter to the sequence this many days after enrolment (sent to hot leads with a postal address, by the clients whose plan has a mail sender); 0: none")
	fs.StringVar(&o.Out, "out", "", "write summary.json, report.html and the JSON lines files to this directory")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	d, err := timing.ParseDate(start)
	if err != nil {
		return o, fmt.Errorf("%w: -start %q: want a date like 2026-03-02", errUsage, start)
	}
	o.Start = d.Midnight(time.UTC)
	switch {
	case o.Clients < 1:
		return o, fmt.Errorf("%w: -clients %d: want at least 1", errUsage, o.Clients)
	case o.Leads < 0:
		return o, fmt.Errorf("%w: -leads %d: want 0 or more", errUsage, o.Leads)
	case o.Days < 1:
		return o, fmt.Errorf("%w: -days %d: want at least 1", errUsage, o.Days)
	case o.Workers < 1:
		return o, fmt.Errorf("%w: -workers %d: want at least 1", errUsage, o.Workers)
	case o.Schema != "" && o.DatabaseURL == "":
		return o, fmt.Errorf("%w: -schema %q: needs -database-url", errUsage, o.Schema)
	case o.Processes < 1 || o.Processes > maxProcesses:
		return o, fmt.Errorf("%w: -processes %d: want 1 to %d", errUsage, o.Processes, maxProcesses)
	case o.Processes > 1 && o.DatabaseURL == "":
		return o, fmt.Errorf("%w: -processes %d: needs -database-url (processes share the run through PostgreSQL)", errUsage, o.Processes)
	case o.LetterDay < 0 || o.LetterDay > sequence.MaxDay:
		return o, fmt.Errorf("%w: -letter-day %d: want 0 (none) to %d", errUsage, o.LetterDay, sequence.MaxDay)
	case o.Providers != providersMemory && o.Providers != providersHTTP:
		return o, fmt.Errorf("%w: -providers %q: want memory or http", errUsage, o.Providers)
	case o.Providers == providersHTTP && o.Processes > 1:
		return o, fmt.Errorf("%w: -providers http with -processes %d: the providers' fakes and webhook routes serve one process; run http with -processes 1", errUsage, o.Processes)
	case o.Schema != "" && !schemaName.MatchString(o.Schema):
		return o, fmt.Errorf("%w: -schema %q: want a lower-case identifier like sim_1", errUsage, o.Schema)
	}
	return o, nil
}

// run is the command: it returns the exit status (0 done, 1 failed, 2 bad
// command line).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", strings.TrimPrefix(err.Error(), "usage: "))
		return 2
	}
	wall := timing.RealClock()
	began := wall.Now()
	sim, err := simulate(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return 1
	}
	defer sim.close()
	sum, err := sim.summary(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return 1
	}
	fmt.Fprintln(stdout)
	if err := report.WriteTable(stdout, sum); err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return 1
	}
	if o.Out != "" {
		if err := sim.writeOut(ctx, o.Out, sum); err != nil {
			fmt.Fprintln(stderr, "simulate:", err)
			return 1
		}
		fmt.Fprintf(stderr, "wrote %s\n", o.Out)
	}
	fmt.Fprintf(stderr, "finished in %s\n", wall.Now().Sub(began).Round(time.Millisecond))
	return 0
}
