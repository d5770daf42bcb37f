package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/postgres"
	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipilepg"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/storage/memory"
	"github.com/outbound-go/outbound/timing"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil))
}

// run runs the server until ctx ends, then stops it gracefully: the
// engine's in-flight sends finish, the requests being served are
// answered, nothing is lost. ready, when set, is told the address once the
// server listens. It returns the exit status: 0 stopped, 1 failed, 2 a
// bad command line or configuration.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready func(addr string)) int {
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "server:", err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	var handler slog.Handler = slog.NewJSONHandler(stdout, nil)
	if cfg.Secrets.SentryDSN != "" {
		rep, err := newSentryReporter(cfg.Secrets.SentryDSN, getenv("OUTBOUND_ENVIRONMENT"))
		if err != nil {
			fmt.Fprintln(stderr, "server:", err)
			return 2
		}
		defer rep.Flush(5 * time.Second)
		handler = &reportingHandler{Handler: handler, r: rep}
	}
	log := slog.New(handler)
	if err := serve(ctx, cfg, log, ready); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// serve builds the deployment cfg describes and serves it until ctx ends.
func serve(ctx context.Context, cfg config, log *slog.Logger, ready func(string)) error {
	clock := timing.RealClock()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	self := "http://" + reachable(ln.Addr())

	opened, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer opened.close()
	st, elector := opened.store, opened.elector
	uni := opened.unipile()

	env := providerEnv{Clock: clock, Log: log}
	var demo *demoProviders
	var chans []channel.Channel
	var linkedIn *unipile.Channel // buys the pool's seats, when it does
	if cfg.Demo {
		if cfg.PublicURL == "" {
			cfg.PublicURL = self
		}
		if demo, err = startDemo(ctx, &cfg, &env); err != nil {
			return err
		}
		defer demo.close()
		chans, linkedIn = demo.channels, demo.fakes.LinkedIn
	} else {
		ad, err := cfg.Sending.adapters(cfg, clock, uni)
		if err != nil {
			return err
		}
		chans, env.Twilio, env.Unipile.Journal, linkedIn = ad.channels, ad.twilio, ad.journal, ad.linkedIn
		if len(chans) == 0 {
			log.Warn("no channel adapters configured: touches are planned and none is sent")
		}
	}
	washer, err := cfg.Registers.open(ctx, clock, log)
	if err != nil {
		return err
	}
	numbers := env.Twilio // buys the pool's numbers, when it does
	if demo != nil {
		numbers = demo.fakes.TwilioClient
	}
	var next pool.Alerter = pool.LogAlerter{Logger: log}
	if cfg.Secrets.AlertWebhook != "" {
		next = &webhookAlerter{next: next, url: cfg.Secrets.AlertWebhook, client: &http.Client{Timeout: 10 * time.Second}, log: log}
	}
	if cfg.AlertEmail.enabled() {
		if next, err = newEmailAlerter(next, cfg.AlertEmail, cfg.Sending, clock, log); err != nil {
			return err
		}
	}
	alerts := &alertLog{next: next}
	buy, err := cfg.Provisioning.buyers(clock, log, numbers, seatShop{linkedIn: linkedIn, links: uni, publicURL: cfg.PublicURL, alerts: alerts})
	if err != nil {
		return err
	}
	routes, err := webhookRoutes(cfg, env)
	if err != nil {
		return err
	}
	plans := distribution.Config{}.WithDefaults().Plans
	met := newMetrics(st)
	meetingsTo, err := cfg.CRM.client(clock)
	if err != nil {
		return err
	}
	svc, err := distribution.New(distribution.Config{
		Store: st, Elector: elector, Channels: chans, Clock: clock, Logger: log, BillingZone: cfg.BillingZone, Plans: plans,
		Hook: distribution.HookFunc(met.hook), Alerter: alerts, DNCR: washer,
		Provisioner: buy.prov, CRM: meetingsTo,
	})
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	met.svc.Store(svc)

	mux := http.NewServeMux()
	if err := mountWebhooks(mux, routes, svc, log, met); err != nil {
		return err
	}
	if buy.notify != nil {
		mux.Handle("POST "+notifyPath, met.instrument("unipile", buy.notify))
	}
	mux.Handle("GET /metrics", met.handler())
	a, err := newAPI(svc, st, clock, log, cfg.Secrets.AdminToken, cfg.Secrets.ClientTokens)
	if err != nil {
		return err
	}
	a.scope = opened.scope
	a.alerts = alerts
	a.mount(mux)
	if cfg.Secrets.AdminToken != "" {
		dash, err := newDashboard(a, newSessions(cfg.Secrets.AdminToken, cfg.PublicURL, clock.Now))
		if err != nil {
			return err
		}
		dash.mount(mux)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if _, err := st.ListCampaigns(rctx, demoClientProbe); err != nil {
			log.WarnContext(r.Context(), "not ready: store unreachable", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "store unreachable\n")
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readTimeout}

	// The engine runs until told to stop; the server answers until then.
	engineCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() {
		if err := svc.Run(engineCtx); err != nil && !errors.Is(err, context.Canceled) {
			runErr = err
		}
	})
	wg.Go(func() { buy.run(engineCtx, svc, clock) })
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	paths := make([]string, 0, len(routes))
	for _, r := range routes {
		paths = append(paths, r.path)
	}
	if buy.notify != nil {
		paths = append(paths, notifyPath)
	}
	log.Info("serving", "addr", ln.Addr().String(), "public_url", cfg.PublicURL, "store", storeName(cfg), "webhooks", paths, "demo", cfg.Demo)
	if demo != nil {
		if err := demo.seed(ctx, svc, self); err != nil {
			stopEngine()
			wg.Wait()
			_ = srv.Close()
			return fmt.Errorf("demo: %w", err)
		}
		a.grant(demoClientToken, demo.clientID)
		adminTok := "(the one you set)"
		if cfg.Secrets.AdminToken == demoAdminToken {
			adminTok = demoAdminToken
		}
		log.Info("demo ready: log in as the agency or as the demo client", "url", self+"/login", "admin_token", adminTok,
			"client_token", demoClientToken)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stopEngine()
		wg.Wait()
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopping: in-flight sends finish, then the server", "grace", cfg.ShutdownGrace.String())
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownGrace)
	defer cancel()
	stopEngine()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-graceCtx.Done():
		log.Error("the engine did not stop within the grace; its leases run out and another process takes its touches over")
	}
	if err := srv.Shutdown(graceCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return runErr
}

