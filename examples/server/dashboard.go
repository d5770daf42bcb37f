package main

import (
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/replies"
	"github.com/outbound-go/outbound/storage"
	"github.com/outbound-go/outbound/warmup"
)

//go:embed templates/*.html
var templateFS embed.FS

// dashboard serves the admin and client pages, server-rendered, with no
// script and no external asset.
type dashboard struct {
	a    *api
	s    *sessions
	tmpl *template.Template
}

func newDashboard(a *api, s *sessions) (*dashboard, error) {
	t, err := template.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard templates: %w", err)
	}
	return &dashboard{a: a, s: s, tmpl: t}, nil
}

// mount mounts the pages on mux.
func (d *dashboard) mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		p, _, ok := d.s.read(r)
		switch {
		case !ok:
			http.Redirect(w, r, "/login", http.StatusSeeOther)
		case p.admin:
			http.Redirect(w, r, "/admin", http.StatusSeeOther)
		default:
			http.Redirect(w, r, "/client", http.StatusSeeOther)
		}
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		d.render(w, http.StatusOK, "login.html", pageData{Title: "Log in"})
	})
	mux.HandleFunc("POST /login", d.login)
	mux.HandleFunc("POST /logout", d.form(func(w http.ResponseWriter, r *http.Request, _ principal) error {
		d.s.clear(w)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}))
	mux.HandleFunc("GET /admin", d.view(d.admin))
	mux.HandleFunc("POST /admin/resources/{resource}/resume", d.form(d.resource(false)))
	mux.HandleFunc("POST /admin/resources/{resource}/pause", d.form(d.resource(true)))
	mux.HandleFunc("GET /client", d.view(func(r *http.Request, p principal, csrf string) (string, any, error) {
		page, err := d.client(r.Context(), p, csrf, leadsFrom(r.URL.Query().Get("leads")))
		return "client.html", page, err
	}))
	mux.HandleFunc("POST /client/leads", d.upload)
	mux.HandleFunc("POST /client/drafts/{touch}/approve", d.form(d.draft(true)))
	mux.HandleFunc("POST /client/drafts/{touch}/discard", d.form(d.draft(false)))
}

// pageData is what every page's layout reads.
type pageData struct {
	Title    string
	LoggedIn bool
	CSRF     string
	Error    string
}

func (d *dashboard) render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if err := d.tmpl.ExecuteTemplate(w, name, data); err != nil {
		d.a.log.Error("dashboard page", "page", name, "err", err)
	}
}

