package webhook

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/outbound-go/outbound/invalid"
)

// DefaultMaxBody is the largest body a [Handler] reads unless
// [Config.MaxBody] says otherwise: 1 MiB.
const DefaultMaxBody int64 = 1 << 20

// Config builds a [Handler]. Verifier, Decoder and Sink are required; the
// rest have defaults.
type Config struct {
	// Name names the provider in logs ("stripe"). Default "webhook".
	Name string
	// Verifier checks each request's signature. Required.
	Verifier Verifier
	// Decoder turns a verified body into events. Required.
	Decoder Decoder
	// Sink records the events. Required.
	Sink Sink
	// MaxBody is the most bytes of body read; a longer body is refused with
	// 413. Default DefaultMaxBody (1 MiB); it must not be negative.
	MaxBody int64
	// Logger receives one record per request: at Info for events accepted,
	// Warn for a request refused, Error when the sink or a verifier or
	// decoder fails. It never receives a body, a header, a secret or the
	// request's URL (which may carry a token). Default: discards.
	Logger *slog.Logger
	// Reply writes the 2xx answer once the sink has recorded accepted
	// events (accepted is 0 when the body held none the engine uses). A
	// provider that reads the answer sets its own (Twilio: an empty TwiML
	// <Response/>). It must write a 2xx status. Default: 200 with
	// {"accepted":N} as JSON.
	Reply func(w http.ResponseWriter, accepted int)
}

// Handler is the http.Handler of one provider's webhook endpoint: it reads
// the body, verifies the signature, decodes and validates the events, hands
// them to the sink and answers. See the package documentation for the
// answers it gives. It is safe for concurrent use.
type Handler struct {
	name     string
	verifier Verifier
	decoder  Decoder
	sink     Sink
	maxBody  int64
	log      *slog.Logger
	reply    func(http.ResponseWriter, int)
}

// NewHandler returns the handler cfg describes, or a *invalid.FieldError
// naming the first missing or bad field of cfg.
func NewHandler(cfg Config) (*Handler, error) {
	bad := func(field string, v any, reason string) error {
		return invalid.Field("webhook", "Config", field, v, reason)
	}
	switch {
	case cfg.Verifier == nil:
		return nil, bad("Verifier", nil, "is required: every webhook is verified before anything is recorded")
	case cfg.Decoder == nil:
		return nil, bad("Decoder", nil, "is required")
	case cfg.Sink == nil:
		return nil, bad("Sink", nil, "is required")
	case cfg.MaxBody < 0:
		return nil, bad("MaxBody", cfg.MaxBody, "must not be negative")
	}
	h := &Handler{
		name: cfg.Name, verifier: cfg.Verifier, decoder: cfg.Decoder, sink: cfg.Sink,
		maxBody: cfg.MaxBody, log: cfg.Logger, reply: cfg.Reply,
	}
	if h.name == "" {
		h.name = "webhook"
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBody
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.reply == nil {
		h.reply = replyJSON
	}
	return h, nil
}

// ServeHTTP handles one delivery. See the package documentation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	log := h.log.With(slog.String("provider", h.name))
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		refuse(w, http.StatusMethodNotAllowed, "only POST")
		log.WarnContext(ctx, "webhook refused", slog.Int("status", http.StatusMethodNotAllowed), slog.String("method", r.Method))
		return
	}
	if r.ContentLength > h.maxBody {
		refuse(w, http.StatusRequestEntityTooLarge, "body too large")
		log.WarnContext(ctx, "webhook refused", slog.Int("status", http.StatusRequestEntityTooLarge), slog.Int64("length", r.ContentLength))
		return
	}
	src := r.Body
	if src == nil { // a server request always has one; a hand-built one may not
		src = http.NoBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, src, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			refuse(w, http.StatusRequestEntityTooLarge, "body too large")
			log.WarnContext(ctx, "webhook refused", slog.Int("status", http.StatusRequestEntityTooLarge), slog.Int64("max", h.maxBody))
			return
		}
		refuse(w, http.StatusBadRequest, "body could not be read")
		log.WarnContext(ctx, "webhook refused", slog.Int("status", http.StatusBadRequest), slog.Any("error", err))
		return
	}

	if err := h.verifier.Verify(r, body); err != nil {
		if errors.Is(err, ErrSignature) {
			refuse(w, http.StatusUnauthorized, "bad signature")
			log.WarnContext(ctx, "webhook refused", slog.Int("status", http.StatusUnauthorized), slog.Any("error", err))
			return
		}
		refuse(w, http.StatusInternalServerError, "verification failed")
		log.ErrorContext(ctx, "webhook verifier failed", slog.Int("status", http.StatusInternalServerError), slog.Any("error", err))
		return
	}

	events, err := h.decoder.Decode(r.Header, body)
	if err != nil {
		if errors.Is(err, ErrPayload) {
			refuse(w, http.StatusBadRequest, "payload does not parse")
			log.WarnContext(ctx, "webhook refused", slog.Int("status", http.StatusBadRequest), slog.Any("error", err))
			return
		}
		refuse(w, http.StatusInternalServerError, "decoding failed")
		log.ErrorContext(ctx, "webhook decoder failed", slog.Int("status", http.StatusInternalServerError), slog.Any("error", err))
		return
	}
	for i, in := range events {
		if err := in.Validate(); err != nil {
			// The field and the rule, not the value: it may be an address.
			field, reason := "", err.Error()
			var fe *invalid.FieldError
			if errors.As(err, &fe) {
				field, reason = fe.Record+"."+fe.Field, fe.Reason
				if fe.Record == "" {
					field = fe.Field
				}
			}
			refuse(w, http.StatusBadRequest, "invalid event "+strconv.Itoa(i)+": "+field)
			log.WarnContext(ctx, "webhook refused", slog.Int("status", http.StatusBadRequest),
				slog.Int("event", i), slog.String("field", field), slog.String("reason", reason))
			return
		}
	}

	if len(events) > 0 {
		if err := h.sink.Accept(ctx, events); err != nil {
			refuse(w, http.StatusServiceUnavailable, "not recorded; deliver again")
			log.ErrorContext(ctx, "webhook sink failed", slog.Int("status", http.StatusServiceUnavailable),
				slog.Int("events", len(events)), slog.Any("error", err))
			return
		}
	}
	h.reply(w, len(events))
	log.InfoContext(ctx, "webhook accepted", slog.Int("events", len(events)))
}

// replyJSON is the default success answer.
func replyJSON(w http.ResponseWriter, accepted int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(struct {
		Accepted int `json:"accepted"`
	}{accepted})
}

// refuse writes an error answer: the status and {"error": why}.
func refuse(w http.ResponseWriter, status int, why string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{why})
}
