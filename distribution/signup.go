package distribution

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

// accounts keeps the clients: signups and plan changes, churn, campaigns.
type accounts struct {
	*shared
	store   accountStore
	planner *planner
	rpool   *pool.Pool
}

// accountStore is what accounts read and write.
type accountStore interface {
	storage.Clients
	storage.Resources
	storage.Campaigns
	storage.Enrollments
	storage.Events
}

// paymentNamespace derives client IDs from payment IDs (UUID v5).
var paymentNamespace = uuid.MustParse("6f7a3c1e-2b4d-5e8f-9a0b-1c2d3e4f5a6b")

// signup is Service.Signup.
func (s *accounts) signup(ctx context.Context, in SignupInput) (*outbound.Client, error) {
	in.Name, in.Plan, in.DefaultZone, in.PaymentID =
		strings.TrimSpace(in.Name), strings.TrimSpace(in.Plan), strings.TrimSpace(in.DefaultZone), strings.TrimSpace(in.PaymentID)
	if in.Name == "" {
		return nil, &FieldError{Package: "distribution", Field: "SignupInput.Name", Value: "", Reason: "must not be empty"}
	}
	if !s.hasPlan(in.Plan) {
		return nil, &FieldError{Package: "distribution", Field: "SignupInput.Plan", Value: in.Plan, Reason: "is not one of Config.Plans"}
	}
	if in.DefaultZone == "" {
		return nil, &FieldError{Package: "distribution", Field: "SignupInput.DefaultZone", Value: "", Reason: "must be an IANA zone"}
	}
	if _, err := s.location(in.DefaultZone); err != nil {
		return nil, &FieldError{Package: "distribution", Field: "SignupInput.DefaultZone", Value: in.DefaultZone, Reason: "must be an IANA zone"}
	}
	in.BillingCustomer, in.BillingSubscription = strings.TrimSpace(in.BillingCustomer), strings.TrimSpace(in.BillingSubscription)
	id := in.ID
	if id.IsZero() && (in.BillingCustomer != "" || in.BillingSubscription != "") {
		// A client that holds these billing keys already is the one.
		if c, err := s.store.FindClientByBilling(ctx, in.BillingCustomer, in.BillingSubscription); err == nil {
			id = c.ID
		} else if !errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("distribution: signup: %w", err)
		}
	}
	if id.IsZero() {
		switch {
		case in.BillingSubscription != "":
			id = outbound.ClientID{UUID: uuid.NewSHA1(paymentNamespace, []byte("subscription\x00"+in.BillingSubscription))}
		case in.BillingCustomer != "":
			id = outbound.ClientID{UUID: uuid.NewSHA1(paymentNamespace, []byte("customer\x00"+in.BillingCustomer))}
		case in.PaymentID != "":
			id = outbound.ClientID{UUID: uuid.NewSHA1(paymentNamespace, []byte(in.PaymentID))}
		default:
			id = outbound.ClientID{UUID: s.cfg.Test.NewID()}
		}
	}
	at := in.At
	if at.IsZero() {
		at = s.clock.Now()
	}
	c, err := s.store.GetClient(ctx, id)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		c = &outbound.Client{ID: id, Name: in.Name, Plan: in.Plan, SignupAt: at.UTC(), DefaultZone: in.DefaultZone, State: outbound.ClientActive,
			BillingCustomer: in.BillingCustomer, BillingSubscription: in.BillingSubscription}
		if err := c.Validate(); err != nil {
			return nil, err
		}
		if err := s.store.CreateClient(ctx, c); err != nil {
			if !errors.Is(err, storage.ErrConflict) {
				return nil, fmt.Errorf("distribution: signup: %w", err)
			}
			// Another process created it meanwhile: converge on it.
			if c, err = s.store.GetClient(ctx, id); err != nil {
				return nil, fmt.Errorf("distribution: signup: %w", err)
			}
		}
	case err != nil:
		return nil, fmt.Errorf("distribution: signup: %w", err)
	default:
		c, err = s.updateClient(ctx, id, func(c *outbound.Client) bool {
			changed := false
			if in.BillingCustomer != "" && c.BillingCustomer != in.BillingCustomer {
				c.BillingCustomer, changed = in.BillingCustomer, true
			}
			if in.BillingSubscription != "" && c.BillingSubscription != in.BillingSubscription {
				c.BillingSubscription, changed = in.BillingSubscription, true
			}
			if c.Plan == in.Plan && c.State == outbound.ClientActive {
				return changed
			}
			c.Plan, c.State, c.ChurnedAt = in.Plan, outbound.ClientActive, time.Time{}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("distribution: signup: %w", err)
		}
	}
	a, err := s.pool.Assign(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("distribution: signup: assign resources: %w", err)
	}
	if len(a.Short) > 0 {
		s.log.WarnContext(ctx, "pool short of resources for the plan", "client", c.ID.String(), "plan", c.Plan, "short", fmt.Sprint(a.Short))
	}
	if _, err := s.refresh(ctx, c.ID); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "client signed up", "client", c.ID.String(), "plan", c.Plan, "assigned", len(a.Assigned))
	return c, nil
}