// login reads a token from the form: the admin's or a client's.
func (d *dashboard) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		d.render(w, http.StatusBadRequest, "login.html", pageData{Title: "Log in", Error: "The form could not be read."})
		return
	}
	req := r.Clone(r.Context())
	req.Header = http.Header{"Authorization": {"Bearer " + strings.TrimSpace(r.PostForm.Get("token"))}}
	p, ok := d.a.authenticate(req)
	if !ok {
		d.render(w, http.StatusUnauthorized, "login.html", pageData{Title: "Log in", Error: "That token is not valid."})
		return
	}
	d.s.set(w, p)
	to := "/client"
	if p.admin {
		to = "/admin"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// view serves a page to a logged-in user, else the login page.
func (d *dashboard) view(f func(r *http.Request, p principal, csrf string) (string, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, csrf, ok := d.s.read(r)
		if !ok {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		name, data, err := f(r, p, csrf)
		if err != nil {
			if pr, isProblem := err.(problem); isProblem && pr.Status == http.StatusNotFound {
				http.NotFound(w, r)
				return
			}
			d.a.log.ErrorContext(r.Context(), "dashboard page", "path", r.URL.Path, "err", err)
			http.Error(w, "the page failed; it is logged", http.StatusInternalServerError)
			return
		}
		d.render(w, http.StatusOK, name, data)
	}
}

// form handles a posted form of a logged-in user carrying the session's
// CSRF token; without both it changes nothing.
func (d *dashboard) form(f func(w http.ResponseWriter, r *http.Request, p principal) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, csrf, ok := d.s.read(r)
		if !ok {
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		if err := checkCSRF(r, csrf); err != nil {
			http.Error(w, "the form is not this session's: "+err.Error(), http.StatusForbidden)
			return
		}
		if err := f(w, r, p); err != nil {
			if pr, isProblem := err.(problem); isProblem {
				http.Error(w, pr.Detail, pr.Status)
				return
			}
			d.a.log.ErrorContext(r.Context(), "dashboard form", "path", r.URL.Path, "err", err)
			http.Error(w, "the action failed; it is logged", http.StatusInternalServerError)
		}
	}
}

// The admin page.

type poolBar struct {
	State string
	N     int
	X, W  float64
	Color string
}

type poolRow struct {
	Kind    string
	Y       int
	Bars    []poolBar
	BufferX float64
	Summary string
}

type domainRow struct {
	ID, Address, Client, State, PauseReason string
	Age, Limit, Today, Sends                int
	id                                      outbound.ResourceID
	Bounces, Complaints                     string
	Paused                                  bool
}

type otherRow struct {
	Kind, Address, Client, State, Health string
	Paused                               bool
}

type clientRow struct {
	Name, Plan, Month, State string
	Used, Allowance          int
}

type adminPage struct {
	pageData
	Pool       []poolRow
	PoolHeight int
	Orders     []orderJSON
	Domains    []domainRow
	Others     []otherRow
	Clients    []clientRow
	Alerts     []alertJSON
}

// stateColor is a resource state's colour in the pool's chart.
func stateColor(s outbound.ResourceState) string {
	switch s {
	case outbound.StateAvailable:
		return "#2e7d32"
	case outbound.StateAssigned:
		return "#1565c0"
	case outbound.StateWarming:
		return "#f9a825"
	case outbound.StateHeld:
		return "#8e24aa"
	}
	return "#90a4ae"
}

func (d *dashboard) admin(r *http.Request, p principal, csrf string) (string, any, error) {
	if !p.admin {
		return "", nil, notFound("page")
	}
	ctx := r.Context()
	st, svc := d.a.st, d.a.svc
	now := d.a.clock.Now()
	rs, err := st.ListResources(ctx, storage.ResourceFilter{})
	if err != nil {
		return "", nil, err
	}
	clients, err := svc.Clients(ctx)
	if err != nil {
		return "", nil, err
	}
	names := map[outbound.ClientID]string{}
	for _, c := range clients {
		names[c.ID] = c.Name
	}
	out := adminPage{pageData: pageData{Title: "Agency", LoggedIn: true, CSRF: csrf}}
	// The pool, one bar per kind scaled to its largest.
	kinds := []outbound.ResourceKind{outbound.KindDomain, outbound.KindMailbox, outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender}
	states := []outbound.ResourceState{outbound.StateAvailable, outbound.StateAssigned, outbound.StateWarming, outbound.StateHeld, outbound.StateProvisioning}
	count := map[outbound.ResourceKind]map[outbound.ResourceState]int{}
	most := 1
	for _, r := range rs {
		if count[r.Kind] == nil {
			count[r.Kind] = map[outbound.ResourceState]int{}
		}
		count[r.Kind][r.State]++
	}
	for _, k := range kinds {
		n := 0
		for _, s := range states {
			n += count[k][s]
		}
		most = max(most, n)
	}
	const x0, width = 110.0, 480.0
	for i, k := range kinds {
		row := poolRow{Kind: string(k), Y: i * 30}
		x := x0
		var parts []string
		for _, s := range states {
			n := count[k][s]
			if n == 0 {
				continue
			}
			w := width * float64(n) / float64(most)
			row.Bars = append(row.Bars, poolBar{State: string(s), N: n, X: x, W: w, Color: stateColor(s)})
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
			x += w
		}
		if in := count[k][outbound.StateAvailable] + count[k][outbound.StateAssigned]; in > 0 {
			row.BufferX = x0 + width*0.4*float64(in)/float64(most)
		}
		row.Summary = strings.Join(parts, ", ")
		out.Pool = append(out.Pool, row)
	}
	out.PoolHeight = len(kinds) * 30
	orders, err := st.ListOrders(ctx, outbound.OrderPending, outbound.OrderPlaced)
	if err != nil {
		return "", nil, err
	}
	for _, o := range orders {
		out.Orders = append(out.Orders, orderJSON{Kind: string(o.Kind), Count: o.Count, Provider: o.Provider, State: string(o.State), CreatedAt: o.CreatedAt})
	}
	// Domains with their warmup and their last 14 days.
	curve := warmup.Policy{}.WithDefaults()
	for _, r := range rs {
		switch r.Kind {
		case outbound.KindDomain:
			stats, err := svc.DomainStats(ctx, r.ID, now.AddDate(0, 0, -14), now)
			if err != nil {
				return "", nil, err
			}
			row := domainRow{id: r.ID, ID: r.ID.String(), Address: r.Address, Client: names[r.Client], State: string(r.State),
				PauseReason: string(r.PauseReason), Age: r.AgeDays(now), Limit: curve.DailyLimit(r.AgeDays(now), warmup.Health{}),
				Sends: stats.Sends, Paused: r.Paused, Bounces: rate(stats.Bounces, stats.Sends), Complaints: rate(stats.Complaints, stats.Sends)}
			out.Domains = append(out.Domains, row)
		case outbound.KindPhone, outbound.KindLinkedInSeat, outbound.KindMailSender:
			h := "healthy"
			if r.ThrottleReason != "" {
				h = string(r.ThrottleReason)
			}
			if r.Paused {
				h = string(r.PauseReason)
			}
			out.Others = append(out.Others, otherRow{Kind: string(r.Kind), Address: r.Address, Client: names[r.Client],
				State: string(r.State), Health: h, Paused: r.Paused})
		}
	}
	// Today's sends, in a pass of their own: the engine reads every
	// domain's counts of one window at once, so the windows do not
	// alternate.
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	for i := range out.Domains {
		today, err := svc.DomainStats(ctx, out.Domains[i].id, midnight, now)
		if err != nil {
			return "", nil, err
		}
		out.Domains[i].Today = today.Sends
	}
	slices.SortFunc(out.Domains, func(a, b domainRow) int { return strings.Compare(a.Address, b.Address) })
	slices.SortFunc(out.Others, func(a, b otherRow) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), strings.Compare(a.Address, b.Address))
	})
	for _, c := range clients {
		used, start, end, err := svc.Usage(ctx, c.ID, now)
		if err != nil {
			return "", nil, err
		}
		plan, _ := svc.Pool().Plan(c.Plan)
		out.Clients = append(out.Clients, clientRow{Name: c.Name, Plan: c.Plan, State: string(c.State), Used: used, Allowance: plan.LeadsPerMonth,
			Month: start.Format("2 Jan") + " – " + end.AddDate(0, 0, -1).Format("2 Jan")})
	}
	if d.a.alerts != nil {
		for i, al := range d.a.alerts.newestFirst() {
			if i == 20 {
				break
			}
			out.Alerts = append(out.Alerts, alertJSON{Kind: string(al.Kind), Message: al.Message, At: al.At})
		}
	}
	return "admin.html", out, nil
}

