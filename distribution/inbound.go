package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
	"github.com/outbound-go/outbound/storage"
)

// Accept records and applies what providers report, of every kind: it is
// the engine's side of adapters/webhook (its Sink). Message events go to
// HandleEvent, billing events to HandleBilling, provisioning events to
// HandleProvisioning, meeting events to HandleMeeting. It returns nil once every event is recorded and
// applied; an event that failed is named in the error, and a redelivery
// of the batch applies what was left (each event once).
func (s *Service) Accept(ctx context.Context, events []outbound.Inbound) error {
	var errs []error
	for i := range events {
		in := &events[i]
		var err error
		switch {
		case in.Message != nil:
			_, err = s.HandleEvent(ctx, *in.Message)
		case in.Billing != nil:
			_, err = s.HandleBilling(ctx, *in.Billing)
		case in.Provisioning != nil:
			_, err = s.HandleProvisioning(ctx, *in.Provisioning)
		case in.Meeting != nil:
			_, err = s.HandleMeeting(ctx, *in.Meeting)
		default:
			err = in.Validate()
		}
		if err != nil {
			p, id := in.Key()
			errs = append(errs, fmt.Errorf("event %s/%s: %w", p, id, err))
		}
	}
	return errors.Join(errs...)
}

// recordTopic records a billing or provisioning event (its JSON as the
// payload) under its provider and event ID, applies it with apply and
// marks it applied (recordThenApply), as HandleEvent does for messages.
func (s *accounts) recordTopic(ctx context.Context, topic outbound.EventTopic, provider, providerEventID string, client outbound.ClientID,
	v any, apply func() error) (bool, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return false, fmt.Errorf("distribution: %s event: %w", topic, err)
	}
	now := s.clock.Now()
	rec := &outbound.Event{
		ID:         eventID(provider, providerEventID),
		Client:     client,
		Topic:      topic,
		Payload:    payload,
		RecordedAt: now.UTC(),
	}
	rec.Provider, rec.ProviderEventID, rec.At = provider, providerEventID, now.UTC()
	return recordThenApply(ctx, s.store, rec, now, func(bool) error { return apply() })
}

// handleBilling is Service.HandleBilling.
func (s *accounts) handleBilling(ctx context.Context, e outbound.BillingEvent) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, fmt.Errorf("distribution: billing event: %w", err)
	}
	var client outbound.ClientID
	if c, err := s.store.FindClientByBilling(ctx, e.Customer, e.Subscription); err == nil {
		client = c.ID
	} else if !errors.Is(err, storage.ErrNotFound) {
		return false, fmt.Errorf("distribution: billing event: %w", err)
	}
	return s.recordTopic(ctx, outbound.TopicBilling, e.Provider, e.ProviderEventID, client, e, func() error {
		return s.applyBilling(ctx, &e, client)
	})
}

// applyBilling acts on a billing event for the client it names (zero when
// none holds its keys yet).
func (s *accounts) applyBilling(ctx context.Context, e *outbound.BillingEvent, client outbound.ClientID) error {
	signup := func() error {
		name := e.Name
		if name == "" {
			name = e.Customer
		}
		zone := e.Metadata["zone"]
		if zone == "" {
			zone = s.cfg.BillingZone
		}
		_, err := s.signup(ctx, SignupInput{ID: client, Name: name, Plan: e.Plan, DefaultZone: zone, At: e.At,
			BillingCustomer: e.Customer, BillingSubscription: e.Subscription})
		return err
	}
	switch e.Type {
	case outbound.BillingSubscriptionStarted:
		return signup()
	case outbound.BillingPlanChanged:
		if client.IsZero() {
			return signup()
		}
		if _, err := s.updateClient(ctx, client, func(c *outbound.Client) bool {
			if c.Plan == e.Plan {
				return false
			}
			c.Plan = e.Plan
			return true
		}); err != nil {
			return fmt.Errorf("distribution: plan change: %w", err)
		}
		// The pool converges: an upgrade assigns the difference, a
		// downgrade holds the surplus for the client (30 days) and then
		// releases it.
		if _, err := s.pool.Assign(ctx, client); err != nil {
			return fmt.Errorf("distribution: plan change: %w", err)
		}
		_, err := s.refresh(ctx, client)
		return err
	}
	if client.IsZero() {
		s.log.WarnContext(ctx, "billing event for no known client", "provider", e.Provider, "event", e.ProviderEventID,
			"type", string(e.Type), "customer", e.Customer)
		return nil
	}
	switch e.Type {
	case outbound.BillingSubscriptionRenewed, outbound.BillingPaymentSucceeded:
		return s.setSendingPaused(ctx, client, false, e)
	case outbound.BillingPaymentFailed:
		if !e.Final {
			s.log.InfoContext(ctx, "payment failed; the provider retries", "client", client.String())
			return nil
		}
		return s.setSendingPaused(ctx, client, true, e)
	case outbound.BillingSubscriptionCancelled:
		return s.churn(ctx, client)
	}
	return nil
}

