package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/leadfile"
	"github.com/outbound-go/outbound/storage"
)

// mount mounts every route of the API on mux.
func (a *api) mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(a.openapi)
	})
	a.handle(mux, "GET /api/v1/clients", a.listClients)
	a.handle(mux, "GET /api/v1/clients/{client}", a.getClient)
	a.handle(mux, "GET /api/v1/clients/{client}/campaigns", a.listCampaigns)
	a.handle(mux, "POST /api/v1/clients/{client}/campaigns", a.createCampaign)
	a.handle(mux, "POST /api/v1/campaigns/{campaign}/leads", a.importLeads)
	a.handle(mux, "GET /api/v1/leads/{lead}", a.getLead)
	a.handle(mux, "GET /api/v1/suppressions", a.listSuppressions)
	a.handle(mux, "POST /api/v1/suppressions", a.addSuppression)
	a.handle(mux, "POST /api/v1/suppressions/lift", a.liftSuppression)
	a.handle(mux, "GET /api/v1/leads/{lead}/events", a.leadEvents)
	a.handle(mux, "GET /api/v1/pool", a.getPool)
	a.handle(mux, "POST /api/v1/resources", a.registerResources)
	a.handle(mux, "POST /api/v1/resources/{resource}/pause", a.pauseResource(true))
	a.handle(mux, "POST /api/v1/resources/{resource}/resume", a.pauseResource(false))
	a.handle(mux, "GET /api/v1/alerts", a.listAlerts)
}

// idParam parses a path value as an ID of type T; one that does not parse
// is not found, as one of another client.
func idParam[T ~struct{ uuid.UUID }](r *http.Request, name string) (T, error) {
	id, err := outbound.ParseID[T](r.PathValue(name))
	if err != nil {
		return id, notFound(name)
	}
	return id, nil
}

type clientJSON struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Plan          string    `json:"plan"`
	State         string    `json:"state"`
	DefaultZone   string    `json:"default_zone"`
	SignupAt      time.Time `json:"signup_at"`
	Answers       string    `json:"answers,omitempty"`
	BookingURL    string    `json:"booking_url,omitempty"`
	SendingPaused bool      `json:"sending_paused"`
}

func clientOf(c *outbound.Client) clientJSON {
	return clientJSON{ID: c.ID.String(), Name: c.Name, Plan: c.Plan, State: string(c.State), DefaultZone: c.DefaultZone,
		SignupAt: c.SignupAt, Answers: string(c.Answers), BookingURL: c.BookingURL, SendingPaused: c.SendingPaused()}
}

func (a *api) listClients(w http.ResponseWriter, r *http.Request, p principal) error {
	pg, err := pageOf(r)
	if err != nil {
		return err
	}
	cs, err := a.svc.Clients(r.Context())
	if err != nil {
		return err
	}
	var out []clientJSON
	for i := range cs {
		if p.sees(cs[i].ID) {
			out = append(out, clientOf(&cs[i]))
		}
	}
	return writeJSON(w, http.StatusOK, paginate(out, func(c clientJSON) string { return c.ID }, pg))
}

// client reads the client of the path's {client} that p may see.
func (a *api) client(r *http.Request, p principal) (*outbound.Client, error) {
	id, err := idParam[outbound.ClientID](r, "client")
	if err != nil {
		return nil, err
	}
	if !p.sees(id) {
		return nil, notFound("client")
	}
	c, err := a.store(p).GetClient(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, notFound("client")
	}
	return c, err
}

func (a *api) getClient(w http.ResponseWriter, r *http.Request, p principal) error {
	c, err := a.client(r, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, clientOf(c))
}

type campaignJSON struct {
	ID        string       `json:"id"`
	ClientID  string       `json:"client_id"`
	Name      string       `json:"name"`
	State     string       `json:"state"`
	ICP       outbound.ICP `json:"icp"`
	CreatedAt time.Time    `json:"created_at"`
}

func campaignOf(c *outbound.Campaign) campaignJSON {
	return campaignJSON{ID: c.ID.String(), ClientID: c.Client.String(), Name: c.Name, State: string(c.State), ICP: c.ICP, CreatedAt: c.CreatedAt}
}

