package main

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/channel/channeltest"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/examples/simulate/internal/report"
	"github.com/outbound-go/outbound/examples/simulate/internal/world"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/pool/pooltest"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing/timingtest"
)

// providerName names the fake provider of channel k, as its receipts and
// events carry it: "sim-email", "sim-voice", ...
func providerName(k channel.Kind) string { return "sim-" + string(k) }

// simClient is one signed-up client and its campaign.
type simClient struct {
	world.Client
	ID       outbound.ClientID
	Campaign outbound.CampaignID
}

// simulation is one run: the world, the engine, the fakes and the queue of
// provider events still to come.
type simulation struct {
	opts     options
	progress io.Writer
	clock    *timingtest.Clock
	store    storage.Store
	db       *postgres.DB // nil on the memory store
	closeDB  func()       // closes the Postgres pool; nil on the memory store
	svc      *distribution.Service
	self     *process          // this process's part: its engine, clock and leadership
	kids     []*child          // the copies of a run across processes
	server   *providerServer   // serves the fakes to the copies
	http     *httpProviders    // with -providers http: the providers' fakes and webhook routes
	shardOf  map[string]string // lead ID → the company its events are routed by
	leader   int               // the process (from 1) that led the last daily jobs; 0 before
	handled  []int             // touches each process dispatched, in a run across processes
	alerter  *pooltest.Alerter
	prov     *pooltest.Provisioner
	model    *channeltest.Model
	sends    *outbox
	queue    eventQueue
	bookings []booking // meetings leads will book, by time
	clients  []simClient
	imported importTotals
	day      dayTally
	nextDue  time.Time // when the next touch comes due, as of the last dispatch
	hasDue   bool
}

// importTotals adds up the import.
type importTotals struct {
	rows, badRows                    int
	enrolled, merged, dead, rejected int
	enrolledBy                       map[outbound.ClientID]int
}

// dayTally is what the current virtual day has seen so far, for the
// progress line.
type dayTally struct {
	replies, events int
}

// simulate builds the world, runs it for opts.Days and returns the
// finished simulation; progress lines go to progress.
func simulate(ctx context.Context, o options, progress io.Writer) (*simulation, error) {
	if o.Processes > 1 {
		progress = &lockedWriter{w: progress}
	}
	s := &simulation{
		opts: o, progress: progress, clock: timingtest.NewClock(o.Start), store: memory.New(),
		alerter: &pooltest.Alerter{}, prov: &pooltest.Provisioner{},
		imported: importTotals{enrolledBy: map[outbound.ClientID]int{}},
	}
	if o.DatabaseURL != "" {
		db, closeDB, err := openPostgres(ctx, o, progress)
		if err != nil {
			return nil, err
		}
		s.store, s.db, s.closeDB = db.Platform(), db, closeDB
	}
	if err := s.setup(ctx); err != nil {
		s.close()
		return nil, err
	}
	if err := s.run(ctx); err != nil {
		s.close()
		return nil, err
	}
	if len(s.kids) > 0 {
		var parts []string
		for i, n := range s.handled {
			parts = append(parts, fmt.Sprintf("process %d %d", i+1, n))
		}
		fmt.Fprintf(s.progress, "touches dispatched: %s; sends of a key already sent: %d\n", strings.Join(parts, ", "), s.sends.duplicates())
	}
	if s.http != nil {
		fmt.Fprintln(s.progress, s.http.summary())
	}
	return s, nil
}

// close stops the copies of a run across processes and releases the
// database connections, if the run has any. The memory store needs
// nothing.
func (s *simulation) close() {
	for _, k := range s.kids {
		if err := k.stop(); err != nil {
			fmt.Fprintln(s.progress, "simulate:", err)
		}
	}
	s.kids = nil
	if s.server != nil {
		s.server.close()
		s.server = nil
	}
	if s.http != nil {
		s.http.close()
		s.http = nil
	}
	if s.self != nil {
		s.self.release(context.Background())
	}
	if s.closeDB != nil {
		s.closeDB()
		s.closeDB = nil
	}
}

