package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/invalid"
)

// 2026-01-01T00:00:00Z
var signedAt = time.Unix(1767225600, 0)

const knownBody = `{"id":"evt_1"}`

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func sign(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + body))
	return hex.EncodeToString(m.Sum(nil))
}

func post(headers map[string]string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://hooks.example.com/x?token=abc", strings.NewReader(knownBody))
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

func stripeLike(t *testing.T, secrets ...string) *webhook.HMACVerifier {
	t.Helper()
	v, err := webhook.NewHMACVerifier(webhook.HMACConfig{Header: "Stripe-Signature", Secrets: secrets, Now: at(signedAt)})
	require.NoError(t, err)
	return v
}

// Known answers, computed apart from this package (Python's hmac module).
func TestHMACVerifierKnownAnswers(t *testing.T) {
	t.Parallel()
	v := stripeLike(t, "whsec_test")
	r := post(map[string]string{"Stripe-Signature": "t=1767225600,v1=45b40331de0325606dc5400202ade162460fbe48daf9401adfdcd0d7b4f35470"})
	require.NoError(t, v.Verify(r, []byte(knownBody)))

	lob, err := webhook.NewHMACVerifier(webhook.HMACConfig{
		Header: "Lob-Signature", TimestampHeader: "Lob-Signature-Timestamp", Secrets: []string{"lob_secret"}, Now: at(signedAt),
	})
	require.NoError(t, err)
	r = post(map[string]string{
		"Lob-Signature":           "d11f61830c91151b591216a269ba353374b5d7102bca69c46e6731a139140f3d",
		"Lob-Signature-Timestamp": "1767225600123", // milliseconds
	})
	require.NoError(t, lob.Verify(r, []byte(knownBody)))
}

func TestHMACVerifierCombinedForm(t *testing.T) {
	t.Parallel()
	ts := strconv.FormatInt(signedAt.Unix(), 10)
	good := sign("whsec_new", ts, knownBody)
	old := sign("whsec_old", ts, knownBody)
	wrong := sign("whsec_other", ts, knownBody)
	for _, tc := range []struct {
		name    string
		header  string // "" for none
		secrets []string
		now     time.Time
		want    error // nil, ErrSignature or ErrStale
	}{
		{"valid", "t=" + ts + ",v1=" + good, []string{"whsec_new"}, signedAt, nil},
		{"pairs in any order, spaces", " v1=" + good + " , t=" + ts, []string{"whsec_new"}, signedAt, nil},
		{"one of several v1 matches", "t=" + ts + ",v1=" + wrong + ",v1=" + good, []string{"whsec_new"}, signedAt, nil},
		{"v0 is not v1", "t=" + ts + ",v0=" + good, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"rotation: old secret still accepted", "t=" + ts + ",v1=" + old, []string{"whsec_new", "whsec_old"}, signedAt, nil},
		{"rotation done: old secret refused", "t=" + ts + ",v1=" + old, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"wrong secret", "t=" + ts + ",v1=" + wrong, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"upper-case hex", "t=" + ts + ",v1=" + strings.ToUpper(good), []string{"whsec_new"}, signedAt, nil},
		{"timestamp not the one signed", "t=" + strconv.FormatInt(signedAt.Unix()+1, 10) + ",v1=" + good, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"no header", "", []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"no timestamp", "v1=" + good, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"two timestamps", "t=" + ts + ",t=" + ts + ",v1=" + good, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"no signature", "t=" + ts, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"signature not hex", "t=" + ts + ",v1=" + strings.Repeat("z", 64), []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"signature truncated", "t=" + ts + ",v1=" + good[:62], []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"timestamp not a number", "t=soon,v1=" + good, []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"timestamp negative", "t=-5,v1=" + sign("whsec_new", "-5", knownBody), []string{"whsec_new"}, signedAt, webhook.ErrSignature},
		{"just within tolerance", "t=" + ts + ",v1=" + good, []string{"whsec_new"}, signedAt.Add(webhook.DefaultTolerance), nil},
		{"stale", "t=" + ts + ",v1=" + good, []string{"whsec_new"}, signedAt.Add(webhook.DefaultTolerance + time.Second), webhook.ErrStale},
		{"from the future", "t=" + ts + ",v1=" + good, []string{"whsec_new"}, signedAt.Add(-webhook.DefaultTolerance - time.Second), webhook.ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := webhook.NewHMACVerifier(webhook.HMACConfig{Header: "Stripe-Signature", Secrets: tc.secrets, Now: at(tc.now)})
			require.NoError(t, err)
			h := map[string]string{}
			if tc.header != "" {
				h["Stripe-Signature"] = tc.header
			}
			err = v.Verify(post(h), []byte(knownBody))
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorIs(t, err, webhook.ErrSignature)
			require.NotContains(t, err.Error(), "whsec_")
			if tc.want != webhook.ErrStale {
				require.NotErrorIs(t, err, webhook.ErrStale, "a bad signature is not reported as stale")
			}
		})
	}
}

