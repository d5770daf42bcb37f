package smtp

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/replies"
	"github.com/outbound-go/outbound/timing"
)

// DefaultMaxInbound is the largest inbound message ParseInbound reads
// when InboundOptions.MaxBytes is zero: 10 MiB.
const DefaultMaxInbound = 10 << 20

const (
	maxDepth   = 8         // nested multiparts followed
	maxParts   = 200       // parts read in all
	maxBodyLen = 64 << 10  // bytes of reply text kept in Event.Body
	maxDetail  = 500       // bytes of diagnostic kept in Event.Detail
	maxPartLen = 16 << 20  // bytes of one part read
	hardDetail = "hard"    // Detail prefix of a hard bounce
	softDetail = "soft"    // Detail prefix of a soft bounce
	noRcpt     = "unknown" // a report's recipient when it names none
)

// InboundOptions configure ParseInbound. The zero value of each field is
// its default.
type InboundOptions struct {
	// Provider names the provider in the events. Default DefaultProvider;
	// use the sending Channel's (Channel.InboundOptions does).
	Provider string
	// Clock gives an event's time when the message carries no Date header
	// that parses. Default timing.RealClock().
	Clock timing.Clock
	// IsOwn reports whether a Message-ID (angle brackets included) is one
	// this deployment sent: a reply is matched to the newest own one it
	// refers to. Default IsOwnMessageID.
	IsOwn func(messageID string) bool
	// MaxBytes is the largest message read. Default DefaultMaxInbound.
	MaxBytes int64
}

// InboundOptions returns the options that parse inbound mail for c: its
// provider name and clock.
func (c *Channel) InboundOptions() InboundOptions {
	return InboundOptions{Provider: c.cfg.Provider, Clock: c.cfg.Clock}
}

// ParseError says what is wrong with an inbound message ParseInbound
// cannot read. errors.Is(err, ErrInvalid) holds for every one.
type ParseError struct {
	// Part names where the fault is: "message", "header",
	// "multipart/report", "message/delivery-status", "event".
	Part string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, or nil.
	Err error
}

// Error renders "smtp: inbound message: header: does not parse: <err>".
func (e *ParseError) Error() string {
	s := "smtp: inbound message: " + e.Part + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalid) hold.
func (e *ParseError) Is(target error) bool { return target == ErrInvalid }

// ParseInbound reads one raw RFC 5322 message that arrived at a sending
// mailbox (from a host's IMAP poller or a provider's inbound route) and
// returns the events it reports, in this order of precedence:
//
//   - a delivery-status notification (RFC 3464 multipart/report,
//     report-type=delivery-status): per failed recipient, EventBounced
//     when its Status is 5.x.x (Detail "hard <status>: <diagnostic>"),
//     EventSoftBounced when it is 4.x.x or the action is delayed (Detail
//     "soft …"); EventDelivered for a delivered action;
//   - a bounce that is not RFC 3464 (X-Failed-Recipients, or a
//     mailer-daemon's failure notice): the same, its status read from the
//     text;
//   - a feedback-loop report (RFC 5965 ARF, report-type=feedback-report):
//     EventComplained, unless its Feedback-Type is not-spam or
//     auth-failure;
//   - an automatic reply (RFC 3834 Auto-Submitted other than "no",
//     X-Autoreply, X-Autorespond, Precedence: auto_reply, or an
//     out-of-office subject in English, German, French, Spanish, Italian or
//     Dutch): EventOutOfOffice, with ReturnAt when the text names a return
//     date;
//   - any other message: EventReplied when it refers (In-Reply-To, then
//     References) to a Message-ID of ours, else EventMessageReceived.
//
// A report is matched to the original through the Message-ID in its
// returned headers (a message/rfc822 or text/rfc822-headers part, or the
// quoted headers of a plain-text bounce); a reply through its own
// references. ProviderMessageID is that Message-ID, angle brackets
// included, or "" when none is found. ProviderEventID is derived from the
// inbound message's own Message-ID (a hash of the raw message when it has
// none), the event type and, for a report of several recipients, the
// recipient: the same message parsed twice gives the same IDs.
//
// A read receipt or another report type gives no events. Input that is
// not a message, or a report that cannot be read, returns a *ParseError.
func ParseInbound(r io.Reader, opts InboundOptions) ([]channel.Event, error) {
	if opts.Provider == "" {
		opts.Provider = DefaultProvider
	}
	if opts.Clock == nil {
		opts.Clock = timing.RealClock()
	}
	if opts.IsOwn == nil {
		opts.IsOwn = IsOwnMessageID
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxInbound
	}
	raw, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("smtp: inbound message: read: %w", err)
	}
	if int64(len(raw)) > opts.MaxBytes {
		return nil, &ParseError{Part: "message", Reason: fmt.Sprintf("larger than %d bytes", opts.MaxBytes)}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &ParseError{Part: "message", Reason: "is empty"}
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, &ParseError{Part: "header", Reason: "does not parse", Err: err}
	}
	if len(msg.Header) == 0 {
		return nil, &ParseError{Part: "header", Reason: "has no fields"}
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return nil, &ParseError{Part: "message", Reason: "body does not read", Err: err}
	}
	p := &parser{opts: opts, pat: newPatterns(), header: msg.Header}
	if err := p.flatten(textproto.MIMEHeader(msg.Header), body, 0); err != nil {
		return nil, err
	}
	p.base = p.baseEvent(raw)
	events, err := p.events()
	if err != nil {
		return nil, err
	}
	for i := range events {
		if err := events[i].Validate(); err != nil {
			return nil, &ParseError{Part: "event", Reason: "cannot be tied to a message or a recipient", Err: err}
		}
	}
	return events, nil
}