// setup stocks the pool, signs the clients up, creates their campaigns and
// imports the leads.
func (s *simulation) setup(ctx context.Context) error {
	o := s.opts
	ids := world.NewIDs(o.Seed)
	wclients := world.Clients(o.Clients)

	rows, err := s.leadRows(wclients)
	if err != nil {
		return err
	}
	byClient := s.assign(rows, wclients)
	// The default plans, with the lead allowance raised where a client has
	// more leads than its plan allows, so that every lead can be enrolled.
	plans := outbound.DefaultPlans()
	for i := range plans {
		need := 0
		for c, wc := range wclients {
			if wc.Plan == plans[i].Name {
				need = max(need, len(byClient[c]))
			}
		}
		if need > plans[i].LeadsPerMonth {
			plans[i].LeadsPerMonth = need
			fmt.Fprintf(s.progress, "setup: plan %s: lead allowance raised to %d for this run\n", plans[i].Name, need)
		}
	}

	stock, err := pool.New(pool.Config{Store: s.store, Provisioner: s.prov, Alerter: s.alerter, Clock: s.clock, Plans: plans, NewID: ids.New})
	if err != nil {
		return fmt.Errorf("pool: %w", err)
	}
	for _, lot := range world.Stock(plans, wclients, o.Start) {
		if _, err := stock.Stock(ctx, lot.Kind, lot.N, lot.PurchasedAt); err != nil {
			return fmt.Errorf("stocking the pool: %w", err)
		}
	}

	reg, err := register(o, s.clock)
	if err != nil {
		return err
	}

	s.model = &channeltest.Model{Seed: o.Seed, DrawKey: drawKey, Replies: world.ReplyTexts()}
	s.sends = &outbox{keys: map[string]int{}, ordinals: map[string][]string{}}
	var chans []channel.Channel
	if o.Providers == providersHTTP {
		if s.http, err = startHTTPProviders(s.clock); err != nil {
			return err
		}
	}
	if s.http != nil {
		reg = s.http.washer(reg)
	}
	for _, k := range channel.Kinds() {
		if s.http != nil {
			if c := s.http.channel(k, s.sends, s.clock.Now); c != nil {
				chans = append(chans, c)
				continue
			}
		}
		f, err := channeltest.New(k, &channeltest.Config{Provider: providerName(k), Now: s.clock.Now, Model: s.model})
		if err != nil {
			return err
		}
		chans = append(chans, &recorder{Fake: f, out: s.sends, now: s.clock.Now})
	}

	var meetingsCRM crm.CRM
	if s.http != nil {
		meetingsCRM = s.http.crm
	}
	s.svc, err = newEngine(engineConfig{
		Store: s.store, Channels: chans, Clock: s.clock, DNCR: reg, Provisioner: s.prov, Alerter: s.alerter,
		Plans: plans, Workers: o.Workers, IDs: ids, Sequence: o.runSequence(), CRM: meetingsCRM,
	})
	if err != nil {
		return err
	}
	s.self = &process{name: "p1", svc: s.svc, clock: s.clock, ids: ids, workers: o.Workers}
	if s.http != nil {
		s.http.setProcess(s.self)
	}

	for i, wc := range wclients {
		c, err := s.signUp(ctx, wc)
		if err != nil {
			return fmt.Errorf("signup of %s: %w", wc.Name, err)
		}
		if i%2 == 0 {
			// Every other client has its replies answered at once, with its
			// booking link for a meeting request; the others approve each
			// answer first (the engine's default), so their answers wait as
			// drafts.
			link := "https://cal.com/" + slug(wc.Name) + "/intro?metadata[lead]={lead}"
			if err := s.svc.SetAnswers(ctx, c.ID, outbound.AnswerAuto, link); err != nil {
				return fmt.Errorf("answers of %s: %w", wc.Name, err)
			}
		}
		camp, err := s.svc.CreateCampaign(ctx, c.ID, "Outreach "+o.Start.Format("January 2006"))
		if err != nil {
			return fmt.Errorf("campaign of %s: %w", wc.Name, err)
		}
		s.clients = append(s.clients, simClient{Client: wc, ID: c.ID, Campaign: camp.ID})
		res, err := s.svc.ImportLeads(ctx, camp.ID, byClient[i])
		if err != nil {
			return fmt.Errorf("importing the leads of %s: %w", wc.Name, err)
		}
		s.imported.enrolled += len(res.Enrolled)
		s.imported.enrolledBy[c.ID] = len(res.Enrolled)
		s.imported.merged += len(res.Merged)
		s.imported.dead += len(res.Dead)
		for _, r := range res.Rejected {
			s.rejectedRow(r)
		}
	}
	fmt.Fprintf(s.progress, "setup: %d clients, %d lead rows: %d enrolled, %d merged, %d dead, %d rejected\n",
		len(s.clients), s.imported.rows, s.imported.enrolled, s.imported.merged, s.imported.dead, s.imported.rejected+s.imported.badRows)
	if o.Processes > 1 {
		return s.startCopies(ctx, plans, chans)
	}
	return nil
}

