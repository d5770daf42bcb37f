package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/outbound-go/outbound/adapters/hubspot"
	"github.com/outbound-go/outbound/crm"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/timing"
)

// crmSettings is where booked meetings go, from the environment:
//
//	HUBSPOT_TOKEN            a private app's access token: each meeting a lead books becomes
//	                         a HubSpot contact and a deal (never logged nor shown)
//	HUBSPOT_PIPELINE,        the deal's pipeline and stage; default HubSpot's default sales
//	HUBSPOT_STAGE            pipeline, "Appointment scheduled"
//	HUBSPOT_KEY_PROPERTY     the deal property that holds the meeting's key, by which a deal
//	                         made before is found; default hubspot.DefaultKeyProperty
//
// Without a token meetings are kept and go to no CRM.
type crmSettings struct {
	Token, Pipeline, Stage, KeyProperty string
	// BaseURL is HubSpot's API root; only the demo sets it, to HubSpot's
	// fake.
	BaseURL string
}

// hubspotSetting names the environment setting of a field of
// hubspot.Config.
func hubspotSetting(field string) string {
	switch field {
	case "Token":
		return "HUBSPOT_TOKEN"
	case "KeyProperty":
		return "HUBSPOT_KEY_PROPERTY"
	}
	return "HUBSPOT_" + strings.ToUpper(field)
}

// loadCRM reads the CRM settings from getenv and checks them.
func loadCRM(getenv func(string) string) (crmSettings, error) {
	c := crmSettings{Token: getenv("HUBSPOT_TOKEN"), Pipeline: getenv("HUBSPOT_PIPELINE"), Stage: getenv("HUBSPOT_STAGE"),
		KeyProperty: getenv("HUBSPOT_KEY_PROPERTY")}
	if c.Token == "" {
		for _, setting := range []string{"HUBSPOT_PIPELINE", "HUBSPOT_STAGE", "HUBSPOT_KEY_PROPERTY"} {
			if v := getenv(setting); v != "" {
				return c, &configError{Setting: setting, Value: v, Reason: "needs HUBSPOT_TOKEN"}
			}
		}
		return c, nil
	}
	_, err := c.client(nil)
	return c, err
}

// client returns the HubSpot client the settings describe, or nil without
// a token. A setting HubSpot's client refuses is a *configError naming it.
func (c crmSettings) client(clock timing.Clock) (crm.CRM, error) {
	if c.Token == "" {
		return nil, nil
	}
	cfg := hubspot.Config{Token: c.Token, Pipeline: c.Pipeline, Stage: c.Stage, KeyProperty: c.KeyProperty, BaseURL: c.BaseURL}
	if clock != nil {
		cfg.Now = clock.Now
	}
	h, err := hubspot.New(cfg)
	var fe *invalid.FieldError
	if errors.As(err, &fe) {
		setting := hubspotSetting(fe.Field)
		value := fmt.Sprint(fe.Value)
		if fe.Field == "Token" {
			value = "(hidden)"
		}
		return nil, &configError{Setting: setting, Value: value, Reason: fe.Reason}
	}
	if err != nil {
		return nil, fmt.Errorf("hubspot: %w", err)
	}
	return h, nil
}
