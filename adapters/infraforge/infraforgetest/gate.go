package infraforgetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a failure a fake gives to requests: a status with its
// Retry-After, once After more requests have been answered, to Times
// requests (0: every one until cleared), of the routes whose "METHOD
// /path" starts with Route ("" all). Processed makes the fake act on the
// request and then answer the failure: the answer is lost, as when a
// process dies after the provider acted.
type Fault struct {
	Status     int
	RetryAfter time.Duration // sent as whole seconds when positive
	Message    string        // the error's message; default the status text
	After      int
	Times      int
	Route      string
	Processed  bool
}

// Gate is what the Forge fakes (this package and warmforgetest) share: it
// checks the Authorization header, counts the requests by route, and gives
// the faults it is told to. It is safe for concurrent use.
type Gate struct {
	mu     sync.Mutex
	auth   string
	faults []*Fault
	calls  map[string]int
	log    []string
}

// NewGate returns a gate that lets through the requests whose
// Authorization header is exactly auth.
func NewGate(auth string) *Gate { return &Gate{auth: auth, calls: map[string]int{}} }

// Fail adds f; the faults apply in the order added.
func (g *Gate) Fail(f Fault) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ff := f
	g.faults = append(g.faults, &ff)
}

// Clear removes every fault.
func (g *Gate) Clear() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = nil
}

// Calls returns how many requests of route ("POST /domains", with the
// path's IDs as the fake names them, e.g. "PUT /domains/{id}/dns") were
// let through to the fake.
func (g *Gate) Calls(route string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[route]
}

// Log returns the routes of every request let through, in order.
func (g *Gate) Log() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.log...)
}

// WriteError answers status with the Forge products' error body,
// {"message": msg}.
func WriteError(w http.ResponseWriter, status int, msg string) {
	if msg == "" {
		msg = strings.ToLower(http.StatusText(status))
	}
	WriteJSON(w, status, map[string]string{"message": msg})
}

// WriteJSON answers status with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Wrap returns h behind the gate: a request without the Authorization
// header answers 401, any other value 403, and a fault due answers its
// status. route names a request for the counts and the faults.
func (g *Gate) Wrap(route func(*http.Request) string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch got := r.Header.Get("Authorization"); {
		case got == "":
			WriteError(w, http.StatusUnauthorized, "missing api key")
			return
		case got != g.auth:
			WriteError(w, http.StatusForbidden, "invalid api key")
			return
		}
		rt := route(r)
		f := g.due(rt)
		if f != nil && !f.Processed {
			writeFault(w, f)
			return
		}
		g.mu.Lock()
		g.calls[rt]++
		g.log = append(g.log, rt)
		g.mu.Unlock()
		if f == nil {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		writeFault(w, f)
	})
}

// due returns the fault that applies to a request of route, if any, and
// counts the request against the faults.
func (g *Gate) due(route string) *Fault {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, f := range g.faults {
		if f.Route != "" && !strings.HasPrefix(route, f.Route) {
			continue
		}
		if f.After > 0 {
			f.After--
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				g.faults = append(g.faults[:i:i], g.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}

func writeFault(w http.ResponseWriter, f *Fault) {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter/time.Second)))
	}
	WriteError(w, f.Status, f.Message)
}
