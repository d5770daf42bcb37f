package twilio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/adapters/webhook"
	"github.com/outbound-go/outbound/channel"
)

// RecordingStore keeps call recordings (VO-003). The default is [DirStore],
// a directory; a host keeps them in S3-compatible storage behind the same
// seam.
type RecordingStore interface {
	// Put stores the recording under key (a relative path such as
	// "CA…/RE….mp3") and returns where it is, for the touch's event. A
	// Put again of the same key replaces the file with the same bytes.
	Put(ctx context.Context, key, contentType string, r io.Reader) (location string, err error)
}

// DirStore keeps recordings as files under Dir.
type DirStore struct{ Dir string }

var _ RecordingStore = DirStore{}

// Put implements RecordingStore: it writes to a temporary file and renames
// it, so a reader never sees half a recording. The location is the file's
// path.
func (s DirStore) Put(ctx context.Context, key, _ string, r io.Reader) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if s.Dir == "" {
		return "", errors.New("twilio: DirStore: no Dir")
	}
	clean := filepath.Clean(filepath.FromSlash(key))
	if key == "" || filepath.IsAbs(clean) || clean == "." || strings.HasPrefix(clean, "..") {
		return "", fmt.Errorf("twilio: DirStore: key %q is not a relative path", key)
	}
	path := filepath.Join(s.Dir, clean)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("twilio: DirStore: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".rec-*")
	if err != nil {
		return "", fmt.Errorf("twilio: DirStore: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := io.Copy(tmp, r); err != nil {
		_ = tmp.Close()
		return "", fmt.Errorf("twilio: DirStore: writing %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("twilio: DirStore: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("twilio: DirStore: %w", err)
	}
	return path, nil
}

// maxRecording bounds a recording fetched: an hour of mono MP3 at 32
// kbit/s is about 15 MB.
const maxRecording = 64 << 20

// sidPattern is what a Twilio SID looks like (two letters, 32 hex digits).
var sidPattern = regexp.MustCompile(`^[A-Z]{2}[0-9a-fA-F]{32}$`)

// Recordings decodes the recording status callback: a completed recording
// is fetched from Twilio (its RecordingUrl with ".mp3", under the
// account's credentials) into Store, as "{CallSid}/{RecordingSid}.mp3",
// and becomes a call_recorded event of the call (ProviderMessageID the
// CallSid) whose Metadata holds where it is ("recording"), its SID and
// its length in seconds. A recording that failed or is absent decodes to
// none. A fetch that fails is an error of the decoder: the handler
// answers 500 and nothing is recorded, so a delivery again (Twilio's
// connection overrides, "#rc=…&rp=…" on the callback URL, ask for them)
// fetches again.
type Recordings struct {
	// Client fetches the recordings. Required.
	Client *Client
	// Store keeps them. Required.
	Store RecordingStore
	// Timeout bounds a fetch and its store. Default 2 minutes.
	Timeout time.Duration
}

var _ webhook.Decoder = (*Recordings)(nil)

// Decode implements webhook.Decoder.
func (d *Recordings) Decode(h http.Header, body []byte) ([]outbound.Inbound, error) {
	f, err := form(body)
	if err != nil {
		return nil, err
	}
	rec, call := f.Get("RecordingSid"), f.Get("CallSid")
	if !sidPattern.MatchString(rec) || !sidPattern.MatchString(call) {
		return nil, fmt.Errorf("%w: twilio: a recording callback without its RecordingSid and CallSid", webhook.ErrPayload)
	}
	if f.Get("RecordingStatus") != "completed" {
		return nil, nil
	}
	if d.Client == nil || d.Store == nil {
		return nil, errors.New("twilio: Recordings needs a Client and a Store")
	}
	src := f.Get("RecordingUrl")
	if src == "" {
		src = d.Client.resourceURL("Recordings/" + rec)
	}
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	audio, err := d.Client.FetchRecording(ctx, src)
	if err != nil {
		return nil, err
	}
	loc, err := d.Store.Put(ctx, call+"/"+rec+".mp3", "audio/mpeg", bytes.NewReader(audio))
	if err != nil {
		return nil, fmt.Errorf("twilio: storing recording %s: %w", rec, err)
	}
	e := &channel.Event{
		Provider: d.Client.cfg.Provider, ProviderEventID: rec, Type: channel.EventCallRecorded, Kind: channel.Voice,
		ProviderMessageID: call, At: d.Client.cfg.Now().UTC(), Detail: "recording " + rec,
		Metadata: map[string]string{"recording": loc, "recording_sid": rec, "duration_s": f.Get("RecordingDuration")},
	}
	if tok := h.Get(IdempotencyHeader); tok != "" {
		e.Metadata["idempotency_token"] = tok
	}
	return []outbound.Inbound{{Message: e}}, nil
}

// resourceURL is the URL of an account's resource (path under
// /2010-04-01/Accounts/{sid}/) at Twilio.
func (c *Client) resourceURL(path string) string {
	return DefaultBaseURL + "/2010-04-01/Accounts/" + c.cfg.AccountSID + "/" + path
}

// FetchRecording returns the MP3 of the recording at recordingURL (a
// recording's URL as Twilio gives it, without extension), under the
// account's credentials, from Config.BaseURL when set.
func (c *Client) FetchRecording(ctx context.Context, recordingURL string) ([]byte, error) {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSuffix(recordingURL, ".json"), ".mp3") + ".mp3")
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: twilio: RecordingUrl %q is not a URL", webhook.ErrPayload, recordingURL)
	}
	if u.Hostname() != "api.twilio.com" && !strings.HasSuffix(u.Hostname(), ".twilio.com") && c.cfg.BaseURL == "" {
		// The credentials go to Twilio only.
		return nil, fmt.Errorf("%w: twilio: RecordingUrl %q is not Twilio's", webhook.ErrPayload, recordingURL)
	}
	c.rebase(u)
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("twilio: fetch recording: %w", err)
	}
	req.SetBasicAuth(c.credentials())
	res, raw, err := adapterkit.Exchange(ctx, c.cfg.HTTPClient, req, c.cfg.Provider, maxRecording, c.cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("twilio: fetch recording: %w", err)
	}
	if res.StatusCode/100 != 2 {
		return nil, fmt.Errorf("twilio: fetch recording: %w", c.classify(res, raw))
	}
	return raw, nil
}
