package twilio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
)

// CodeNumberUnavailable is Twilio's answer to buying a number someone
// else bought since it was listed.
const CodeNumberUnavailable = 21422

var _ pool.Provisioner = (*Client)(nil)

// Purchase implements pool.Provisioner for phone numbers: it searches the
// numbers Config.Numbers describes that take texts and calls
// (AvailablePhoneNumbers/{Country}/{Type}), buys one for each of the
// order's slots (IncomingPhoneNumbers) with its webhooks pointed at the
// host (received texts to Config.InboundSMSURL, calls' status to
// Config.VoiceStatusURL) and the country's bundle and address, and
// returns them warming: a number is live the moment it is bought, and
// warms up from then.
//
// Each number's FriendlyName names its order and slot, so an order placed
// again after a crash or a lost answer finds what it bought and buys only
// the slots still missing. A number taken by someone else between the
// search and the purchase (21422) is passed over for the next one. An
// order of another kind, and a search that finds no number at all, fail
// for good (pool.ErrPurchaseRefused); fewer numbers than ordered come
// back as bought, and the pool alerts on the shortfall.
func (c *Client) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	if o.Kind != outbound.KindPhone {
		return nil, fmt.Errorf("twilio: order %s of %s: %w: Twilio sells phone numbers", o.Key, o.Kind, pool.ErrPurchaseRefused)
	}
	if o.Count <= 0 || o.Key == "" {
		return nil, fmt.Errorf("twilio: order %q of %d: %w: an order needs a key and a count", o.Key, o.Count, pool.ErrPurchaseRefused)
	}
	api := c.api(ctx)
	out := make([]outbound.Resource, 0, o.Count)
	var missing []string
	for slot := range o.Count {
		name := slotName(o.Key, slot)
		p := &openapi.ListIncomingPhoneNumberParams{}
		p.SetFriendlyName(name).SetPageSize(1)
		page, err := api.PageIncomingPhoneNumber(p, "", "")
		if err != nil {
			return nil, c.wrap("order "+o.Key, err)
		}
		if len(page.IncomingPhoneNumbers) > 0 {
			out = append(out, c.resource(&page.IncomingPhoneNumbers[0]))
			continue
		}
		missing = append(missing, name)
	}
	if len(missing) == 0 {
		return out, nil
	}
	candidates, err := c.search(ctx, 2*len(missing)+5)
	if err != nil {
		return nil, c.wrap("order "+o.Key+": searching numbers", err)
	}
	if len(candidates) == 0 && len(out) == 0 {
		return nil, fmt.Errorf("twilio: order %s: %w: no %s %s number with SMS and voice to buy", o.Key, pool.ErrPurchaseRefused,
			c.cfg.Numbers.Country, c.cfg.Numbers.Type)
	}
	for _, name := range missing {
		for len(candidates) > 0 {
			number := candidates[0]
			candidates = candidates[1:]
			pn, err := api.CreateIncomingPhoneNumber(c.buyParams(number, name))
			if err != nil {
				if code(err) == CodeNumberUnavailable {
					continue
				}
				if len(out) > 0 && permanent(err) {
					return out, nil
				}
				return nil, c.wrap("order "+o.Key+": buying "+number, err)
			}
			out = append(out, c.resource(pn))
			break
		}
	}
	if len(out) == 0 {
		// No resources and no error would tell the pool the order is
		// placed and comes later: it is not.
		return nil, fmt.Errorf("twilio: order %s: %w: every %s %s number listed was taken before it could be bought", o.Key,
			pool.ErrPurchaseRefused, c.cfg.Numbers.Country, c.cfg.Numbers.Type)
	}
	return out, nil
}

// slotName is the FriendlyName of an order's slot (at most 64
// characters: a long key is hashed).
func slotName(key string, slot int) string {
	if len(key) > 48 {
		sum := sha256.Sum256([]byte(key))
		key = hex.EncodeToString(sum[:12])
	}
	return "outbound " + key + " #" + strconv.Itoa(slot+1)
}

