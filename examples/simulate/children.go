package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// A run across processes (-processes N) is the command, the first process,
// and N−1 copies of it that it starts. The first sets the run up (schema,
// pool, clients, leads), holds the virtual clock and the fake providers,
// and drives the copies over their standard input and output, one JSON
// line each way per step: dispatch at instant T, apply these events at T,
// run the daily jobs at T if you lead. Every process dispatches; events
// are shared out by company (the events of one company are applied in
// order by one process, as a deployment would route them by tenant); the
// daily jobs run in whichever process the database's advisory lock elects.

// childEnv, set in a copy's environment, makes the command a copy: it reads
// its setup and then its steps from standard input.
const childEnv = "OUTBOUND_SIMULATE_PROCESS"

// childSetup is the first line a copy reads.
type childSetup struct {
	Process     int                           `json:"process"` // from 1
	Options     options                       `json:"options"`
	Schema      string                        `json:"schema"`
	Plans       []outbound.Plan               `json:"plans"`
	ProviderURL string                        `json:"provider_url"`
	Infos       map[channel.Kind]channel.Info `json:"infos"`
}

// The steps a copy runs.
const (
	opDispatch = "dispatch"
	opEvents   = "events"
	opDaily    = "daily"
	opBook     = "book"
	opCounters = "counters"
)

// step is one line to a copy: move your clock to At and do Op.
type step struct {
	Op     string          `json:"op"`
	At     time.Time       `json:"at"`
	Events []channel.Event `json:"events,omitempty"`
}

// stepDone is a copy's answer to a step.
type stepDone struct {
	tally
	Led      bool                   `json:"led,omitempty"`
	Counters *distribution.Counters `json:"counters,omitempty"`
	Err      string                 `json:"err,omitempty"`
}

// child is a running copy, as the first process sees it.
type child struct {
	n     int
	cmd   *exec.Cmd
	stdin io.WriteCloser
	enc   *json.Encoder
	dec   *json.Decoder
}

// startChild starts copy n of the command and sends it its setup. Its
// standard error goes to stderr.
func startChild(ctx context.Context, n int, setup childSetup, stderr io.Writer) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("process %d: %w", n+1, err)
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+strconv.Itoa(n))
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("process %d: %w", n+1, err)
	}
	c := &child{n: n, cmd: cmd, stdin: stdin, enc: json.NewEncoder(stdin), dec: json.NewDecoder(bufio.NewReader(stdout))}
	if err := c.enc.Encode(setup); err != nil {
		c.stop()
		return nil, fmt.Errorf("process %d: setup: %w", n+1, err)
	}
	return c, nil
}

// do sends s and waits for the copy's answer.
func (c *child) do(s step) (stepDone, error) {
	var d stepDone
	if err := c.enc.Encode(s); err != nil {
		return d, fmt.Errorf("process %d: %s: %w", c.n+1, s.Op, err)
	}
	if err := c.dec.Decode(&d); err != nil {
		return d, fmt.Errorf("process %d: %s: no answer: %w", c.n+1, s.Op, err)
	}
	if d.Err != "" {
		return d, fmt.Errorf("process %d: %s", c.n+1, d.Err)
	}
	return d, nil
}

// stop closes the copy's input, which ends it, and waits for it.
func (c *child) stop() error {
	_ = c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("process %d: %w", c.n+1, err)
	}
	return nil
}

// runChild is the command as a copy: it builds its engine from the setup
// line on stdin and runs each step that follows until stdin ends.
func runChild(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) int {
	dec := json.NewDecoder(bufio.NewReader(stdin))
	enc := json.NewEncoder(stdout)
	var setup childSetup
	if err := dec.Decode(&setup); err != nil {
		fmt.Fprintln(stderr, "simulate (copy): setup:", err)
		return 1
	}
	p, closeDB, err := childProcess(ctx, setup)
	if err != nil {
		fmt.Fprintf(stderr, "simulate (process %d): %v\n", setup.Process+1, err)
		return 1
	}
	defer closeDB()
	defer p.release(context.WithoutCancel(ctx))
	for {
		var s step
		if err := dec.Decode(&s); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			fmt.Fprintf(stderr, "simulate (process %d): %v\n", setup.Process+1, err)
			return 1
		}
		d, err := p.step(ctx, s)
		if err != nil {
			d.Err = err.Error()
		}
		if err := enc.Encode(d); err != nil {
			return 1
		}
	}
}

// childProcess builds a copy's engine: the first process's store, plans and
// register; the first process's fakes, provisioner and alerter over HTTP;
// an ID stream of its own.
func childProcess(ctx context.Context, setup childSetup) (*process, func(), error) {
	o := setup.Options
	db, closeDB, err := connectPostgres(ctx, o.DatabaseURL, setup.Schema, o.Workers)
	if err != nil {
		return nil, nil, err
	}
	clock := timingtest.NewClock(o.Start)
	reg, err := register(o, clock)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	pc := &providerClient{url: setup.ProviderURL, http: &http.Client{Timeout: time.Minute}}
	var chans []channel.Channel
	for _, k := range channel.Kinds() {
		chans = append(chans, &remoteChannel{kind: k, info: setup.Infos[k], c: pc})
	}
	ids := world.NewProcessIDs(o.Seed, setup.Process)
	svc, err := newEngine(engineConfig{
		Store: db.Platform(), Channels: chans, Clock: clock, DNCR: reg,
		Provisioner: remoteProvisioner{c: pc}, Alerter: remoteAlerter{c: pc},
		Plans: setup.Plans, Workers: o.Workers, IDs: ids, Sequence: o.runSequence(),
	})
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	name := "p" + strconv.Itoa(setup.Process+1)
	return &process{name: name, svc: svc, clock: clock, ids: ids, workers: o.Workers, elector: db.Elector(leaderName)}, closeDB, nil
}

// leaderName is the leadership the processes of a run elect.
const leaderName = "simulate"

// step runs one step at its instant.
func (p *process) step(ctx context.Context, s step) (stepDone, error) {
	p.clock.Set(s.At)
	var d stepDone
	var err error
	switch s.Op {
	case opDispatch:
		d.Dispatched, err = p.dispatch(ctx)
	case opEvents:
		d.tally, err = p.apply(ctx, s.Events)
	case opDaily:
		d.Led, err = p.daily(ctx)
	case opBook:
		d.Led, err = p.book(ctx)
	case opCounters:
		c := p.counters()
		d.Counters = &c
	default:
		err = fmt.Errorf("unknown step %q", s.Op)
	}
	return d, err
}

// lockedWriter serialises writes from the copies' standard errors and the
// first process's own progress lines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
