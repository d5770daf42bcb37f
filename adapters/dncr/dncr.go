package dncr

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/invalid"
	"github.com/outbound-go/outbound/phone"
	"github.com/outbound-go/outbound/timing"
)

// Defaults of [Config].
const (
	// DefaultEndpoint is the register's Real Time Access service.
	DefaultEndpoint = "https://www.donotcall.gov.au/dncrtelem/rtw/washing.cfc"
	// Namespace is the SOAP namespace of its operations.
	Namespace = "http://rtw.dncrtelem"
	// DefaultBatch is how many numbers one WashNumbers asks about. The
	// register publishes no limit; 500 keeps a request small.
	DefaultBatch = 500
	// DefaultTimeout bounds one request.
	DefaultTimeout = 60 * time.Second
	// Validity is how long a wash answer holds: a number washed in the
	// last 30 days and not on the register may be called (Do Not Call
	// Register Act 2006, s 11). The engine re-washes before it runs out.
	Validity = 30 * 24 * time.Hour
)

// DefaultWaits are the waits before each GetWashResult when a wash is not
// finished in its own answer: at least 30 seconds, then 30 seconds, then
// at least 30 minutes, as the register's service requires.
var defaultWaits = []time.Duration{30 * time.Second, 30 * time.Second, 30 * time.Minute}

