package webhook_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/invalid"
)

func TestTokenVerifier(t *testing.T) {
	t.Parallel()
	const tok, old = "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0", "tok_old"
	for _, tc := range []struct {
		name string
		cfg  webhook.TokenConfig
		url  string
		hdr  map[string]string
		ok   bool
	}{
		{"secret header", webhook.TokenConfig{Header: "X-Vapi-Secret", Tokens: []string{tok}}, "/h",
			map[string]string{"X-Vapi-Secret": tok}, true},
		{"secret header, wrong", webhook.TokenConfig{Header: "X-Vapi-Secret", Tokens: []string{tok}}, "/h",
			map[string]string{"X-Vapi-Secret": tok + "x"}, false},
		{"secret header, a prefix of the token", webhook.TokenConfig{Header: "X-Vapi-Secret", Tokens: []string{tok}}, "/h",
			map[string]string{"X-Vapi-Secret": tok[:10]}, false},
		{"secret header, missing", webhook.TokenConfig{Header: "X-Vapi-Secret", Tokens: []string{tok}}, "/h",
			nil, false},
		{"secret header in the query does not count", webhook.TokenConfig{Header: "X-Vapi-Secret", Tokens: []string{tok}}, "/h?X-Vapi-Secret=" + tok,
			nil, false},
		{"bearer", webhook.TokenConfig{Header: "Authorization", Prefix: "Bearer ", Tokens: []string{tok}}, "/h",
			map[string]string{"Authorization": "Bearer " + tok}, true},
		{"bearer, scheme in another case", webhook.TokenConfig{Header: "Authorization", Prefix: "Bearer ", Tokens: []string{tok}}, "/h",
			map[string]string{"Authorization": "bearer " + tok}, true},
		{"bearer, no scheme", webhook.TokenConfig{Header: "Authorization", Prefix: "Bearer ", Tokens: []string{tok}}, "/h",
			map[string]string{"Authorization": tok}, false},
		{"bearer, short header", webhook.TokenConfig{Header: "Authorization", Prefix: "Bearer ", Tokens: []string{tok}}, "/h",
			map[string]string{"Authorization": "Bear"}, false},
		{"query", webhook.TokenConfig{Query: "token", Tokens: []string{tok}}, "/h?token=" + tok, nil, true},
		{"query, wrong", webhook.TokenConfig{Query: "token", Tokens: []string{tok}}, "/h?token=nope", nil, false},
		{"query, missing", webhook.TokenConfig{Query: "token", Tokens: []string{tok}}, "/h", nil, false},
		{"rotation: old token still accepted", webhook.TokenConfig{Query: "token", Tokens: []string{tok, old}}, "/h?token=" + old, nil, true},
		{"rotation done", webhook.TokenConfig{Query: "token", Tokens: []string{tok}}, "/h?token=" + old, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := webhook.NewTokenVerifier(tc.cfg)
			require.NoError(t, err)
			r := httptest.NewRequest(http.MethodPost, tc.url, nil)
			for k, val := range tc.hdr {
				r.Header.Set(k, val)
			}
			err = v.Verify(r, nil)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, webhook.ErrSignature)
			require.NotContains(t, err.Error(), tok)
		})
	}
}

func TestNewTokenVerifierConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field string
		cfg   webhook.TokenConfig
	}{
		{"Header", webhook.TokenConfig{Tokens: []string{"t"}}},
		{"Header", webhook.TokenConfig{Header: "X-Secret", Query: "token", Tokens: []string{"t"}}},
		{"Prefix", webhook.TokenConfig{Query: "token", Prefix: "Bearer ", Tokens: []string{"t"}}},
		{"Tokens", webhook.TokenConfig{Query: "token"}},
		{"Tokens[0]", webhook.TokenConfig{Query: "token", Tokens: []string{""}}},
	} {
		_, err := webhook.NewTokenVerifier(tc.cfg)
		var fe *invalid.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, tc.field, fe.Field)
	}
}
