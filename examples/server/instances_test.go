package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/twilio/twiliotest"
	"github.com/outbound-go/outbound/internal/pgtest"
)

// pgSchemaURL creates a fresh schema, dropped when t ends, and returns the
// database URL whose connections use it. It skips t when no server
// answers (and fails it under CI).
func pgSchemaURL(t testing.TB) string {
	t.Helper()
	schema := pgtest.NewSchema(t)
	u, err := url.Parse(pgtest.URL())
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// instance is a server running as an OS process.
type instance struct {
	cmd  *exec.Cmd
	url  string
	exit chan error
}

// launch runs the server binary with env and waits until it serves.
func launch(t *testing.T, bin string, env []string) *instance {
	t.Helper()
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	in := &instance{cmd: cmd, exit: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
				addr <- line.Addr
			}
		}
	}()
	go func() { in.exit <- cmd.Wait() }()
	select {
	case a := <-addr:
		in.url = "http://" + a
	case err := <-in.exit:
		t.Fatalf("the server exited before serving: %v", err)
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the server did not start")
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	return in
}

// stop sends SIGTERM and wants a clean exit.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, in.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-in.exit:
		require.NoError(t, err, "a graceful stop exits 0")
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not stop")
	}
}

// leads reports whether the instance's /metrics says it leads.
func (in *instance) leads(t *testing.T) bool {
	code, body := get(t, in.url+"/metrics")
	require.Equal(t, http.StatusOK, code)
	return strings.Contains(body, "\noutbound_leader 1\n")
}

// Two server processes on one PostgreSQL: a webhook delivered to both is
// applied once; exactly one leads, and when it stops the other takes over.
func TestTwoInstancesOnePostgres(t *testing.T) {
	t.Parallel()
	dbURL := pgSchemaURL(t)
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	env := []string{"DATABASE_URL=" + dbURL, "OUTBOUND_PUBLIC_URL=https://hooks.example.com", "TWILIO_AUTH_TOKEN=tw_token",
		"OUTBOUND_ADMIN_TOKEN=" + adminTok}
	a := launch(t, bin, env)
	b := launch(t, bin, env)

	signer := twiliotest.NewServer(twiliotest.Config{AuthToken: "tw_token"})
	defer signer.Close()
	const n = 12
	for i := range n {
		form := url.Values{"MessageSid": {fmt.Sprintf("SM%032d", i)}, "AccountSid": {"AC" + strings.Repeat("0", 32)},
			"From": {fmt.Sprintf("+614123%05d", i)}, "To": {"+61400000001"}, "Body": {"STOP"}, "SmsStatus": {"received"}}
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
			"X-Twilio-Signature": {signer.Sign("https://hooks.example.com/webhooks/twilio/sms", form)}}
		first, second := a, b
		if i%2 == 1 {
			first, second = b, a
		}
		for _, in := range []*instance{first, second} { // delivered, then redelivered to the other
			s := &started{url: in.url}
			require.Equal(t, http.StatusOK, s.post(t, "/webhooks/twilio/sms", []byte(form.Encode()), h))
		}
	}
	admin := client{t, a.url, adminTok}
	code, body := admin.get("/api/v1/suppressions?limit=500")
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, items(body), n, "each opt-out kept once, whichever instance took it")

	var leader, other *instance
	require.Eventually(t, func() bool {
		la, lb := a.leads(t), b.leads(t)
		switch {
		case la && !lb:
			leader, other = a, b
			return true
		case lb && !la:
			leader, other = b, a
			return true
		}
		return false
	}, 30*time.Second, 100*time.Millisecond, "exactly one instance leads")
	leader.stop(t)
	require.Eventually(t, func() bool { return other.leads(t) }, 60*time.Second, 200*time.Millisecond, "the other takes over")
	other.stop(t)
}