// Config configures a [Register]. The three credentials are required and
// never logged.
type Config struct {
	TelemarketerID string
	WashOnlyUserID string
	Password       string
	// Endpoint is the service's URL. Default DefaultEndpoint.
	Endpoint string
	// HTTPClient sends the requests; Timeout bounds each. Defaults: a new
	// client, DefaultTimeout.
	HTTPClient *http.Client
	Timeout    time.Duration
	// Batch is how many numbers one wash asks about. Default DefaultBatch.
	Batch int
	// Waits are the waits before each poll of an unfinished wash. Default
	// 30 s, 30 s, 30 min: the register's rule.
	Waits []time.Duration
	// Clock tells the time of the answers and waits. Default the real
	// clock.
	Clock timing.Clock
	// NewReference makes a wash's ClientReferenceId. Default 16 random
	// bytes in hex.
	NewReference func() string
	// Logger hears of each wash (how many numbers, the reference, the
	// time it took) and of each poll; never the credentials or a number.
	// Default: discards.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("dncr", "Config", field, v, reason)
	}
	switch {
	case strings.TrimSpace(c.TelemarketerID) == "":
		return c, bad("TelemarketerID", "", "required")
	case strings.TrimSpace(c.WashOnlyUserID) == "":
		return c, bad("WashOnlyUserID", "", "required")
	case c.Password == "":
		return c, bad("Password", "", "required")
	case c.Batch < 0:
		return c, bad("Batch", c.Batch, "negative")
	case c.Timeout < 0:
		return c, bad("Timeout", c.Timeout, "negative")
	}
	for i, w := range c.Waits {
		if w < 30*time.Second {
			return c, bad(fmt.Sprintf("Waits[%d]", i), w, "the register requires at least 30 s between polls")
		}
	}
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return c, bad("Endpoint", c.Endpoint, "not an http(s) URL")
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.Waits == nil {
		c.Waits = defaultWaits
	}
	if c.Clock == nil {
		c.Clock = timing.RealClock()
	}
	if c.NewReference == nil {
		c.NewReference = func() string {
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			return hex.EncodeToString(b)
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Register washes Australian numbers against the Do Not Call Register's
// Real Time Access service: a donotcall.Register for "AU" in a
// donotcall.ByCountry. Every number is checked locally first: one that is
// not a valid Australian number is answered unknown without being sent
// (the register charges for invalid numbers too). It is safe for
// concurrent use.
type Register struct{ cfg Config }

var _ donotcall.Register = (*Register)(nil)

// New checks cfg and returns the register, or a *invalid.FieldError.
func New(cfg Config) (*Register, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Register{cfg: cfg}, nil
}

// The system codes of the service.
const (
	CodeOK                  = 0
	CodeMissingCredentials  = 1 // a missing ID, password or number list
	CodeReferenceNotFound   = 2 // GetWashResult: no wash by that reference
	CodeAccountInactive     = 3 // the account is missing, inactive or suspended
	CodeNotFinished         = 4 // GetWashResult: washing not finished; WashNumbers: no subscription in force
	CodeInsufficientBalance = 5
)

// ErrInsufficientBalance is a wash the account's credit does not cover:
// nothing is washed until it is topped up.
var ErrInsufficientBalance = errors.New("dncr: insufficient balance")

// ServiceError is a system code other than 0.
type ServiceError struct {
	Operation string
	Code      int
	Message   string
}

func (e *ServiceError) Error() string {
	return fmt.Sprintf("dncr: %s: system code %d: %s", e.Operation, e.Code, e.Message)
}

// Is makes errors.Is(err, ErrInsufficientBalance) hold for code 5.
func (e *ServiceError) Is(target error) bool {
	return target == ErrInsufficientBalance && e.Code == CodeInsufficientBalance
}

// Permanent reports whether trying again cannot help until someone acts
// (credentials, account, subscription, balance).
func (e *ServiceError) Permanent() bool {
	switch e.Code {
	case CodeMissingCredentials, CodeAccountInactive, CodeInsufficientBalance:
		return true
	case CodeNotFinished:
		return e.Operation == "WashNumbers" // no subscription in force
	}
	return false
}

// Wash implements donotcall.Register: each number's answer (Y registered,
// N clear, I unknown) with the time of the wash. Numbers that are not
// valid Australian numbers are answered unknown, and not sent.
func (r *Register) Wash(ctx context.Context, phones []string) ([]outbound.WashResult, error) {
	now := r.cfg.Clock.Now()
	var out []outbound.WashResult
	national := map[string]string{} // as the register writes it → as asked
	var ask []string
	for _, p := range phones {
		n, err := phone.Parse(p, "AU")
		if err != nil || n.Country != "AU" {
			out = append(out, outbound.WashResult{Phone: p, Status: outbound.DNCRUnknown, WashedAt: now})
			continue
		}
		nat := "0" + strings.TrimPrefix(n.E164, "+61")
		if _, dup := national[nat]; !dup {
			ask = append(ask, nat)
		}
		national[nat] = p
	}
	for len(ask) > 0 {
		batch := ask[:min(len(ask), r.cfg.Batch)]
		ask = ask[len(batch):]
		res, err := r.washBatch(ctx, batch)
		if err != nil {
			return out, err
		}
		washedAt := r.cfg.Clock.Now()
		for _, nat := range batch { // in the order asked
			if code, ok := res[nat]; ok {
				out = append(out, outbound.WashResult{Phone: national[nat], Status: status(code), WashedAt: washedAt})
			}
		}
	}
	return out, nil
}

// status maps a register result to a wash status.
func status(code string) outbound.DNCRStatus {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "Y":
		return outbound.DNCRRegistered
	case "N":
		return outbound.DNCRClear
	}
	return outbound.DNCRUnknown // I: invalid, or anything else
}

// washBatch washes one batch, polling GetWashResult with the required
// waits when the answer does not hold the results.
func (r *Register) washBatch(ctx context.Context, numbers []string) (map[string]string, error) {
	ref := r.cfg.NewReference()
	started := r.cfg.Clock.Now()
	var b strings.Builder
	b.WriteString(r.credentials())
	writeElem(&b, "ClientReferenceId", ref)
	b.WriteString("<NumbersToWash>")
	for _, n := range numbers {
		writeElem(&b, "Number", n)
	}
	b.WriteString("</NumbersToWash>")
	res, err := r.call(ctx, "WashNumbers", b.String())
	if err != nil {
		return nil, err
	}
	for i := 0; len(res.Results) == 0; i++ {
		if i >= len(r.cfg.Waits) {
			return nil, fmt.Errorf("dncr: wash %s not finished after %d polls", ref, len(r.cfg.Waits))
		}
		if err := r.cfg.Clock.Sleep(ctx, r.cfg.Waits[i]); err != nil {
			return nil, fmt.Errorf("dncr: waiting for wash %s: %w", ref, err)
		}
		var q strings.Builder
		q.WriteString(r.credentials())
		writeElem(&q, "ClientReferenceId", ref)
		res, err = r.call(ctx, "GetWashResult", q.String())
		var se *ServiceError
		if errors.As(err, &se) && se.Code == CodeNotFinished {
			r.cfg.Logger.InfoContext(ctx, "dncr: wash not finished", "reference", ref, "poll", i+1)
			res = Answer{}
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	r.cfg.Logger.InfoContext(ctx, "dncr: washed", "reference", ref, "numbers", len(numbers), "took", r.cfg.Clock.Now().Sub(started))
	out := make(map[string]string, len(res.Results))
	for _, it := range res.Results {
		out[normalise(it.Number)] = it.Result
	}
	return out, nil
}

// normalise keeps a number's digits: the register may echo it as written.
func normalise(n string) string {
	var b strings.Builder
	for _, c := range n {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Balance is the account's remaining credit (GetAccountBalance).
func (r *Register) Balance(ctx context.Context) (int64, error) {
	res, err := r.call(ctx, "GetAccountBalance", r.credentials())
	if err != nil {
		return 0, err
	}
	return res.Balance, nil
}

func (r *Register) credentials() string {
	var b strings.Builder
	writeElem(&b, "TelemarketerId", r.cfg.TelemarketerID)
	writeElem(&b, "WashOnlyUserId", r.cfg.WashOnlyUserID)
	writeElem(&b, "TelemarketerPassword", r.cfg.Password)
	return b.String()
}

func writeElem(b *strings.Builder, name, value string) {
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(b, []byte(value))
	b.WriteString("</" + name + ">")
}

// Answer is what Parse reads of a response, wherever the element
// sits in it.
type Answer struct {
	Code    int
	Message string
	Balance int64
	Results []Item
}

// Item is one number's result in an answer.
type Item struct {
	Number string
	Result string
}

// call posts one SOAP operation and reads its answer: a fault or a system
// code other than 0 is a *ServiceError; a transport failure or a 5xx an
// error to retry.
func (r *Register) call(ctx context.Context, op, params string) (Answer, error) {
	env := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:rtw="` + Namespace + `">` +
		`<soapenv:Body><rtw:` + op + `>` + params + `</rtw:` + op + `></soapenv:Body></soapenv:Envelope>`
	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, r.cfg.Endpoint, strings.NewReader(env))
	if err != nil {
		return Answer{}, fmt.Errorf("dncr: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"`+op+`"`)
	res, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return Answer{}, fmt.Errorf("dncr: %s: %w", op, cerr)
		}
		return Answer{}, fmt.Errorf("dncr: %s: no answer: %w", op, adapterkit.Scrub(err))
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return Answer{}, fmt.Errorf("dncr: %s: reading the answer: %w", op, err)
	}
	a, fault, err := Parse(raw)
	switch {
	case err != nil && res.StatusCode/100 == 2:
		return Answer{}, fmt.Errorf("dncr: %s: %w", op, err)
	case fault != "":
		return Answer{}, &ServiceError{Operation: op, Code: -1, Message: fault}
	case res.StatusCode/100 != 2:
		return Answer{}, fmt.Errorf("dncr: %s: HTTP %d", op, res.StatusCode)
	case a.Code != CodeOK:
		return Answer{}, &ServiceError{Operation: op, Code: a.Code, Message: a.Message}
	}
	return a, nil
}

// Parse reads a SOAP answer of the service: the system code (ErrorCode or
// ReturnCode), its message, the balance, and the results (each Number with
// its Result), wherever they sit, or the fault string of a SOAP fault. A
// body that is not XML is an error.
func Parse(body []byte) (a Answer, fault string, err error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var path []string
	var cur Item
	inItem := false
	seen := false
	for {
		tok, terr := dec.Token()
		if terr == io.EOF {
			break
		}
		if terr != nil {
			return Answer{}, "", fmt.Errorf("not a SOAP answer: %w", terr)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			seen = true
			name := t.Name.Local
			path = append(path, name)
			if name == "Item" || name == "NumberResult" {
				inItem, cur = true, Item{}
				for _, at := range t.Attr {
					switch at.Name.Local {
					case "Number":
						cur.Number = at.Value
					case "Result":
						cur.Result = at.Value
					}
				}
			}
		case xml.EndElement:
			if (t.Name.Local == "Item" || t.Name.Local == "NumberResult") && inItem {
				if cur.Number != "" {
					a.Results = append(a.Results, cur)
				}
				inItem = false
			}
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		case xml.CharData:
			if len(path) == 0 {
				continue
			}
			v := strings.TrimSpace(string(t))
			if v == "" {
				continue
			}
			switch name := path[len(path)-1]; {
			case inItem && name == "Number":
				cur.Number = v
			case inItem && name == "Result":
				cur.Result = v
			case name == "ErrorCode" || name == "ReturnCode":
				if a.Code, err = strconv.Atoi(v); err != nil {
					return Answer{}, "", fmt.Errorf("system code %q: not a number", v)
				}
			case name == "ErrorMessage" || name == "ReturnMessage":
				a.Message = v
			case name == "AccountBalance" || name == "Balance":
				if a.Balance, err = strconv.ParseInt(v, 10, 64); err != nil {
					return Answer{}, "", fmt.Errorf("balance %q: not a number", v)
				}
			case name == "faultstring":
				fault = v
			}
		}
	}
	if !seen {
		return Answer{}, "", errors.New("not a SOAP answer: empty")
	}
	return a, fault, nil
}
