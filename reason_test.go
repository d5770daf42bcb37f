package outbound_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
)

// reasonConst is one constant of type Reason as reason.go declares it.
type reasonConst struct {
	name, value, doc string
}

// declaredReasons reads the Reason constants of reason.go, with the
// comment on each.
func declaredReasons(t *testing.T) []reasonConst {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "reason.go", nil, parser.ParseComments)
	require.NoError(t, err)
	var out []reasonConst
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Reason" {
				continue
			}
			require.Len(t, vs.Names, 1)
			require.Len(t, vs.Values, 1, "%s has one value", vs.Names[0].Name)
			lit, ok := vs.Values[0].(*ast.BasicLit)
			require.True(t, ok, "%s is a string literal", vs.Names[0].Name)
			v, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			c := reasonConst{name: vs.Names[0].Name, value: v}
			if vs.Comment != nil {
				c.doc = vs.Comment.Text()
			}
			if vs.Doc != nil {
				c.doc += vs.Doc.Text()
			}
			out = append(out, c)
		}
	}
	return out
}

func TestReasonVocabulary(t *testing.T) {
	t.Parallel()
	snake := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	records := []string{"Touch", "Enrollment", "Client", "Resource", "Suppression"}
	consts := declaredReasons(t)
	require.NotEmpty(t, consts)
	seen := map[string]string{}
	var values []outbound.Reason
	for _, c := range consts {
		require.NotEmpty(t, c.value, c.name)
		require.Regexp(t, snake, c.value, "%s is snake_case", c.name)
		require.True(t, strings.HasPrefix(c.name, "Reason"), "%s starts with Reason", c.name)
		if other, dup := seen[c.value]; dup {
			t.Fatalf("%s and %s are both %q", other, c.name, c.value)
		}
		seen[c.value] = c.name
		require.NotEmpty(t, strings.TrimSpace(c.doc), "%s is documented", c.name)
		named := false
		for _, r := range records {
			named = named || strings.Contains(c.doc, r)
		}
		require.True(t, named, "%s's comment names the records it appears on: %q", c.name, c.doc)
		values = append(values, outbound.Reason(c.value))
	}
	require.Equal(t, values, outbound.Reasons(), "Reasons lists every constant, in order")
}

func TestReasonBuilders(t *testing.T) {
	t.Parallel()
	r := outbound.ReasonSendFailed.WithDetail("550 no such user")
	require.Equal(t, outbound.Reason("send_failed: 550 no such user"), r)
	require.Equal(t, outbound.ReasonSendFailed, r.Code())
	require.Equal(t, "550 no such user", r.Detail())
	r = outbound.ReasonUnreconciled.WithDetail("post: timeout")
	require.Equal(t, outbound.ReasonUnreconciled, r.Code(), "the detail starts at the first colon")
	require.Equal(t, "post: timeout", r.Detail())
	require.Equal(t, outbound.ReasonRetriesExhausted, outbound.ReasonRetriesExhausted.WithDetail(""))
	require.Equal(t, outbound.ReasonGated, outbound.ReasonGated.Code())
	require.Empty(t, outbound.ReasonGated.Detail())

	fb := outbound.FallbackReason(outbound.ReasonDNCRRegistered)
	require.Equal(t, outbound.Reason("fallback:dncr_registered"), fb)
	why, ok := fb.Fallback()
	require.True(t, ok)
	require.Equal(t, outbound.ReasonDNCRRegistered, why)
	_, ok = outbound.ReasonDNCRRegistered.Fallback()
	require.False(t, ok)

	skip := outbound.SkipReason(outbound.ReasonNoAddress, outbound.ReasonGated)
	require.Equal(t, outbound.Reason("no_address;gated"), skip)
	step, fallback := skip.Split()
	require.Equal(t, outbound.ReasonNoAddress, step)
	require.Equal(t, outbound.ReasonGated, fallback)
	require.Equal(t, outbound.ReasonGated, outbound.SkipReason(outbound.ReasonGated, ""))
	step, fallback = outbound.ReasonGated.Split()
	require.Equal(t, outbound.ReasonGated, step)
	require.Empty(t, fallback)
}

// The reasons the engine takes from other types' values are the constants'.
func TestReasonsFromStates(t *testing.T) {
	t.Parallel()
	require.Equal(t, outbound.ReasonCampaignPaused, outbound.CampaignReason(outbound.CampaignPaused))
	require.Equal(t, outbound.ReasonCampaignStopped, outbound.CampaignReason(outbound.CampaignStopped))
	require.Equal(t, outbound.ReasonCompleted, outbound.Reason(outbound.EnrollmentCompleted))
	require.Equal(t, outbound.ReasonStopped, outbound.Reason(outbound.EnrollmentStopped))
	require.Equal(t, outbound.ReasonLinkedInRestricted, outbound.Reason(outbound.ProvisioningLinkedInRestricted))
	require.Equal(t, outbound.ReasonLinkedInDisconnected, outbound.Reason(outbound.ProvisioningLinkedInDisconnected))
	require.Equal(t, outbound.ReasonMailboxDisconnected, outbound.Reason(outbound.ProvisioningMailboxDisconnected))
}
