package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/pool"
)

// In a run across processes the fake providers live in the first process
// and the others reach them over HTTP on 127.0.0.1, as every process of a
// deployment reaches one real provider: a retry, a reconciliation or a
// purchase meets the same record whichever process makes it, and the
// outcomes are drawn in one place. providerServer serves them;
// remoteChannel, remoteProvisioner and remoteAlerter are the other
// processes' clients.

// The paths of the provider server.
const (
	pathSend     = "/send"
	pathLookup   = "/lookup"
	pathPurchase = "/purchase"
	pathAlert    = "/alert"
)

// maxProviderBody bounds a request to the provider server.
const maxProviderBody = 1 << 20

// providerServer serves the first process's fakes to the others.
type providerServer struct {
	chans map[channel.Kind]channel.Channel
	prov  pool.Provisioner
	alert pool.Alerter
	srv   *http.Server
	url   string
}

// serveProviders starts the provider server on a free port of 127.0.0.1.
func serveProviders(chans []channel.Channel, prov pool.Provisioner, alert pool.Alerter) (*providerServer, error) {
	p := &providerServer{chans: map[channel.Kind]channel.Channel{}, prov: prov, alert: alert}
	for _, c := range chans {
		p.chans[c.Kind()] = c
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("provider server: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+pathSend, p.send)
	mux.HandleFunc("POST "+pathLookup, p.lookup)
	mux.HandleFunc("POST "+pathPurchase, p.purchase)
	mux.HandleFunc("POST "+pathAlert, p.alerted)
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	p.url = "http://" + ln.Addr().String()
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// close stops the server.
func (p *providerServer) close() { _ = p.srv.Close() }

// sendRequest is a Send, or with Lookup set a Lookup of Key.
type sendRequest struct {
	Kind    channel.Kind     `json:"kind"`
	Message *channel.Message `json:"message,omitempty"`
	Key     string           `json:"key,omitempty"`
}

// sendResponse is a channel's answer: a receipt, whether a lookup found
// one, or the error as the engine classifies it.
type sendResponse struct {
	Receipt channel.Receipt `json:"receipt"`
	Found   bool            `json:"found,omitempty"`
	Error   *wireError      `json:"error,omitempty"`
}

// wireError carries a provider's error between processes with its class,
// so the engine classifies it the same on both sides.
type wireError struct {
	Class      channel.ErrorClass `json:"class"`
	RetryAfter time.Duration      `json:"retry_after,omitempty"`
	Code       string             `json:"code,omitempty"`
	Provider   string             `json:"provider,omitempty"`
	Message    string             `json:"message"`
}

func toWire(err error) *wireError {
	if err == nil {
		return nil
	}
	w := &wireError{Class: channel.Classify(err), Message: err.Error()}
	var ce *channel.Error
	if errors.As(err, &ce) {
		w.RetryAfter, w.Code, w.Provider = ce.RetryAfter, ce.Code, ce.Provider
	}
	return w
}

func (w *wireError) err() error {
	if w == nil {
		return nil
	}
	return &channel.Error{Class: w.Class, RetryAfter: w.RetryAfter, Code: w.Code, Provider: w.Provider, Err: errors.New(w.Message)}
}

func (p *providerServer) channel(w http.ResponseWriter, r *http.Request) (sendRequest, channel.Channel, bool) {
	var req sendRequest
	if !readJSON(w, r, &req) {
		return req, nil, false
	}
	c, ok := p.chans[req.Kind]
	if !ok {
		http.Error(w, fmt.Sprintf("no %q channel", req.Kind), http.StatusNotFound)
	}
	return req, c, ok
}

func (p *providerServer) send(w http.ResponseWriter, r *http.Request) {
	req, c, ok := p.channel(w, r)
	if !ok {
		return
	}
	if req.Message == nil {
		http.Error(w, "no message", http.StatusBadRequest)
		return
	}
	rc, err := c.Send(r.Context(), req.Message)
	writeJSON(w, sendResponse{Receipt: rc, Error: toWire(err)})
}

func (p *providerServer) lookup(w http.ResponseWriter, r *http.Request) {
	req, c, ok := p.channel(w, r)
	if !ok {
		return
	}
	rec, can := c.(channel.Reconciler)
	if !can {
		http.Error(w, fmt.Sprintf("the %s channel cannot look up sends", req.Kind), http.StatusNotImplemented)
		return
	}
	rc, found, err := rec.Lookup(r.Context(), req.Key)
	writeJSON(w, sendResponse{Receipt: rc, Found: found, Error: toWire(err)})
}

// purchaseResponse is what a purchase bought, or why it failed.
type purchaseResponse struct {
	Resources []outbound.Resource `json:"resources"`
	Error     string              `json:"error,omitempty"`
}

func (p *providerServer) purchase(w http.ResponseWriter, r *http.Request) {
	var o outbound.Order
	if !readJSON(w, r, &o) {
		return
	}
	rs, err := p.prov.Purchase(r.Context(), o)
	res := purchaseResponse{Resources: rs}
	if err != nil {
		res.Error = err.Error()
	}
	writeJSON(w, res)
}

func (p *providerServer) alerted(w http.ResponseWriter, r *http.Request) {
	var a pool.Alert
	if !readJSON(w, r, &a) {
		return
	}
	if err := p.alert.Alert(r.Context(), a); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxProviderBody)).Decode(v); err != nil {
		http.Error(w, "bad body: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// providerClient posts JSON to the provider server.
type providerClient struct {
	url  string
	http *http.Client
}

// post posts in to path and decodes the answer into out (nil: none).
func (c *providerClient) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		// Whether the provider took a send whose answer was lost is what
		// reconciliation is for: the error is retryable.
		return channel.Retryable(fmt.Errorf("provider server: %w", err))
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		return fmt.Errorf("provider server: %s %s: %s", path, res.Status, bytes.TrimSpace(b.Bytes()))
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("provider server: %s: %w", path, err)
	}
	return nil
}

// remoteChannel is a channel of another process: its Sends and Lookups go
// to the first process's fake, and it describes itself as that fake does.
type remoteChannel struct {
	kind channel.Kind
	info channel.Info
	c    *providerClient
}

var (
	_ channel.Channel    = (*remoteChannel)(nil)
	_ channel.Reconciler = (*remoteChannel)(nil)
	_ channel.Describer  = (*remoteChannel)(nil)
)

func (r *remoteChannel) Kind() channel.Kind     { return r.kind }
func (r *remoteChannel) Describe() channel.Info { return r.info }

func (r *remoteChannel) Send(ctx context.Context, m *channel.Message) (channel.Receipt, error) {
	var res sendResponse
	if err := r.c.post(ctx, pathSend, sendRequest{Kind: r.kind, Message: m}, &res); err != nil {
		return channel.Receipt{}, err
	}
	return res.Receipt, res.Error.err()
}

func (r *remoteChannel) Lookup(ctx context.Context, key string) (channel.Receipt, bool, error) {
	var res sendResponse
	if err := r.c.post(ctx, pathLookup, sendRequest{Kind: r.kind, Key: key}, &res); err != nil {
		return channel.Receipt{}, false, err
	}
	return res.Receipt, res.Found, res.Error.err()
}

// remoteProvisioner buys through the first process's provisioner, so a
// leader in any process buys from the one fake.
type remoteProvisioner struct{ c *providerClient }

func (r remoteProvisioner) Purchase(ctx context.Context, o outbound.Order) ([]outbound.Resource, error) {
	var res purchaseResponse
	if err := r.c.post(ctx, pathPurchase, o, &res); err != nil {
		return nil, err
	}
	if res.Error != "" {
		return nil, errors.New(res.Error)
	}
	return res.Resources, nil
}

// remoteAlerter raises alerts in the first process, which reports them.
type remoteAlerter struct{ c *providerClient }

func (r remoteAlerter) Alert(ctx context.Context, a pool.Alert) error {
	return r.c.post(ctx, pathAlert, a, nil)
}