func (a *api) listCampaigns(w http.ResponseWriter, r *http.Request, p principal) error {
	c, err := a.client(r, p)
	if err != nil {
		return err
	}
	pg, err := pageOf(r)
	if err != nil {
		return err
	}
	cs, err := a.store(p).ListCampaigns(r.Context(), c.ID)
	if err != nil {
		return err
	}
	out := make([]campaignJSON, 0, len(cs))
	for i := range cs {
		out = append(out, campaignOf(&cs[i]))
	}
	return writeJSON(w, http.StatusOK, paginate(out, func(c campaignJSON) string { return c.ID }, pg))
}

func (a *api) createCampaign(w http.ResponseWriter, r *http.Request, p principal) error {
	c, err := a.client(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Name string       `json:"name"`
		ICP  outbound.ICP `json:"icp"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	camp, err := a.svc.CreateCampaignFor(r.Context(), c.ID, in.Name, in.ICP)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, campaignOf(camp))
}

// campaign reads the campaign of the path's {campaign} that p may see.
func (a *api) campaign(r *http.Request, p principal) (*outbound.Campaign, error) {
	id, err := idParam[outbound.CampaignID](r, "campaign")
	if err != nil {
		return nil, err
	}
	c, err := a.store(p).GetCampaign(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !p.sees(c.Client)) {
		return nil, notFound("campaign")
	}
	return c, err
}

type rowErrorJSON struct {
	Line       int    `json:"line"`
	ExternalID string `json:"external_id,omitempty"`
	Field      string `json:"field,omitempty"`
	Value      any    `json:"value,omitempty"`
	Reason     string `json:"reason"`
}

type importJSON struct {
	Enrolled []string       `json:"enrolled"`
	Merged   []string       `json:"merged"`
	Dead     []string       `json:"dead"`
	Rejected []rowErrorJSON `json:"rejected"`
}

func ids[T fmt.Stringer](xs []T) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, x.String())
	}
	return out
}

// maxUpload bounds a lead file.
const maxUpload = 32 << 20

// importLeads reads a lead file (text/csv, or application/x-ndjson or
// application/jsonl) into the campaign: the rows the file reader refuses
// and those the engine refuses come back together, each with its line,
// field and reason.
func (a *api) importLeads(w http.ResponseWriter, r *http.Request, p principal) error {
	camp, err := a.campaign(r, p)
	if err != nil {
		return err
	}
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var f leadfile.Format
	switch media {
	case "text/csv":
		f = leadfile.CSV
	case "application/x-ndjson", "application/jsonl", "application/jsonlines":
		f = leadfile.JSONL
	default:
		return problem{Status: http.StatusUnsupportedMediaType, Title: "Unsupported Media Type", Field: "Content-Type", Value: media,
			Detail: "send the lead file as text/csv or application/x-ndjson"}
	}
	out, err := a.importFile(r.Context(), camp, io.LimitReader(r.Body, maxUpload), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// importFile reads a lead file into the campaign: the rows the file reader
// refuses and those the engine refuses come back together, by line.
func (a *api) importFile(ctx context.Context, camp *outbound.Campaign, body io.Reader, f leadfile.Format) (importJSON, error) {
	rows, bad, err := leadfile.Read(body, f)
	if err != nil {
		var he *leadfile.HeaderError
		if errors.As(err, &he) {
			return importJSON{}, badRequest("header", he.Error(), "the file's header cannot be read")
		}
		return importJSON{}, badRequest("body", nil, err.Error())
	}
	in := make([]distribution.LeadInput, 0, len(rows))
	for _, row := range rows {
		in = append(in, row.Contact)
	}
	res, err := a.svc.ImportLeads(ctx, camp.ID, in)
	if err != nil {
		return importJSON{}, err
	}
	out := importJSON{Enrolled: ids(res.Enrolled), Merged: ids(res.Merged), Dead: ids(res.Dead), Rejected: []rowErrorJSON{}}
	for _, b := range bad {
		out.Rejected = append(out.Rejected, rowErrorJSON{Line: b.Line, Field: b.Field, Value: b.Value, Reason: b.Reason})
	}
	for _, re := range res.Rejected {
		e := rowErrorJSON{Line: re.Line, ExternalID: re.ExternalID, Reason: re.Err.Error()}
		var fe *invalid.FieldError
		if errors.As(re.Err, &fe) {
			e.Field, e.Value, e.Reason = fe.Field, fe.Value, fe.Reason
		}
		out.Rejected = append(out.Rejected, e)
	}
	slices.SortStableFunc(out.Rejected, func(x, y rowErrorJSON) int { return cmp.Compare(x.Line, y.Line) })
	return out, nil
}

type touchJSON struct {
	ID          string     `json:"id"`
	Step        int        `json:"step"`
	Channel     string     `json:"channel"`
	Action      string     `json:"action,omitempty"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason,omitempty"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	ResourceID  string     `json:"resource_id,omitempty"`
}

type leadJSON struct {
	ID           string                 `json:"id"`
	ClientID     string                 `json:"client_id"`
	ExternalID   string                 `json:"external_id,omitempty"`
	Email        string                 `json:"email,omitempty"`
	Phone        string                 `json:"phone,omitempty"`
	LinkedIn     string                 `json:"linkedin,omitempty"`
	FirstName    string                 `json:"first_name,omitempty"`
	LastName     string                 `json:"last_name,omitempty"`
	Company      string                 `json:"company,omitempty"`
	Title        string                 `json:"title,omitempty"`
	Industry     string                 `json:"industry,omitempty"`
	Employees    int                    `json:"employees,omitempty"`
	Country      string                 `json:"country,omitempty"`
	Region       string                 `json:"region,omitempty"`
	Zone         string                 `json:"zone"`
	Score        int                    `json:"score"`
	ScoreSignals []outbound.ScoreSignal `json:"score_signals"`
	Engaged      []outbound.Engagement  `json:"engaged"`
	Tier         string                 `json:"tier"`
	DNCR         string                 `json:"dncr"`
	Schedule     []touchJSON            `json:"schedule"`
}

// lead reads the lead of the path's {lead} that p may see.
func (a *api) lead(r *http.Request, p principal) (*outbound.Lead, error) {
	id, err := idParam[outbound.LeadID](r, "lead")
	if err != nil {
		return nil, err
	}
	l, err := a.store(p).GetLead(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !p.sees(l.Client)) {
		return nil, notFound("lead")
	}
	return l, err
}

// getLead answers a lead with its schedule: when each step goes, or went,
// and why one did not.
func (a *api) getLead(w http.ResponseWriter, r *http.Request, p principal) error {
	l, err := a.lead(r, p)
	if err != nil {
		return err
	}
	ts, err := a.svc.Schedule(r.Context(), l.ID)
	if err != nil {
		return err
	}
	out := leadJSON{ID: l.ID.String(), ClientID: l.Client.String(), ExternalID: l.ExternalID, Email: l.Email, Phone: l.Phone,
		LinkedIn: l.LinkedIn, FirstName: l.FirstName, LastName: l.LastName, Company: l.Company, Title: l.Title, Industry: l.Industry,
		Employees: l.Employees, Country: l.Country, Region: l.Region, Zone: l.Zone, Score: l.Score,
		ScoreSignals: append([]outbound.ScoreSignal{}, l.ScoreSignals...), Engaged: append([]outbound.Engagement{}, l.Engaged...),
		Tier: string(l.Tier), DNCR: string(l.DNCR), Schedule: []touchJSON{}}
	for _, t := range ts {
		tj := touchJSON{ID: t.ID.String(), Step: t.Step, Channel: string(cmp.Or(t.Channel, t.StepChannel)), Action: string(t.Action),
			Status: string(t.Status), Reason: string(t.Reason), ScheduledAt: t.ScheduledAt}
		if !t.SentAt.IsZero() {
			at := t.SentAt
			tj.SentAt = &at
		}
		if !t.Resource.IsZero() {
			tj.ResourceID = t.Resource.String()
		}
		out.Schedule = append(out.Schedule, tj)
	}
	return writeJSON(w, http.StatusOK, out)
}

type suppressionJSON struct {
	ClientID   string     `json:"client_id,omitempty"`
	LeadID     string     `json:"lead_id,omitempty"`
	Address    string     `json:"address,omitempty"`
	Domain     string     `json:"domain,omitempty"`
	Channel    string     `json:"channel,omitempty"`
	Reason     string     `json:"reason"`
	Since      time.Time  `json:"since"`
	LiftedAt   *time.Time `json:"lifted_at,omitempty"`
	LiftReason string     `json:"lift_reason,omitempty"`
}

// key is the sort key of a suppression within its client's list.
func (s suppressionJSON) key() string {
	return s.Since.UTC().Format(time.RFC3339Nano) + "\x00" + s.LeadID + "\x00" + s.Address + "\x00" + s.Domain + "\x00" + s.Channel
}

// suppressionClient reads the client a suppression request names: an
// admin's ("" for the platform-wide list), a client token's own.
func suppressionClient(p principal, raw string) (outbound.ClientID, error) {
	if raw == "" {
		return p.client, nil
	}
	id, err := outbound.ParseID[outbound.ClientID](raw)
	if err != nil {
		return id, badRequest("client", raw, "not a client ID")
	}
	if !p.sees(id) {
		return id, notFound("client")
	}
	return id, nil
}

func (a *api) listSuppressions(w http.ResponseWriter, r *http.Request, p principal) error {
	client, err := suppressionClient(p, r.URL.Query().Get("client"))
	if err != nil {
		return err
	}
	pg, err := pageOf(r)
	if err != nil {
		return err
	}
	sups, err := a.store(p).ListSuppressions(r.Context(), client)
	if err != nil {
		return err
	}
	out := make([]suppressionJSON, 0, len(sups))
	for _, s := range sups {
		j := suppressionJSON{Address: s.Address, Domain: s.Domain, Channel: string(s.Channel), Reason: string(s.Reason), Since: s.Since,
			LiftReason: string(s.LiftReason)}
		if !s.Client.IsZero() {
			j.ClientID = s.Client.String()
		}
		if !s.Lead.IsZero() {
			j.LeadID = s.Lead.String()
		}
		if !s.LiftedAt.IsZero() {
			at := s.LiftedAt
			j.LiftedAt = &at
		}
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, paginate(out, suppressionJSON.key, pg))
}

// suppressionIn is a suppression as a request names it.
type suppressionIn struct {
	Client  string `json:"client"`
	Lead    string `json:"lead"`
	Address string `json:"address"`
	Domain  string `json:"domain"`
	Channel string `json:"channel"`
	Reason  string `json:"reason"`
}

// suppression reads in for p: a client token may name only its own client
// (or none: its own), and only an admin a platform-wide entry.
func (in suppressionIn) suppression(p principal) (outbound.Suppression, error) {
	var sp outbound.Suppression
	client, err := suppressionClient(p, in.Client)
	if err != nil {
		return sp, err
	}
	sp.Client, sp.Address, sp.Domain = client, strings.TrimSpace(in.Address), strings.ToLower(strings.TrimSpace(in.Domain))
	if strings.Contains(sp.Address, "@") {
		sp.Address = strings.ToLower(sp.Address)
	}
	if in.Lead != "" {
		if sp.Lead, err = outbound.ParseID[outbound.LeadID](in.Lead); err != nil {
			return sp, badRequest("lead", in.Lead, "not a lead ID")
		}
	}
	if in.Channel != "" {
		k, err := channel.ParseKind(in.Channel)
		if err != nil {
			return sp, badRequest("channel", in.Channel, "not a channel: email, voice, linkedin, sms or mail")
		}
		sp.Channel = k
	}
	sp.Reason = outbound.Reason(strings.TrimSpace(in.Reason))
	return sp, nil
}

// readSuppression reads the suppression a request's body names.
func readSuppression(r *http.Request, p principal) (outbound.Suppression, error) {
	var in suppressionIn
	if err := decodeJSON(r, &in); err != nil {
		return outbound.Suppression{}, err
	}
	return in.suppression(p)
}

func (a *api) addSuppression(w http.ResponseWriter, r *http.Request, p principal) error {
	sp, err := readSuppression(r, p)
	if err != nil {
		return err
	}
	if !sp.Lead.IsZero() {
		l, err := a.store(p).GetLead(r.Context(), sp.Lead)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && (!p.sees(l.Client) || l.Client != sp.Client)) {
			return notFound("lead")
		}
		if err != nil {
			return err
		}
	}
	if err := a.svc.DoNotContact(r.Context(), sp); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"status": "suppressed"})
}

func (a *api) liftSuppression(w http.ResponseWriter, r *http.Request, p principal) error {
	sp, err := readSuppression(r, p)
	if err != nil {
		return err
	}
	if sp.Reason == "" {
		return badRequest("reason", "", "say why the suppression is lifted")
	}
	by := "admin"
	if !p.admin {
		by = "client:" + p.client.String()
	}
	lifted, err := a.store(p).LiftSuppression(r.Context(), storage.KeyOf(&sp), by, sp.Reason, a.clock.Now())
	if err != nil {
		return err
	}
	if !lifted {
		return notFound("suppression in force")
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "lifted"})
}
