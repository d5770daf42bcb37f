package lobtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/outbound-go/outbound/adapters/lob"
)

// refusal is a 422 answer.
type refusal struct{ code, msg string }

func refuse(code, format string, args ...any) *refusal {
	return &refusal{code: code, msg: fmt.Sprintf(format, args...)}
}

// create answers POST /v1/letters and POST /v1/postcards.
func (s *Server) create(object string) http.HandlerFunc {
	parse := parseLetter
	if object == objectPostcard {
		parse = parsePostcard
	}
	return func(w http.ResponseWriter, r *http.Request) { s.make(object, parse, w, r) }
}

// make creates one piece of object from the request, parsed by parse.
func (s *Server) make(object string, parse func([]byte) (*Letter, *refusal), w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if qk := r.URL.Query().Get("idempotency_key"); qk != "" {
		if key != "" {
			writeError(w, http.StatusUnprocessableEntity, "invalid", "Only one of the Idempotency-Key header and the idempotency_key query parameter may be given.")
			return
		}
		key = qk
	}
	if utf8.RuneCountInString(key) > 256 {
		writeError(w, http.StatusUnprocessableEntity, "invalid", "The idempotency key must be at most 256 characters.")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusUnprocessableEntity, "bad_request", "lobtest reads application/json bodies only.")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "The body could not be read.")
		return
	}
	l, rf := parse(raw)
	if rf != nil {
		writeError(w, http.StatusUnprocessableEntity, rf.code, rf.msg)
		return
	}
	s.mu.Lock()
	now := s.cfg.Now()
	if key != "" {
		// Keys are scoped by resource type: a letter's key names no postcard.
		if k, ok := s.byKey[object+"/"+key]; ok && now.Sub(k.at) < idempotencyTTL {
			prev := s.byID[k.id].clone()
			s.mu.Unlock()
			writeJSON(w, http.StatusOK, letterJSON(prev))
			return
		}
	}
	l.Object = object
	l.ID = s.newID(object)
	l.IdempotencyKey = key
	l.Created = now
	s.letters = append(s.letters, l)
	s.byID[l.ID] = l
	if key != "" {
		s.byKey[object+"/"+key] = keyed{id: l.ID, at: now}
	}
	made := l.clone()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, letterJSON(made))
}

// parseLetter checks a create body as Lob documents it.
func parseLetter(raw []byte) (*Letter, *refusal) {
	var f map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&f); err != nil || f == nil {
		return nil, refuse("bad_request", "The body must be a JSON object.")
	}
	l := &Letter{}
	var rf *refusal
	if l.ToID, l.To, rf = parseAddress("to", f["to"]); rf != nil {
		return nil, rf
	}
	if l.FromID, l.From, rf = parseAddress("from", f["from"]); rf != nil {
		return nil, rf
	}
	if l.File, rf = parseContent("file", f["file"]); rf != nil {
		return nil, rf
	}
	if c, ok := f["color"]; !ok || json.Unmarshal(c, &l.Color) != nil {
		return nil, refuse("invalid", "color is required and must be a boolean")
	}
	return l, parseCommon(f, l)
}

// parsePostcard checks a postcard's create body as Lob documents it: to,
// front, back and use_type required; size 4x6, 6x9 or 6x11 (4x6 only
// abroad); from optional.
func parsePostcard(raw []byte) (*Letter, *refusal) {
	var f map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&f); err != nil || f == nil {
		return nil, refuse("bad_request", "The body must be a JSON object.")
	}
	l := &Letter{Size: "4x6"}
	var rf *refusal
	if l.ToID, l.To, rf = parseAddress("to", f["to"]); rf != nil {
		return nil, rf
	}
	if from, ok := f["from"]; ok && string(from) != "null" {
		if l.FromID, l.From, rf = parseAddress("from", from); rf != nil {
			return nil, rf
		}
	}
	if l.Front, rf = parseContent("front", f["front"]); rf != nil {
		return nil, rf
	}
	if l.Back, rf = parseContent("back", f["back"]); rf != nil {
		return nil, rf
	}
	if sz, ok := f["size"]; ok {
		if err := json.Unmarshal(sz, &l.Size); err != nil || (l.Size != "4x6" && l.Size != "6x9" && l.Size != "6x11") {
			return nil, refuse("invalid", `size must be one of "4x6", "6x9" or "6x11"`)
		}
	}
	if l.ToID == "" && l.To.Country != "" && !strings.EqualFold(l.To.Country, "US") && l.Size != "4x6" {
		return nil, refuse("invalid", "international postcards must be 4x6")
	}
	return l, parseCommon(f, l)
}