func (s *shared) hasPlan(name string) bool {
	_, ok := s.planNamed(name)
	return ok
}

func (s *shared) planNamed(name string) (outbound.Plan, bool) {
	for _, p := range s.cfg.Plans {
		if p.Name == name {
			return p, true
		}
	}
	return outbound.Plan{}, false
}

// churn is Service.Churn.
func (s *accounts) churn(ctx context.Context, client outbound.ClientID) error {
	if err := s.pool.Churn(ctx, client); err != nil {
		return fmt.Errorf("distribution: churn: %w", err)
	}
	if _, err := s.refresh(ctx, client); err != nil {
		return err
	}
	es, err := s.store.ListEnrollments(ctx, storage.EnrollmentFilter{Client: client})
	if err != nil {
		return fmt.Errorf("distribution: churn: %w", err)
	}
	for i := range es {
		e := &es[i]
		if e.State != outbound.EnrollmentActive && e.State != outbound.EnrollmentPaused {
			continue
		}
		e.State, e.StopReason = outbound.EnrollmentStopped, outbound.ReasonClientChurned
		if err := s.store.UpdateEnrollment(ctx, e); err != nil {
			return fmt.Errorf("distribution: churn: %w", err)
		}
		s.enrollmentMoved(ctx, e)
		if _, err := s.planner.cancelTouches(ctx, storage.TouchFilter{Enrollment: e.ID}, "", outbound.ReasonClientChurned); err != nil {
			return err
		}
	}
	return nil
}

// createCampaign is Service.CreateCampaign.
func (s *accounts) createCampaign(ctx context.Context, client outbound.ClientID, name string, icp outbound.ICP) (*outbound.Campaign, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, &FieldError{Package: "distribution", Field: "name", Value: "", Reason: "must not be empty"}
	}
	if err := icp.Validate(); err != nil {
		return nil, err
	}
	c, err := s.store.GetClient(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("distribution: create campaign: %w", err)
	}
	if c.State != outbound.ClientActive {
		return nil, fmt.Errorf("distribution: create campaign for client %s (%s): %w", c.ID, c.State, ErrInactive)
	}
	camp := &outbound.Campaign{
		ID:        outbound.CampaignID{UUID: s.cfg.Test.NewID()},
		Client:    client,
		Name:      name,
		Sequence:  s.seq.Name,
		State:     outbound.CampaignActive,
		ICP:       icp,
		CreatedAt: s.clock.Now().UTC(),
	}
	if err := s.store.CreateCampaign(ctx, camp); err != nil {
		return nil, fmt.Errorf("distribution: create campaign: %w", err)
	}
	return camp, nil
}

// clientRetries bounds updateClient's read-change-write rounds.
const clientRetries = 10

// updateClient reads the client, lets change edit it (false: nothing to
// write) and writes it if its version is still the one read; when another
// process wrote first, it reads again and retries. It returns the client
// as stored.
func (s *accounts) updateClient(ctx context.Context, id outbound.ClientID, change func(*outbound.Client) bool) (*outbound.Client, error) {
	for range clientRetries {
		c, err := s.store.GetClient(ctx, id)
		if err != nil {
			return nil, err
		}
		if !change(c) {
			return c, nil
		}
		err = s.store.UpdateClient(ctx, c)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, storage.ErrConflict) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("client %s changed by others %d times in a row: %w", id, clientRetries, storage.ErrConflict)
}