// rejectedRow counts and reports a row the engine rejected: every one for
// a file, the first ten for generated leads (which should have none).
func (s *simulation) rejectedRow(r distribution.RowError) {
	s.imported.rejected++
	if s.opts.LeadsFile == "" && s.imported.rejected > 10 {
		return
	}
	where := "lead " + r.ExternalID
	if r.Line > 0 {
		where = fmt.Sprintf("%s: line %d", s.opts.LeadsFile, r.Line)
	}
	fmt.Fprintf(s.progress, "%s: rejected: %v\n", where, r.Err)
}

// leadRows generates the leads, or reads -leads-file, reporting its bad
// rows.
func (s *simulation) leadRows(clients []world.Client) ([]leadfile.Row, error) {
	o := s.opts
	if o.LeadsFile == "" {
		rows := world.Leads(o.Seed, o.Leads, len(clients))
		s.imported.rows = len(rows)
		return rows, nil
	}
	format, err := leadfile.DetectFormat(o.LeadsFile, o.LeadsFormat)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(o.LeadsFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := leadfile.ReadOptions(f, format, leadfile.Options{Map: o.LeadsMap})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.LeadsFile, err)
	}
	rows, bad := res.Rows, res.Bad
	if len(res.Unknown) > 0 {
		fmt.Fprintf(s.progress, "%s: columns not read (map them with -map 'Column=field'): %s\n", o.LeadsFile, strings.Join(res.Unknown, ", "))
	}
	for _, b := range bad {
		fmt.Fprintf(s.progress, "%s: %s\n", o.LeadsFile, strings.TrimPrefix(b.Error(), "leadfile: "))
	}
	s.imported.rows = len(rows) + len(bad)
	s.imported.badRows = len(bad)
	return rows, nil
}

// assign converts rows to the engine's input, grouped by client: the client
// column names a client by number (1..N) or name; an empty one takes the
// clients in turn. A row naming no such client is reported and skipped.
func (s *simulation) assign(rows []leadfile.Row, clients []world.Client) [][]distribution.LeadInput {
	out := make([][]distribution.LeadInput, len(clients))
	turn := 0
	for _, r := range rows {
		c := -1
		switch v := strings.TrimSpace(r.Client); {
		case v == "":
			c, turn = turn%len(clients), turn+1
		default:
			if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(clients) {
				c = n - 1
				break
			}
			for i, wc := range clients {
				if strings.EqualFold(wc.Name, v) {
					c = i
				}
			}
		}
		if c < 0 {
			s.imported.badRows++
			fmt.Fprintf(s.progress, "%s: line %d: client %q: no such client (want 1 to %d or a client's name)\n",
				s.opts.LeadsFile, r.Line, r.Client, len(clients))
			continue
		}
		out[c] = append(out[c], r.Contact)
	}
	return out
}

