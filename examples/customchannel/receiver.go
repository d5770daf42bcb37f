package main

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Receiver is the far end of a hook: what a host's own service would run.
// It checks each request's signature, takes a message once per
// Idempotency-Key and answers with the message's ID. Its next answers can
// be scripted, so tests can make it fail as a provider would. It is safe
// for concurrent use.
type Receiver struct {
	Secret string
	Now    func() time.Time

	mu      sync.Mutex
	script  []answer
	byKey   map[string]string // Idempotency-Key → message ID
	bodies  []hookMessage
	release chan struct{} // closed by Close: hanging requests end
}

// answer is a scripted reply: a status, a Retry-After, or a hang.
type answer struct {
	status     int
	retryAfter time.Duration
	code       string
	hang       bool
}

// tolerance is how old a signature the receiver accepts.
const tolerance = 5 * time.Minute

// Next scripts the receiver's next answer: status (with Retry-After for
// 429, code "opted_out" for 410), or with hang set no answer until the
// request gives up.
func (r *Receiver) Next(status int, retryAfter time.Duration, hang bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := answer{status: status, retryAfter: retryAfter, hang: hang}
	if status == http.StatusGone {
		a.code = "opted_out"
	}
	r.script = append(r.script, a)
}

// Delivered is how many messages the receiver took under key: 0 or 1.
func (r *Receiver) Delivered(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byKey[key]; ok {
		return 1
	}
	return 0
}

// Count is how many messages the receiver took.
func (r *Receiver) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := readAll(w, req)
	if err != nil {
		reply(w, http.StatusBadRequest, hookAnswer{Error: "unreadable body"})
		return
	}
	if !r.verify(req.Header.Get(SignatureHeader), body) {
		reply(w, http.StatusUnauthorized, hookAnswer{Error: "bad signature"})
		return
	}
	key := req.Header.Get("Idempotency-Key")
	var m hookMessage
	if err := json.Unmarshal(body, &m); err != nil || key == "" || m.ID != key {
		reply(w, http.StatusBadRequest, hookAnswer{Error: "want a JSON message whose id is the Idempotency-Key"})
		return
	}
	r.mu.Lock()
	if id, ok := r.byKey[key]; ok {
		r.mu.Unlock()
		reply(w, http.StatusOK, hookAnswer{ID: id})
		return
	}
	var a answer
	if len(r.script) > 0 {
		a, r.script = r.script[0], r.script[1:]
	}
	if a.hang {
		release := r.releaseLocked()
		r.mu.Unlock()
		select {
		case <-req.Context().Done():
		case <-release:
		}
		return
	}
	if a.status != 0 {
		r.mu.Unlock()
		if a.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(a.retryAfter/time.Second)))
		}
		reply(w, a.status, hookAnswer{Error: http.StatusText(a.status), Code: a.code})
		return
	}
	if r.byKey == nil {
		r.byKey = map[string]string{}
	}
	id := "msg_" + strconv.Itoa(len(r.bodies)+1)
	r.byKey[key] = id
	r.bodies = append(r.bodies, m)
	r.mu.Unlock()
	reply(w, http.StatusCreated, hookAnswer{ID: id})
}

// Close ends every request the receiver holds.
func (r *Receiver) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	close(r.releaseLocked())
	r.release = nil
}

func (r *Receiver) releaseLocked() chan struct{} {
	if r.release == nil {
		r.release = make(chan struct{})
	}
	return r.release
}

// verify checks a "t=<unix>,v1=<hex>" signature of body: the right secret,
// signed within the tolerance.
func (r *Receiver) verify(sig string, body []byte) bool {
	var ts string
	for _, part := range strings.Split(sig, ",") {
		if v, ok := strings.CutPrefix(part, "t="); ok {
			ts = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	at := time.Unix(unix, 0)
	if d := r.Now().Sub(at); d > tolerance || d < -tolerance {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(Sign(r.Secret, at, body)))
}

func readAll(w http.ResponseWriter, req *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
}

func reply(w http.ResponseWriter, status int, a hookAnswer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(a)
}