// demoClientProbe is a client ID no client has: /readyz lists its
// campaigns to know the store answers.
var demoClientProbe = outbound.ClientID{UUID: uuid.MustParse("00000000-0000-4000-8000-00000000fee1")}

// openedStore is the store a deployment serves.
type openedStore struct {
	store   storage.Store   // the platform handle: every client's rows
	elector storage.Elector // nil: this process leads alone
	// scope returns a client's handle, which reads and writes that
	// client's rows alone; nil when the store has no such handle (the
	// memory store), and the API's own checks are the only fence.
	scope func(outbound.ClientID) storage.Store
	// pool is the PostgreSQL store's connection pool, the Unipile
	// adapter's state migrated in it too; nil on the memory store.
	pool  *pgxpool.Pool
	close func()
}

// unipile returns where the Unipile adapter keeps its chats, its journal
// and its seat links: on PostgreSQL, the database every instance shares,
// so that a webhook or a reconciliation handled by another instance, or
// after a restart, finds the touch; else this process's memory.
func (o openedStore) unipile() unipileState {
	if o.pool == nil {
		return unipile.NewMemoryStore()
	}
	return unipilepg.New(o.pool)
}

// openStore opens the memory store, or the PostgreSQL store of
// cfg.DatabaseURL with its migrations run, its leader election and its
// client-scoped handles (row-level security).
func openStore(ctx context.Context, cfg config, log *slog.Logger) (openedStore, error) {
	if cfg.store != nil {
		return openedStore{store: cfg.store, close: func() {}}, nil
	}
	if cfg.DatabaseURL == "" {
		return openedStore{store: memory.New(), close: func() {}}, nil
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return openedStore{}, fmt.Errorf("database: %w", err)
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		pool.Close()
		return openedStore{}, fmt.Errorf("database migrations: %w", err)
	}
	if err := unipilepg.Migrate(ctx, pool); err != nil {
		pool.Close()
		return openedStore{}, fmt.Errorf("database migrations: %w", err)
	}
	db := postgres.New(pool)
	log.Info("database ready", "migrations", "done")
	return openedStore{store: db.Platform(), elector: db.Elector("planner"), pool: pool, close: pool.Close,
		scope: func(c outbound.ClientID) storage.Store { return db.ForClient(c) }}, nil
}

func storeName(cfg config) string {
	if cfg.DatabaseURL == "" {
		return "memory"
	}
	return "postgres"
}

// reachable is addr as this machine reaches it: a listener on every
// interface ("[::]:8080") is reached at localhost.
func reachable(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", strconv.Itoa(tcp.Port))
	}
	return addr.String()
}