func (c *Client) buyParams(number, name string) *openapi.CreateIncomingPhoneNumberParams {
	p := &openapi.CreateIncomingPhoneNumberParams{}
	p.SetPhoneNumber(number).SetFriendlyName(name)
	if c.cfg.InboundSMSURL != "" {
		p.SetSmsUrl(c.cfg.InboundSMSURL).SetSmsMethod(http.MethodPost)
	}
	if c.cfg.VoiceStatusURL != "" {
		p.SetStatusCallback(c.cfg.VoiceStatusURL).SetStatusCallbackMethod(http.MethodPost)
	}
	if c.cfg.Numbers.BundleSID != "" {
		p.SetBundleSid(c.cfg.Numbers.BundleSID)
	}
	if c.cfg.Numbers.AddressSID != "" {
		p.SetAddressSid(c.cfg.Numbers.AddressSID)
	}
	return p
}

func (c *Client) resource(pn *openapi.ApiV2010IncomingPhoneNumber) outbound.Resource {
	return outbound.Resource{
		Kind: outbound.KindPhone, Provider: c.cfg.Provider, ProviderRef: str(pn.Sid), Address: str(pn.PhoneNumber),
		State: outbound.StateWarming, PurchasedAt: twilioTime(pn.DateCreated),
	}
}

// search lists up to n numbers to buy, able to take texts and calls.
func (c *Client) search(ctx context.Context, n int) ([]string, error) {
	api, s := c.api(ctx), c.cfg.Numbers
	n = min(n, 1000)
	var numbers []string
	add := func(p *string) {
		if p != nil && *p != "" {
			numbers = append(numbers, *p)
		}
	}
	switch s.Type {
	case "Mobile":
		p := &openapi.ListAvailablePhoneNumberMobileParams{}
		p.SetSmsEnabled(true).SetVoiceEnabled(true).SetPageSize(n)
		if s.Contains != "" {
			p.SetContains(s.Contains)
		}
		page, err := api.PageAvailablePhoneNumberMobile(s.Country, p, "", "")
		if err != nil {
			return nil, err
		}
		for i := range page.AvailablePhoneNumbers {
			add(page.AvailablePhoneNumbers[i].PhoneNumber)
		}
	case "TollFree":
		p := &openapi.ListAvailablePhoneNumberTollFreeParams{}
		p.SetSmsEnabled(true).SetVoiceEnabled(true).SetPageSize(n)
		if s.Contains != "" {
			p.SetContains(s.Contains)
		}
		page, err := api.PageAvailablePhoneNumberTollFree(s.Country, p, "", "")
		if err != nil {
			return nil, err
		}
		for i := range page.AvailablePhoneNumbers {
			add(page.AvailablePhoneNumbers[i].PhoneNumber)
		}
	default:
		p := &openapi.ListAvailablePhoneNumberLocalParams{}
		p.SetSmsEnabled(true).SetVoiceEnabled(true).SetPageSize(n)
		if s.Contains != "" {
			p.SetContains(s.Contains)
		}
		if s.AreaCode != "" {
			ac, _ := strconv.Atoi(s.AreaCode)
			p.SetAreaCode(ac)
		}
		page, err := api.PageAvailablePhoneNumberLocal(s.Country, p, "", "")
		if err != nil {
			return nil, err
		}
		for i := range page.AvailablePhoneNumbers {
			add(page.AvailablePhoneNumbers[i].PhoneNumber)
		}
	}
	return numbers, nil
}

// Release gives a number back to Twilio (DELETE
// IncomingPhoneNumbers/{sid}): the host calls it with a retired number's
// ProviderRef, once the pool will never assign it again. A number already
// released (404) is no error.
func (c *Client) Release(ctx context.Context, providerRef string) error {
	if !sidPattern.MatchString(providerRef) {
		return fmt.Errorf("twilio: release: %w", &channel.ValidationError{Field: "ProviderRef", Value: providerRef,
			Reason: "not a phone number's SID (PN…)"})
	}
	err := c.api(ctx).DeleteIncomingPhoneNumber(providerRef, nil)
	if err != nil && status(err) != http.StatusNotFound {
		return c.wrap("release "+providerRef, err)
	}
	return nil
}

// code is the Twilio error code of err, or 0.
func code(err error) int {
	var ce *channel.Error
	if errors.As(err, &ce) {
		n, _ := strconv.Atoi(ce.Code)
		return n
	}
	return 0
}

// status is the HTTP status of Twilio's refusal in err, or 0.
func status(err error) int {
	var te *client.TwilioRestError
	if errors.As(err, &te) {
		return te.Status
	}
	return 0
}

func permanent(err error) bool { return channel.Classify(err) == channel.ClassPermanent }