// rate writes n of total as a share.
func rate(n, total int) string {
	if total == 0 {
		return "–"
	}
	return fmt.Sprintf("%d (%.1f %%)", n, 100*float64(n)/float64(total))
}

// resource pauses or resumes a resource from the admin page.
func (d *dashboard) resource(pause bool) func(w http.ResponseWriter, r *http.Request, p principal) error {
	return func(w http.ResponseWriter, r *http.Request, p principal) error {
		if !p.admin {
			return notFound("page")
		}
		id, err := idParam[outbound.ResourceID](r, "resource")
		if err != nil {
			return err
		}
		if pause {
			_, err = d.a.svc.Pool().Pause(r.Context(), id, strings.TrimSpace(r.PostForm.Get("reason")))
		} else {
			err = d.a.svc.Pool().Resume(r.Context(), id)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return nil
	}
}

// draft approves (with the text as edited) or discards a draft answer of
// the client's.
func (d *dashboard) draft(approve bool) func(w http.ResponseWriter, r *http.Request, p principal) error {
	return func(w http.ResponseWriter, r *http.Request, p principal) error {
		id, err := idParam[outbound.TouchID](r, "touch")
		if err != nil {
			return err
		}
		t, err := d.a.store(p).GetTouch(r.Context(), id)
		if err != nil || p.admin || t.Client != p.client {
			return notFound("draft")
		}
		if approve {
			err = d.a.svc.ApproveDraft(r.Context(), id, &replies.Answer{Body: r.PostForm.Get("body")})
		} else {
			err = d.a.svc.DiscardDraft(r.Context(), id)
		}
		if err != nil {
			return problem{Status: http.StatusBadRequest, Detail: err.Error()}
		}
		http.Redirect(w, r, "/client", http.StatusSeeOther)
		return nil
	}
}

// upload imports a lead file posted from the client's page and answers
// the page with what came of it: how many were enrolled, and every row
// refused with its line, field and reason.
func (d *dashboard) upload(w http.ResponseWriter, r *http.Request) {
	p, csrf, ok := d.s.read(r)
	if !ok || p.admin {
		http.Error(w, "log in as a client first", http.StatusUnauthorized)
		return
	}
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	if err := checkCSRF(r, csrf); err != nil {
		http.Error(w, "the form is not this session's: "+err.Error(), http.StatusForbidden)
		return
	}
	var result *importJSON
	var failure string
	func() {
		id, err := outbound.ParseID[outbound.CampaignID](r.PostForm.Get("campaign"))
		camp, gerr := d.a.store(p).GetCampaign(r.Context(), id)
		if err != nil || gerr != nil || camp.Client != p.client {
			failure = "That campaign is not yours."
			return
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			failure = "Choose a file to import."
			return
		}
		defer file.Close()
		f := leadfile.CSV
		if n := strings.ToLower(hdr.Filename); strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".ndjson") {
			f = leadfile.JSONL
		}
		out, err := d.a.importFile(r.Context(), camp, file, f)
		if err != nil {
			failure = err.Error()
			return
		}
		result = &out
	}()
	page, err := d.client(r.Context(), p, csrf, 0)
	if err != nil {
		d.a.log.ErrorContext(r.Context(), "dashboard page", "path", r.URL.Path, "err", err)
		http.Error(w, "the page failed; it is logged", http.StatusInternalServerError)
		return
	}
	page.Import, page.ImportError = result, failure
	status := http.StatusOK
	if failure != "" {
		status = http.StatusBadRequest
	}
	d.render(w, status, "client.html", page)
}