// part is one leaf of the message's MIME tree, its body decoded from its
// transfer encoding.
type part struct {
	ctype  string // lower case, "text/plain" by default
	params map[string]string
	header textproto.MIMEHeader
	body   []byte
}

type parser struct {
	opts   InboundOptions
	pat    *patterns
	header netmail.Header
	top    string // top-level media type
	report string // report-type of a top-level multipart/report
	parts  []part
	base   channel.Event
	key    string // the base of ProviderEventID
}

// flatten walks the MIME tree below a header and its body into p.parts.
func (p *parser) flatten(h textproto.MIMEHeader, body []byte, depth int) error {
	ctype, params := mediaType(h.Get("Content-Type"))
	if depth == 0 {
		p.top = ctype
		if ctype == "multipart/report" {
			p.report = strings.ToLower(strings.TrimSpace(params["report-type"]))
		}
	}
	if !strings.HasPrefix(ctype, "multipart/") {
		if len(p.parts) >= maxParts {
			return nil
		}
		p.parts = append(p.parts, part{ctype: ctype, params: params, header: h, body: decodeTransfer(h.Get("Content-Transfer-Encoding"), body)})
		return nil
	}
	if depth >= maxDepth {
		return nil
	}
	boundary := params["boundary"]
	if boundary == "" {
		return &ParseError{Part: ctype, Reason: "has no boundary"}
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for n := 0; n < maxParts; n++ {
		mp, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if n > 0 && depth > 0 {
				return nil // a truncated inner multipart keeps what was read
			}
			return &ParseError{Part: ctype, Reason: "does not parse", Err: err}
		}
		b, err := io.ReadAll(io.LimitReader(mp, maxPartLen))
		if err != nil {
			return &ParseError{Part: ctype, Reason: "part does not read", Err: err}
		}
		if err := p.flatten(mp.Header, b, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// mediaType parses a Content-Type, lower-casing the type; text/plain when
// it is missing or does not parse.
func mediaType(v string) (string, map[string]string) {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt == "" {
		if i := strings.IndexByte(v, ';'); i >= 0 {
			v = v[:i]
		}
		if mt = strings.ToLower(strings.TrimSpace(v)); strings.Count(mt, "/") != 1 {
			mt = "text/plain"
		}
		return mt, map[string]string{}
	}
	return strings.ToLower(mt), params
}

func decodeTransfer(cte string, body []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			return body
		}
		return out[:n]
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil && len(out) == 0 {
			return body
		}
		return out
	}
	return body
}

// text returns a part's body as UTF-8: Latin-1 and Windows-1252 are
// converted, anything else kept with invalid bytes replaced.
func (pt part) text() string {
	switch strings.ToLower(pt.params["charset"]) {
	case "iso-8859-1", "latin1", "iso-8859-15", "windows-1252", "cp1252":
		var b strings.Builder
		for _, c := range pt.body {
			b.WriteRune(rune(c))
		}
		return b.String()
	}
	return strings.ToValidUTF8(string(pt.body), "\uFFFD")
}

// baseEvent holds what every event of the message shares.
func (p *parser) baseEvent(raw []byte) channel.Event {
	ev := channel.Event{Provider: p.opts.Provider, Kind: channel.Email}
	if d, err := p.header.Date(); err == nil {
		ev.At = d
	} else {
		ev.At = p.opts.Clock.Now()
	}
	ev.From = firstAddress(p.header.Get("From"))
	ev.To = firstAddress(p.header.Get("To"))
	if id := firstID(p.header.Get("Message-Id")); id != "" {
		sum := sha256.Sum256([]byte(id))
		p.key = "m" + hex.EncodeToString(sum[:16])
	} else {
		sum := sha256.Sum256(raw)
		p.key = "r" + hex.EncodeToString(sum[:16])
	}
	return ev
}

func (p *parser) event(t channel.EventType, n int) channel.Event {
	ev := p.base
	ev.Type = t
	ev.ProviderEventID = p.key + "/" + string(t)
	if n > 0 {
		ev.ProviderEventID += fmt.Sprintf("/%d", n)
	}
	return ev
}

func (p *parser) events() ([]channel.Event, error) {
	switch {
	case p.report == "delivery-status":
		return p.dsn()
	case p.report == "feedback-report":
		return p.arf()
	case p.report != "":
		return nil, nil // read receipts and other reports
	case p.isTextBounce():
		return p.textBounce()
	}
	if p.isAutoReply() {
		ev := p.event(channel.EventOutOfOffice, 0)
		ev.ProviderMessageID = p.ownReference()
		ev.ReturnAt = p.pat.returnDate(p.bodyText(), ev.At)
		ev.Body = clip(p.bodyText(), maxBodyLen)
		return []channel.Event{ev}, nil
	}
	ev := p.event(channel.EventMessageReceived, 0)
	if ref := p.ownReference(); ref != "" {
		ev = p.event(channel.EventReplied, 0)
		ev.ProviderMessageID = ref
	}
	ev.Body = clip(p.bodyText(), maxBodyLen)
	return []channel.Event{ev}, nil
}

// dsn reads an RFC 3464 delivery-status notification.
func (p *parser) dsn() ([]channel.Event, error) {
	status := p.find("message/delivery-status", "message/global-delivery-status")
	if status == nil {
		return nil, &ParseError{Part: "multipart/report", Reason: "has no message/delivery-status part"}
	}
	blocks, err := fieldBlocks(status.body)
	if err != nil {
		return nil, &ParseError{Part: "message/delivery-status", Reason: "does not parse", Err: err}
	}
	orig := p.originalID()
	var out []channel.Event
	n := 0
	for _, b := range blocks {
		action := strings.ToLower(firstWord(b.Get("Action")))
		if action == "" {
			continue // the per-message fields
		}
		code := p.pat.status(b.Get("Status"))
		var t channel.EventType
		var detail string
		switch {
		case action == "failed" && strings.HasPrefix(code, "4"):
			t, detail = channel.EventSoftBounced, softDetail
		case action == "failed":
			t, detail = channel.EventBounced, hardDetail
		case action == "delayed":
			t, detail = channel.EventSoftBounced, softDetail
		case action == "delivered":
			t = channel.EventDelivered
		default:
			continue // relayed, expanded
		}
		ev := p.event(t, n)
		n++
		ev.ProviderMessageID = orig
		ev.From = recipientOf(b.Get("Final-Recipient"))
		if ev.From == "" {
			ev.From = recipientOf(b.Get("Original-Recipient"))
		}
		if detail != "" {
			ev.Detail = bounceDetail(detail, code, b.Get("Diagnostic-Code"))
		}
		out = append(out, ev)
	}
	if len(out) == 0 && n == 0 && !hasAction(blocks) {
		return nil, &ParseError{Part: "message/delivery-status", Reason: "has no per-recipient fields"}
	}
	return out, nil
}

func hasAction(blocks []textproto.MIMEHeader) bool {
	for _, b := range blocks {
		if b.Get("Action") != "" {
			return true
		}
	}
	return false
}

// arf reads an RFC 5965 feedback report.
func (p *parser) arf() ([]channel.Event, error) {
	fb := p.find("message/feedback-report")
	if fb == nil {
		return nil, &ParseError{Part: "multipart/report", Reason: "has no message/feedback-report part"}
	}
	blocks, err := fieldBlocks(fb.body)
	if err != nil || len(blocks) == 0 {
		return nil, &ParseError{Part: "message/feedback-report", Reason: "does not parse", Err: err}
	}
	f := blocks[0]
	ftype := strings.ToLower(firstWord(f.Get("Feedback-Type")))
	switch ftype {
	case "not-spam", "auth-failure":
		return nil, nil
	case "":
		ftype = "abuse"
	}
	ev := p.event(channel.EventComplained, 0)
	ev.ProviderMessageID = p.originalID()
	ev.From = recipientOf(f.Get("Original-Rcpt-To"))
	if ev.From == "" {
		ev.From = p.originalHeader("To")
	}
	ev.Detail = clip("feedback-type "+ftype+userAgent(f.Get("User-Agent")), maxDetail)
	return []channel.Event{ev}, nil
}

func userAgent(ua string) string {
	if ua = strings.TrimSpace(ua); ua == "" {
		return ""
	}
	return " from " + ua
}

// isTextBounce reports whether a message that is not RFC 3464 is a bounce:
// it names failed recipients, or a mailer daemon says a message failed.
func (p *parser) isTextBounce() bool {
	if p.header.Get("X-Failed-Recipients") != "" {
		return true
	}
	local, _, _ := strings.Cut(strings.ToLower(p.base.From), "@")
	if local != "mailer-daemon" && local != "postmaster" {
		return false
	}
	return p.pat.bounceSubject.MatchString(decodeHeader(p.header.Get("Subject")))
}

func (p *parser) textBounce() ([]channel.Event, error) {
	text := p.bodyText()
	code := p.pat.status(text)
	failure := p.pat.failureWords.MatchString(decodeHeader(p.header.Get("Subject")) + "\n" + text)
	t, detail := channel.EventBounced, hardDetail
	if strings.HasPrefix(code, "4") || (code == "" && !failure) {
		t, detail = channel.EventSoftBounced, softDetail
	}
	diag := ""
	if m := p.pat.diagnostic.FindString(text); m != "" {
		diag = m
	}
	orig := p.originalID()
	var rcpts []string
	for _, a := range strings.Split(p.header.Get("X-Failed-Recipients"), ",") {
		if a = recipientOf(a); a != "" {
			rcpts = append(rcpts, a)
		}
	}
	if len(rcpts) == 0 {
		rcpts = []string{""}
	}
	out := make([]channel.Event, 0, len(rcpts))
	for i, rc := range rcpts {
		ev := p.event(t, i)
		ev.ProviderMessageID = orig
		ev.From = rc
		ev.Detail = bounceDetail(detail, code, diag)
		out = append(out, ev)
	}
	return out, nil
}

func bounceDetail(kind, code, diag string) string {
	s := kind
	if code != "" {
		s += " " + code
	}
	if diag = strings.Join(strings.Fields(diag), " "); diag != "" {
		s += ": " + diag
	}
	return clip(s, maxDetail)
}

// isAutoReply reports whether the message is an automatic reply.
func (p *parser) isAutoReply() bool {
	if v := strings.ToLower(strings.TrimSpace(p.header.Get("Auto-Submitted"))); v != "" && firstWord(v) != "no" {
		return true
	}
	for _, h := range []string{"X-Autoreply", "X-Autorespond"} {
		if v := strings.ToLower(strings.TrimSpace(p.header.Get(h))); v != "" && v != "no" && v != "false" {
			return true
		}
	}
	if strings.EqualFold(strings.TrimSpace(p.header.Get("Precedence")), "auto_reply") {
		return true
	}
	return p.pat.oofSubject.MatchString(decodeHeader(p.header.Get("Subject")))
}

// ownReference is the newest Message-ID of ours the message refers to.
func (p *parser) ownReference() string {
	for _, id := range messageIDs(p.header.Get("In-Reply-To")) {
		if p.opts.IsOwn(id) {
			return id
		}
	}
	refs := messageIDs(p.header.Get("References"))
	for i := len(refs) - 1; i >= 0; i-- {
		if p.opts.IsOwn(refs[i]) {
			return refs[i]
		}
	}
	return ""
}

// originalID finds the Message-ID of the message a report is about: in a
// returned message or its headers, else in headers quoted in the text;
// one of ours first.
func (p *parser) originalID() string {
	var found []string
	for _, pt := range p.parts {
		switch pt.ctype {
		case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers", "message/rfc822-headers":
			if h := headerOf(pt.body); h != nil {
				found = append(found, messageIDs(h.Get("Message-Id"))...)
			}
		}
	}
	if len(found) == 0 {
		for _, m := range p.pat.quotedID.FindAllStringSubmatch(p.allText(), 20) {
			found = append(found, messageIDs(m[1])...)
		}
	}
	for _, id := range found {
		if p.opts.IsOwn(id) {
			return id
		}
	}
	if len(found) > 0 {
		return found[0]
	}
	return ""
}

// originalHeader returns a header of the returned message, as an address
// when it holds one.
func (p *parser) originalHeader(name string) string {
	for _, pt := range p.parts {
		if pt.ctype == "message/rfc822" || pt.ctype == "text/rfc822-headers" {
			if h := headerOf(pt.body); h != nil {
				return firstAddress(h.Get(name))
			}
		}
	}
	return ""
}

func (p *parser) find(types ...string) *part {
	for i := range p.parts {
		for _, t := range types {
			if p.parts[i].ctype == t {
				return &p.parts[i]
			}
		}
	}
	return nil
}

// bodyText is the message's own text: its first text/plain part that is
// not an attachment, else its first text/html part as text.
func (p *parser) bodyText() string {
	var htmlPart *part
	for i := range p.parts {
		pt := &p.parts[i]
		if strings.HasPrefix(strings.ToLower(pt.header.Get("Content-Disposition")), "attachment") {
			continue
		}
		switch pt.ctype {
		case "text/plain":
			return pt.text()
		case "text/html":
			if htmlPart == nil {
				htmlPart = pt
			}
		}
	}
	if htmlPart != nil {
		return p.pat.htmlText(htmlPart.text())
	}
	return ""
}

// allText is every text part, for quoted headers of a plain-text bounce.
func (p *parser) allText() string {
	var b strings.Builder
	for _, pt := range p.parts {
		if strings.HasPrefix(pt.ctype, "text/") || pt.ctype == "message/rfc822" {
			b.WriteString(pt.text())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// fieldBlocks reads groups of header fields separated by blank lines, as
// message/delivery-status and message/feedback-report hold them.
func fieldBlocks(body []byte) ([]textproto.MIMEHeader, error) {
	norm := bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
	var out []textproto.MIMEHeader
	for _, chunk := range bytes.Split(norm, []byte("\n\n")) {
		chunk = bytes.Trim(chunk, "\n")
		if len(bytes.TrimSpace(chunk)) == 0 {
			continue
		}
		r := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(chunk), strings.NewReader("\n\n"))))
		h, err := r.ReadMIMEHeader()
		if err != nil && len(h) == 0 {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// headerOf reads the header of a returned message or of a headers-only
// part; nil when it does not parse.
func headerOf(b []byte) netmail.Header {
	r := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(b), strings.NewReader("\r\n\r\n"))))
	h, err := r.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return nil
	}
	return netmail.Header(h)
}