func TestHMACVerifierBodyIsSigned(t *testing.T) {
	t.Parallel()
	v := stripeLike(t, "whsec_test")
	ts := strconv.FormatInt(signedAt.Unix(), 10)
	r := post(map[string]string{"Stripe-Signature": "t=" + ts + ",v1=" + sign("whsec_test", ts, knownBody)})
	require.NoError(t, v.Verify(r, []byte(knownBody)))
	require.ErrorIs(t, v.Verify(r, []byte(`{"id":"evt_2"}`)), webhook.ErrSignature)
	require.ErrorIs(t, v.Verify(r, nil), webhook.ErrSignature)
}

func TestHMACVerifierSeparateHeaders(t *testing.T) {
	t.Parallel()
	sec := strconv.FormatInt(signedAt.Unix(), 10)
	ms := strconv.FormatInt(signedAt.UnixMilli(), 10)
	for _, tc := range []struct {
		name      string
		prefix    string
		sig, ts   string
		tolerance time.Duration
		now       time.Time
		want      error
	}{
		{"seconds", "", sign("s", sec, knownBody), sec, 0, signedAt, nil},
		{"milliseconds", "", sign("s", ms, knownBody), ms, 0, signedAt, nil},
		{"milliseconds, stale", "", sign("s", ms, knownBody), ms, 0, signedAt.Add(6 * time.Minute), webhook.ErrStale},
		{"with prefix", "sha256=", "sha256=" + sign("s", sec, knownBody), sec, 0, signedAt, nil},
		{"prefix missing is still hex", "sha256=", sign("s", sec, knownBody), sec, 0, signedAt, nil},
		{"no timestamp header", "", sign("s", sec, knownBody), "", 0, signedAt, webhook.ErrSignature},
		{"signature not hex", "", "not-hex", sec, 0, signedAt, webhook.ErrSignature},
		{"signature of the wrong size", "", sign("s", sec, knownBody)[:40], sec, 0, signedAt, webhook.ErrSignature},
		{"timestamp header not what was signed", "", sign("s", sec, knownBody), ms, 0, signedAt, webhook.ErrSignature},
		{"a wider tolerance", "", sign("s", sec, knownBody), sec, time.Hour, signedAt.Add(59 * time.Minute), nil},
		{"a narrower tolerance", "", sign("s", sec, knownBody), sec, time.Minute, signedAt.Add(61 * time.Second), webhook.ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := webhook.NewHMACVerifier(webhook.HMACConfig{
				Header: "X-Signature", TimestampHeader: "X-Timestamp", Prefix: tc.prefix,
				Secrets: []string{"s"}, Tolerance: tc.tolerance, Now: at(tc.now),
			})
			require.NoError(t, err)
			h := map[string]string{"X-Signature": tc.sig}
			if tc.ts != "" {
				h["X-Timestamp"] = tc.ts
			}
			err = v.Verify(post(h), []byte(knownBody))
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}
}

func TestNewHMACVerifierConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field string
		cfg   webhook.HMACConfig
	}{
		{"Header", webhook.HMACConfig{Secrets: []string{"s"}}},
		{"Secrets", webhook.HMACConfig{Header: "X-Signature"}},
		{"Secrets[1]", webhook.HMACConfig{Header: "X-Signature", Secrets: []string{"s", ""}}},
		{"Tolerance", webhook.HMACConfig{Header: "X-Signature", Secrets: []string{"s"}, Tolerance: -time.Second}},
	} {
		_, err := webhook.NewHMACVerifier(tc.cfg)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tc.field, fe.Field)
		require.NotContains(t, err.Error(), `"s"`, "a secret is never shown")
	}
}

// The body-only scheme (Stannp, Cal.com): the hex HMAC of the body under
// any secret passes, with or without "sha256=" and in either case;
// anything else is a bad signature.
func TestBodyHMACVerifier(t *testing.T) {
	t.Parallel()
	v, err := webhook.NewBodyHMACVerifier("calcom", "X-Cal-Signature-256", "old", "new")
	require.NoError(t, err)
	body := []byte(`{"triggerEvent":"BOOKING_CREATED"}`)
	req := func(sig string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if sig != "" {
			r.Header.Set("X-Cal-Signature-256", sig)
		}
		return r
	}
	for _, sig := range []string{webhook.SignBody("new", body), webhook.SignBody("old", body),
		"sha256=" + webhook.SignBody("new", body), strings.ToUpper(webhook.SignBody("new", body))} {
		require.NoError(t, v.Verify(req(sig), body), sig)
	}
	for _, sig := range []string{"", "no-secret-provided", webhook.SignBody("other", body), webhook.SignBody("new", append(body, ' '))} {
		require.ErrorIs(t, v.Verify(req(sig), body), webhook.ErrSignature, sig)
	}
	_, err = webhook.NewBodyHMACVerifier("calcom", "X-Cal-Signature-256")
	require.ErrorContains(t, err, "secrets")
	_, err = webhook.NewBodyHMACVerifier("calcom", "X-Cal-Signature-256", "a", "")
	require.ErrorContains(t, err, "secrets[1]")
	_, err = webhook.NewBodyHMACVerifier("calcom", "", "a")
	require.ErrorContains(t, err, "header")
}
