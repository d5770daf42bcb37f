package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromium finds Debian's chromium (or another Chrome); it skips t
// without one, and fails it under CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium for the browser tests (scripts/test installs Debian's chromium)")
	}
	t.Skip("no chromium for the browser tests: apt-get install chromium")
	return ""
}

// browse returns a headless browser's context, ended with t.
func browse(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("headless", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancel(); cancelAlloc() })
	return ctx
}

// text reads the text of the element sel selects.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err, sel)
	return v
}

// In a real browser: the admin logs in, sees the pool and the domains,
// pauses a domain and resumes it with the page's buttons; a client logs
// in, sees only its own campaigns and schedule, and uploads a lead file
// whose refused rows the page lists by line.
func TestDashboardsInABrowser(t *testing.T) {
	t.Parallel()
	s, _ := startAPI(t)
	ctx := browse(t)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.url+"/"),
		chromedp.WaitVisible(css("#token")),
		chromedp.SendKeys(css("#token"), adminTok),
		chromedp.Submit(css("#token")),
		chromedp.WaitVisible(css("#domains")),
	))
	body := text(t, ctx, "main")
	require.Contains(t, body, "Agency")
	require.Contains(t, body, "Acme")
	require.Contains(t, body, "Brio")
	rects, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg rect").length`))
	require.NoError(t, err)
	require.Positive(t, rects, "the pool's chart is drawn")

	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(css("#domains tr[data-domain]"), "data-domain"))
	require.NoError(t, err)
	domain := attr.Value
	row := `#domains tr[data-domain="` + domain + `"]`
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(css(row+" button")), chromedp.WaitVisible(css(row+" .bad"))))
	body = text(t, ctx, row)
	require.Contains(t, body, "paused", "the domain shows paused")
	require.Contains(t, body, "Resume")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(css(row+" button")), chromedp.WaitNotPresent(css(row+" .bad"))))
	require.NotContains(t, text(t, ctx, row), "paused", "resumed")

	// Log out, and in as Brio.
	file := filepath.Join(t.TempDir(), "leads.csv")
	require.NoError(t, os.WriteFile(file, []byte("email,first_name,company,country,region,score\n"+
		"gil@brio-leads.example,Gil,Gil Co,AU,NSW,80\nnot-an-email,Hal,Hal Co,AU,NSW,80\n"), 0o600))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(css("header button")),
		chromedp.WaitVisible(css("#token")),
		chromedp.SendKeys(css("#token"), bTok),
		chromedp.Submit(css("#token")),
		chromedp.WaitVisible(css("#campaigns")),
	))
	body = text(t, ctx, "main")
	require.Contains(t, body, "Brio")
	require.Contains(t, body, "Q1")
	require.NotContains(t, body, "Acme", "only its own")
	require.Contains(t, body, "Next touches")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetUploadFiles(css("#file"), []string{file}),
		chromedp.Click(css(`form[action="/client/leads"] button`)),
		chromedp.WaitVisible(css("#import-result")),
	))
	body = text(t, ctx, "#import-result")
	require.Contains(t, body, "1 enrolled")
	require.Contains(t, body, "1 refused")
	require.Contains(t, text(t, ctx, "#rejected"), "not-an-email", "the refused row by line and field")
	require.True(t, strings.Contains(text(t, ctx, "#rejected"), "email"))
	require.Contains(t, text(t, ctx, "#lead-list"), "Gil (Gil Co)", "the lead just imported, listed with its status")
	require.Contains(t, text(t, ctx, "#replies"), "interested", "its lead's reply, with its class")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(css("#sends"))), "the sends chart is drawn")
}