// messageIDs lists the msg-ids in a header value, angle brackets included.
func messageIDs(v string) []string {
	var out []string
	for len(out) < 100 {
		open := strings.IndexByte(v, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(v[open:], '>')
		if end < 0 {
			break
		}
		id := v[open : open+end+1]
		if len(id) > 2 && !strings.ContainsAny(id[1:len(id)-1], "< \t\r\n") {
			out = append(out, id)
		}
		v = v[open+end+1:]
	}
	return out
}

func firstID(v string) string {
	if ids := messageIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return strings.TrimSpace(v)
}

// firstAddress returns the first bare address of an address header, or "".
func firstAddress(v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	list, err := (&mime.WordDecoder{}).DecodeHeader(v)
	if err != nil {
		list = v
	}
	if addrs, err := netmail.ParseAddressList(list); err == nil && len(addrs) > 0 {
		return strings.ToLower(addrs[0].Address)
	}
	if a, err := netmail.ParseAddress(list); err == nil {
		return strings.ToLower(a.Address)
	}
	return ""
}

// recipientOf reads "rfc822; user@example.com" (or a bare address).
func recipientOf(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	if strings.Count(v, "@") != 1 || strings.ContainsAny(v, " \t\r\n") {
		return ""
	}
	return strings.ToLower(v)
}

func firstWord(v string) string {
	if f := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == ';' || r == '(' }); len(f) > 0 {
		return f[0]
	}
	return ""
}