// parseContent reads a piece's content field: an HTML string under 10,000
// characters, a template ID or a URL.
func parseContent(field string, raw json.RawMessage) (string, *refusal) {
	var v string
	if err := json.Unmarshal(raw, &v); err != nil || strings.TrimSpace(v) == "" {
		return "", refuse("invalid", "%s is required", field)
	}
	switch t := strings.TrimSpace(v); {
	case strings.HasPrefix(t, "<"):
		if utf8.RuneCountInString(v) >= 10000 {
			return "", refuse("invalid", "%s must be an HTML string under 10,000 characters", field)
		}
	case strings.HasPrefix(t, "tmpl_"), strings.HasPrefix(t, "https://"), strings.HasPrefix(t, "http://"):
	default:
		return "", refuse("invalid", "%s must be an HTML string, a template ID or a URL", field)
	}
	return v, nil
}

// parseCommon reads what every piece takes: use_type (required),
// description and metadata.
func parseCommon(f map[string]json.RawMessage, l *Letter) *refusal {
	ut, ok := f["use_type"]
	if !ok {
		return refuse("mail_use_type_can_not_be_null", `use_type must be one of "marketing" or "operational"`)
	}
	var useType *string
	if err := json.Unmarshal(ut, &useType); err != nil || (useType != nil && *useType != "marketing" && *useType != "operational") {
		return refuse("invalid", `use_type must be one of "marketing", "operational" or null`)
	}
	if useType != nil {
		l.UseType = *useType
	}
	if d, ok := f["description"]; ok {
		if err := json.Unmarshal(d, &l.Description); err != nil || utf8.RuneCountInString(l.Description) > 255 {
			return refuse("invalid", "description must be a string of at most 255 characters")
		}
	}
	if md, ok := f["metadata"]; ok && string(md) != "null" {
		if err := json.Unmarshal(md, &l.Metadata); err != nil {
			return refuse("invalid", "metadata must be an object of string values")
		}
		if len(l.Metadata) > 20 {
			return refuse("invalid", "metadata may hold at most 20 key-value pairs")
		}
		for k, v := range l.Metadata {
			if k == "" || utf8.RuneCountInString(k) >= 40 || utf8.RuneCountInString(v) >= 500 || strings.ContainsAny(k+v, `"\`) {
				return refuse("invalid", "metadata keys must be under 40 characters and values under 500, without '\"' or '\\'")
			}
		}
	}
	return nil
}

// parseAddress reads to or from: an address ID or an inline address.
func parseAddress(side string, raw json.RawMessage) (string, lob.Address, *refusal) {
	var a lob.Address
	if len(raw) == 0 || string(raw) == "null" {
		return "", a, refuse("invalid", "%s is required", side)
	}
	var id string
	if json.Unmarshal(raw, &id) == nil {
		if !strings.HasPrefix(id, "adr_") || len(id) < 5 {
			return "", a, refuse("invalid", "%s must be an address ID (adr_…) or an address object", side)
		}
		return id, a, nil
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", a, refuse("invalid", "%s must be an address ID (adr_…) or an address object", side)
	}
	us := a.Country == "" || strings.EqualFold(a.Country, "US")
	switch {
	case strings.TrimSpace(a.Name) == "" && strings.TrimSpace(a.Company) == "":
		return "", a, refuse("invalid", "%s.name is required if %s.company is not present", side, side)
	case strings.TrimSpace(a.Line1) == "":
		return "", a, refuse("invalid", "%s.address_line1 is required or %s must be a string", side, side)
	case us && strings.TrimSpace(a.Zip) == "":
		return "", a, refuse("invalid", "%s.address_zip is required or %s must be a string", side, side)
	case utf8.RuneCountInString(a.Line1)+utf8.RuneCountInString(a.Line2) > 50 && side == "to":
		return "", a, refuse("address_length_exceeds_limit", "the sum of to.address_line1 and to.address_line2 cannot surpass 50 characters")
	}
	return "", a, nil
}