// setSendingPaused pauses or resumes a client's sending for payment.
func (s *accounts) setSendingPaused(ctx context.Context, client outbound.ClientID, paused bool, e *outbound.BillingEvent) error {
	_, err := s.updateClient(ctx, client, func(c *outbound.Client) bool {
		if c.SendingPaused() == paused {
			return false
		}
		if paused {
			c.SendingPausedAt, c.SendingPauseReason = e.At.UTC(), outbound.ReasonPaymentFailed
		} else {
			c.SendingPausedAt, c.SendingPauseReason = time.Time{}, ""
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("distribution: sending pause of client %s: %w", client, err)
	}
	kind := ChangeClientResumed
	if paused {
		kind = ChangeClientPaused
	}
	s.notify(ctx, Change{Kind: kind, Client: client, Reason: outbound.ReasonPaymentFailed})
	_, err = s.refresh(ctx, client)
	return err
}

// handleProvisioning is Service.HandleProvisioning.
func (s *accounts) handleProvisioning(ctx context.Context, e outbound.ProvisioningEvent) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, fmt.Errorf("distribution: provisioning event: %w", err)
	}
	return s.recordTopic(ctx, outbound.TopicProvisioning, e.Provider, e.ProviderEventID, outbound.ClientID{}, e, func() error {
		return s.applyProvisioning(ctx, &e)
	})
}

// applyProvisioning moves the resource a provisioning event names, found
// by its provider and the provider's ID for it.
func (s *accounts) applyProvisioning(ctx context.Context, e *outbound.ProvisioningEvent) error {
	p := s.rpool
	var err error
	switch e.Type {
	case outbound.ProvisioningDomainReady:
		err = p.ProvisionedRef(ctx, e.Provider, e.ProviderRef)
	case outbound.ProvisioningMailboxCreated:
		_, err = p.Register(ctx, []pool.Registration{{Kind: outbound.KindMailbox, Provider: e.Provider, ProviderRef: e.ProviderRef,
			Address: e.Address, Domain: e.Parent}})
	case outbound.ProvisioningNumberReleased:
		err = p.RetireRef(ctx, e.Provider, e.ProviderRef)
	case outbound.ProvisioningLinkedInConnected:
		r, ferr := s.store.FindResource(ctx, e.Provider, e.ProviderRef)
		switch {
		case ferr != nil:
			err = ferr
		case r.State == outbound.StateProvisioning:
			err = p.ProvisionedRef(ctx, e.Provider, e.ProviderRef)
		default:
			err = p.ResumeRef(ctx, e.Provider, e.ProviderRef)
		}
	case outbound.ProvisioningLinkedInRestricted, outbound.ProvisioningLinkedInDisconnected, outbound.ProvisioningMailboxDisconnected:
		// ReasonLinkedInRestricted, ReasonLinkedInDisconnected or
		// ReasonMailboxDisconnected, with the provider's words.
		reason := outbound.Reason(e.Type).WithDetail(e.Reason)
		_, err = p.PauseRef(ctx, e.Provider, e.ProviderRef, string(reason))
	case outbound.ProvisioningFailed:
		s.log.WarnContext(ctx, "provisioning failed", "provider", e.Provider, "ref", e.ProviderRef, "reason", e.Reason)
	}
	if err != nil {
		return fmt.Errorf("distribution: %s %s/%s: %w", e.Type, e.Provider, e.ProviderRef, err)
	}
	return nil
}