func decodeHeader(v string) string {
	if d, err := (&mime.WordDecoder{}).DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// clip cuts s to at most n bytes on a rune boundary, trimming space.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimSpace(s[:n])
}

// patterns are the regular expressions inbound parsing uses, compiled per
// call so that the package keeps no state.
type patterns struct {
	enhanced      *regexp.Regexp
	diagnostic    *regexp.Regexp
	bounceSubject *regexp.Regexp
	failureWords  *regexp.Regexp
	oofSubject    *regexp.Regexp
	quotedID      *regexp.Regexp
	tags          *regexp.Regexp
	dropBlocks    *regexp.Regexp
	dates         *replies.DateReader
}

func newPatterns() *patterns {
	return &patterns{
		enhanced:      regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`),
		diagnostic:    regexp.MustCompile(`(?m)\b[45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b[^\n]*`),
		bounceSubject: regexp.MustCompile(`(?i)undeliver|delivery status notification|delivery failure|failure notice|returned mail|mail delivery failed|delivery has failed|not delivered|nicht zustellbar|unzustellbar`),
		failureWords:  regexp.MustCompile(`(?i)fail|undeliverable|not delivered|does not exist|doesn't exist|rejected|unknown user|user unknown|address not found|nicht zustellbar|unzustellbar`),
		oofSubject:    regexp.MustCompile(`(?i)out of (the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|absence du bureau|respuesta autom[aá]tica|fuera de la oficina|risposta automatica|fuori ufficio|automatisch antwoord|afwezigheidsbericht|vacation reply|on vacation|on leave until`),
		quotedID:      regexp.MustCompile(`(?im)^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)`),
		tags:          regexp.MustCompile(`(?s)<[^>]*>`),
		dropBlocks:    regexp.MustCompile(`(?is)<(style|script|head)\b.*?</(style|script|head)\s*>`),
		dates:         replies.NewDateReader(),
	}
}

// status finds an enhanced status code ("5.1.1") in a Status field or a
// bounce's text, or "".
func (pt *patterns) status(v string) string {
	m := pt.enhanced.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	return m[1] + "." + m[2] + "." + m[3]
}

// htmlText renders HTML as plain text, well enough to read dates from.
func (pt *patterns) htmlText(s string) string {
	s = pt.dropBlocks.ReplaceAllString(s, " ")
	s = pt.tags.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

func (pt *patterns) returnDate(text string, ref time.Time) time.Time {
	return pt.dates.ReturnDate(text, ref)
}