// run moves the virtual clock from the start to the end of the last day.
func (s *simulation) run(ctx context.Context) error {
	start := s.opts.Start
	end := start.AddDate(0, 0, s.opts.Days)
	dayEnd := start.AddDate(0, 0, 1)
	day := 1
	if err := s.daily(ctx); err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := s.clock.Now()
		if err := s.applyEvents(ctx, now); err != nil {
			return err
		}
		if err := s.applyBookings(ctx, now); err != nil {
			return err
		}
		if err := s.dispatch(ctx, now); err != nil {
			return err
		}
		if err := s.book(ctx); err != nil {
			return err
		}
		s.queueEvents()

		next := dayEnd
		if due, ok := s.nextDue, s.hasDue; ok {
			if !due.After(now) {
				// A touch still due after every worker went idle is held by a
				// lease or was left as it was; look again a second later.
				due = now.Add(time.Second)
			}
			next = minTime(next, due)
		}
		if len(s.queue) > 0 {
			next = minTime(next, s.queue[0].At)
		}
		if len(s.bookings) > 0 {
			next = minTime(next, s.bookings[0].At)
		}
		s.clock.Set(next)
		if next.Equal(dayEnd) {
			s.endDay(day, dayEnd.AddDate(0, 0, -1))
			if !dayEnd.Before(end) {
				return nil
			}
			day++
			dayEnd = dayEnd.AddDate(0, 0, 1)
			if err := s.daily(ctx); err != nil {
				return err
			}
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// daily runs the engine's daily jobs, which plan too, in the process that
// leads.
func (s *simulation) daily(ctx context.Context) error {
	if len(s.kids) == 0 {
		_, err := s.self.daily(ctx)
		return err
	}
	return s.everywhere(ctx, opDaily, nil)
}

// book lets the leader's planner book what this instant's events and
// sends handed back: asked of the process that led last, and of every
// process when it no longer leads.
func (s *simulation) book(ctx context.Context) error {
	if len(s.kids) == 0 {
		_, err := s.self.book(ctx)
		return err
	}
	if s.leader > 1 {
		d, err := s.kids[s.leader-2].do(step{Op: opBook, At: s.clock.Now()})
		if err != nil || d.Led {
			return err
		}
	} else if s.leader == 1 {
		if led, err := s.self.book(ctx); err != nil || led {
			return err
		}
	}
	return s.everywhere(ctx, opBook, nil)
}

// endDay prints the progress line of the day that starts at date.
func (s *simulation) endDay(day int, date time.Time) {
	d := report.Day{Date: date.Format(time.DateOnly), Sent: s.sends.takeDay(), Replies: s.day.replies, Events: s.day.events}
	fmt.Fprintln(s.progress, report.ProgressLine(day, s.opts.Days, d, "UTC"))
	s.day = dayTally{}
}

// dispatch lets the workers send every touch due at now: each dispatches
// until a pass sends nothing; then, if a touch is still due (one a worker
// claimed and did not send, while the others stopped), another round
// runs, a few at most.
func (s *simulation) dispatch(ctx context.Context, now time.Time) error {
	for range 3 {
		if err := s.dispatchRound(ctx); err != nil {
			return err
		}
		due, ok, err := s.next(ctx)
		if err != nil {
			return err
		}
		s.nextDue, s.hasDue = due, ok
		if !ok || due.After(now) {
			return nil
		}
	}
	return nil
}

// next is when the next touch comes due: the engine's NextDue, which the
// store answers from its claim index.
func (s *simulation) next(ctx context.Context) (time.Time, bool, error) {
	due, ok, err := s.svc.NextDue(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due touch: %w", err)
	}
	return due, ok, nil
}

// dispatchRound lets every process's workers dispatch at once.
func (s *simulation) dispatchRound(ctx context.Context) error {
	if len(s.kids) == 0 {
		_, err := s.self.dispatch(ctx)
		return err
	}
	return s.everywhere(ctx, opDispatch, nil)
}

// queueEvents turns what the fakes accepted since the last call into the
// events their providers will report, queued by time.
func (s *simulation) queueEvents() {
	for _, sent := range s.sends.drain() {
		for _, e := range s.model.Events(sent.msg, sent.receipt, sent.at) {
			heap.Push(&s.queue, e)
		}
		if b, ok := bookingOf(sent); ok {
			s.queueBooking(b)
		}
	}
}

// applyEvents hands the engine every queued event due by now, in order of
// time, then provider and provider event ID.
func (s *simulation) applyEvents(ctx context.Context, now time.Time) error {
	var due []channel.Event
	for len(s.queue) > 0 && !s.queue[0].At.After(now) {
		due = append(due, heap.Pop(&s.queue).(channel.Event))
	}
	if len(due) == 0 {
		return nil
	}
	if s.http != nil {
		t, err := s.http.apply(ctx, due)
		s.count(t)
		return err
	}
	if len(s.kids) == 0 {
		t, err := s.self.apply(ctx, due)
		s.count(t)
		return err
	}
	return s.everywhere(ctx, opEvents, s.shareOut(due))
}

// count adds applied events to the day's tally.
func (s *simulation) count(t tally) {
	s.day.events += t.Applied
	s.day.replies += t.Replies
}

// eventQueue is a min-heap of events by (At, Provider, ProviderEventID).
type eventQueue []channel.Event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	return cmp.Or(q[i].At.Compare(q[j].At), cmp.Compare(q[i].Provider, q[j].Provider),
		cmp.Compare(q[i].ProviderEventID, q[j].ProviderEventID)) < 0
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(channel.Event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// drawKey is the key the fake providers draw a message's outcome from:
// the lead, the step, the action and the ordinal of this send among the
// sends of that step's action (set by the recorder), never the touch ID.
func drawKey(m *channel.Message) string {
	if k := m.Metadata[drawMeta]; k != "" {
		return k
	}
	return m.IdempotencyKey
}

// drawMeta is the metadata key the recorder stores the draw key under.
const drawMeta = "sim_draw"

// recorder is a channel that sends through a fake and records what it
// accepted. It embeds the fake, so it reconciles (channel.Reconciler) too.
type recorder struct {
	*channeltest.Fake
	out *outbox
	now func() time.Time
}

// Send tags the message with its draw key, sends it through the fake and
// records an accepted first send of a key.
func (r *recorder) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	return r.out.record(ctx, m, r.now, r.Fake.Send)
}

// record tags the message with its draw key, sends it with send and
// records an accepted first send of a key: what every channel of the run
// does around its provider, fake or real.
func (o *outbox) record(ctx context.Context, m *channel.Message, now func() time.Time,
	send func(context.Context, *channel.Message) (channel.Receipt, error)) (channel.Receipt, error) {
	m = m.Clone()
	if m.Metadata == nil {
		m.Metadata = map[string]string{}
	}
	m.Metadata[drawMeta] = o.drawKey(m)
	rc, err := send(ctx, m)
	if err == nil {
		o.add(m, rc, now())
	}
	return rc, err
}

// sent is one accepted send.
type sent struct {
	msg     *channel.Message
	receipt channel.Receipt
	at      time.Time
}

// outbox collects accepted sends between two instants of the clock. It is
// safe for concurrent use by the workers.
type outbox struct {
	mu       sync.Mutex
	pending  []sent
	keys     map[string]int      // idempotency keys accepted: sends are counted once
	ordinals map[string][]string // lead/step/action → idempotency keys in order of first send
	daySent  map[string]int      // by channel, since the last takeDay
	dups     int                 // sends of a key already accepted: none unless a send's answer was lost
}

// drawKey returns the draw key of m: lead/step/action/ordinal. A touch's
// sends of one step and action come one after another in virtual time (a
// call, then its retry hours later), so the ordinal does not depend on how
// workers interleave.
func (o *outbox) drawKey(m *channel.Message) string {
	base := m.Metadata["lead"] + "/" + m.Metadata["step"] + "/" + string(m.ResolvedAction())
	if m.Metadata["lead"] == "" {
		return m.IdempotencyKey
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	keys := o.ordinals[base]
	i := slices.Index(keys, m.IdempotencyKey)
	if i < 0 {
		i = len(keys)
		o.ordinals[base] = append(keys, m.IdempotencyKey)
	}
	return base + "/" + strconv.Itoa(i)
}

func (o *outbox) add(m *channel.Message, rc channel.Receipt, at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, dup := o.keys[m.IdempotencyKey]; dup {
		o.dups++
		return
	}
	o.keys[m.IdempotencyKey] = 1
	o.pending = append(o.pending, sent{msg: m, receipt: rc, at: at})
	if o.daySent == nil {
		o.daySent = map[string]int{}
	}
	o.daySent[string(m.Kind)]++
}

// drain returns the sends since the last drain in idempotency-key order, so
// the events they lead to are queued the same way whatever order workers
// sent them in.
func (o *outbox) drain() []sent {
	o.mu.Lock()
	out := o.pending
	o.pending = nil
	o.mu.Unlock()
	slices.SortFunc(out, func(a, b sent) int { return cmp.Compare(a.msg.IdempotencyKey, b.msg.IdempotencyKey) })
	return out
}

// duplicates is how many sends repeated a key already accepted.
func (o *outbox) duplicates() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dups
}

// takeDay returns the sends by channel since the last call and resets them.
func (o *outbox) takeDay() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.daySent
	o.daySent = nil
	if d == nil {
		d = map[string]int{}
	}
	return d
}

// signUp signs the client up on its plan: with -providers http by its
// checkout at Stripe's fake, whose signed events reach the engine through
// the Stripe adapter's route; otherwise directly, with the same keys.
func (s *simulation) signUp(ctx context.Context, wc world.Client) (*outbound.Client, error) {
	cus, sub := wc.Customer, wc.Subscription
	if s.http == nil {
		return s.svc.Signup(ctx, distribution.SignupInput{Name: wc.Name, Plan: wc.Plan, DefaultZone: wc.Zone,
			BillingCustomer: cus, BillingSubscription: sub, At: s.opts.Start})
	}
	if err := s.http.checkout(ctx, cus, sub, wc); err != nil {
		return nil, err
	}
	return s.store.FindClientByBilling(ctx, cus, sub)
}

// slug is a name in lower case with dashes for spaces.
func slug(name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), " ", "-")
}
