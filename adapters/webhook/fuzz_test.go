package webhook

import (
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzParseSignatureHeader feeds the combined signature header parser
// anything: it never panics, what it accepts has a timestamp and between one
// and maxSignatures SHA-256-sized signatures, and rendering that back parses
// to the same thing. The verifier built on it answers nil or ErrSignature,
// nothing else.
func FuzzParseSignatureHeader(f *testing.F) {
	sig := strings.Repeat("ab", 32)
	for _, s := range []string{
		"t=1767225600,v1=" + sig,
		"t=1767225600,v1=" + sig + ",v0=" + sig,
		" v1=" + sig + " , t=1767225600 ",
		"t=1767225600,v1=zz,v1=" + sig,
		"t=1,t=2,v1=" + sig,
		"t=,v1=",
		"t=1767225600123,v1=" + sig,
		",,,=,t",
		"",
	} {
		f.Add(s)
	}
	v, err := NewHMACVerifier(HMACConfig{Header: "Sig", Secrets: []string{"k"}, Now: func() time.Time { return time.Unix(1767225600, 0) }})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseSignatureHeader(s, "v1")
		if err == nil {
			require.NotEmpty(t, h.timestamp)
			require.NotEmpty(t, h.signatures)
			require.LessOrEqual(t, len(h.signatures), maxSignatures)
			parts := []string{"t=" + h.timestamp}
			for _, sg := range h.signatures {
				require.Len(t, sg, 32)
				parts = append(parts, "v1="+hex.EncodeToString(sg))
			}
			again, err := parseSignatureHeader(strings.Join(parts, ","), "v1")
			require.NoError(t, err)
			require.Equal(t, h, again)
		}

		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header["Sig"] = []string{s}
		if err := v.Verify(r, []byte("{}")); err != nil {
			require.True(t, errors.Is(err, ErrSignature), err)
		}
	})
}
