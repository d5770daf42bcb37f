package main

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound/examples/internal/fakes"
	"github.com/outbound-go/outbound/storage/memory"
)

// Register settings that cannot work are refused at start, naming the
// setting and its value, never the password.
func TestRegisterSettings(t *testing.T) {
	t.Parallel()
	dir, file := t.TempDir(), filepath.Join(t.TempDir(), "us.txt")
	require.NoError(t, os.WriteFile(file, []byte("2125550100\n"), 0o600))
	const password = "s3cret-dncr-password"
	account := map[string]string{"DNCR_TELEMARKETER_ID": "tm-1", "DNCR_WASH_ONLY_USER_ID": "wash-1", "DNCR_PASSWORD": password}
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(account)
		maps.Copy(m, extra)
		maps.DeleteFunc(m, func(_, v string) bool { return v == "" })
		return m
	}
	for _, tt := range []struct {
		name, setting, value string
		env                  map[string]string
	}{
		{"no password", "DNCR_PASSWORD", "", with(map[string]string{"DNCR_PASSWORD": ""})},
		{"no telemarketer", "DNCR_TELEMARKETER_ID", "", with(map[string]string{"DNCR_TELEMARKETER_ID": ""})},
		{"password alone", "DNCR_TELEMARKETER_ID", "", map[string]string{"DNCR_PASSWORD": password}},
		{"no wash user", "DNCR_WASH_ONLY_USER_ID", "", with(map[string]string{"DNCR_WASH_ONLY_USER_ID": ""})},
		{"endpoint", "DNCR_ENDPOINT", "donotcall.gov.au", with(map[string]string{"DNCR_ENDPOINT": "donotcall.gov.au"})},
		{"endpoint without an account", "DNCR_ENDPOINT", "https://dncr.example", map[string]string{"DNCR_ENDPOINT": "https://dncr.example"}},
		{"US directory missing", "OUTBOUND_US_DNC_DIR", dir + "/nope", map[string]string{"OUTBOUND_US_DNC_DIR": dir + "/nope"}},
		{"US directory a file", "OUTBOUND_US_DNC_DIR", file, map[string]string{"OUTBOUND_US_DNC_DIR": file}},
		{"list without a country", "OUTBOUND_DNC_LISTS", dir, map[string]string{"OUTBOUND_DNC_LISTS": dir}},
		{"list of no country", "OUTBOUND_DNC_LISTS", "Britain=" + dir, map[string]string{"OUTBOUND_DNC_LISTS": "Britain=" + dir}},
		{"list's directory missing", "OUTBOUND_DNC_LISTS", "GB=" + dir + "/nope", map[string]string{"OUTBOUND_DNC_LISTS": "GB=" + dir + "/nope"}},
		{"a country twice", "OUTBOUND_DNC_LISTS", "UK=" + dir, map[string]string{"OUTBOUND_DNC_LISTS": "GB=" + dir + ",UK=" + dir}},
		{"a list of AU beside the service", "OUTBOUND_DNC_LISTS", "AU=" + dir, with(map[string]string{"OUTBOUND_DNC_LISTS": "AU=" + dir})},
	} {
		_, err := loadConfig(nil, env(tt.env), io.Discard)
		var ce *configError // a usage error: the server exits 2
		require.ErrorAs(t, err, &ce, tt.name)
		require.Equal(t, [2]string{tt.setting, tt.value}, [2]string{ce.Setting, ce.Value}, tt.name)
		require.NotContains(t, err.Error(), password, tt.name)
	}

	// A file that does not read is refused as the server starts, naming
	// the directory and the line.
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "212.txt"), []byte("2125550100\nnot a number\n"), 0o600))
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, env(map[string]string{"OUTBOUND_US_DNC_DIR": bad}), io.Discard)
	require.NoError(t, err)
	cfg.store = memory.New()
	err = serve(context.Background(), cfg, slog.New(slog.DiscardHandler), nil)
	require.ErrorIs(t, err, errUsage)
	require.ErrorContains(t, err, "OUTBOUND_US_DNC_DIR")
	require.ErrorContains(t, err, "212.txt line 2")
}

// washedLeads starts a server on two seeded clients with extra's
// settings, imports rows (a CSV with a phone column) into client A's
// campaign through the API, and returns each imported lead's dncr field
// by its phone.
func washedLeads(t *testing.T, extra map[string]string, phones ...string) map[string]string {
	t.Helper()
	st := memory.New()
	ten := seedTenants(t, st)
	e := map[string]string{"OUTBOUND_ADMIN_TOKEN": adminTok, "OUTBOUND_CLIENT_TOKENS": tenantTokens(ten)}
	for k, v := range extra {
		e[k] = v
	}
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, env(e), io.Discard)
	require.NoError(t, err)
	s := startOn(t, cfg, st)
	a := client{t, s.url, aTok}
	csv := "email,first_name,company,country,score,phone\n"
	for i, p := range phones {
		csv += "lead" + string(rune('a'+i)) + "@washed.example,Lead,Washed Co,AU,80," + p + "\n"
	}
	code, body := a.do(http.MethodPost, "/api/v1/campaigns/"+ten.campA.String()+"/leads", "text/csv", []byte(csv))
	require.Equal(t, http.StatusOK, code, body)
	require.Empty(t, body["rejected"])
	out := map[string]string{}
	for _, id := range body["enrolled"].([]any) {
		code, lead := a.get("/api/v1/leads/" + id.(string))
		require.Equal(t, http.StatusOK, code, lead)
		out[lead["phone"].(string)] = lead["dncr"].(string)
	}
	require.Len(t, out, len(phones))
	return out
}

// A server given the Australian register's account washes each lead's
// number through the register's service as it is imported: the number
// the register lists is registered, the other clear, and a number of a
// country with no register is not_applicable.
func TestAustralianRegisterWashes(t *testing.T) {
	t.Parallel()
	reg := fakes.StartDNCR(fakes.DNCROptions{Registered: []string{"0412340001"}})
	defer reg.Close()
	got := washedLeads(t, map[string]string{"DNCR_TELEMARKETER_ID": reg.TelemarketerID, "DNCR_WASH_ONLY_USER_ID": reg.WashOnlyUserID,
		"DNCR_PASSWORD": reg.Password, "DNCR_ENDPOINT": reg.URL()}, "+61412340001", "+61412340002", "+447400123456")
	require.Equal(t, map[string]string{"+61412340001": "registered", "+61412340002": "clear", "+447400123456": "not_applicable"}, got)
	require.Equal(t, 2, reg.Charged(), "the Australian numbers, and only they, washed at the register")
}

// A server given the US registry's files and a list of another country
// washes against them: a number a file lists is registered, another of an
// area code the files cover clear, one of an area code they do not cover
// stays unknown; the list's number is registered and another of its
// country clear.
func TestRegisterFiles(t *testing.T) {
	t.Parallel()
	us, gb := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(us, "2026-12"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(us, "2026-12", "212.txt"), []byte("212,5550100\r\n2125550199\r\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(gb, "ours.txt"), []byte("# asked us not to call\n07400 123456\n"), 0o600))
	got := washedLeads(t, map[string]string{"OUTBOUND_US_DNC_DIR": us, "OUTBOUND_DNC_LISTS": "UK=" + gb},
		"+12125550100", "+12125550101", "+13105550100", "+447400123456", "+447400123457")
	require.Equal(t, map[string]string{"+12125550100": "registered", "+12125550101": "clear", "+13105550100": "unknown",
		"+447400123456": "registered", "+447400123457": "clear"}, got)
}
