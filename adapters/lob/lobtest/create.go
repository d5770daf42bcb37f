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

// create answers POST /v1/letters.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
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
	l, rf := parseLetter(raw)
	if rf != nil {
		writeError(w, http.StatusUnprocessableEntity, rf.code, rf.msg)
		return
	}
	s.mu.Lock()
	now := s.cfg.Now()
	if key != "" {
		if k, ok := s.byKey[key]; ok && now.Sub(k.at) < idempotencyTTL {
			prev := s.byID[k.id].clone()
			s.mu.Unlock()
			writeJSON(w, http.StatusOK, letterJSON(prev))
			return
		}
	}
	l.ID = s.newID()
	l.IdempotencyKey = key
	l.Created = now
	s.letters = append(s.letters, l)
	s.byID[l.ID] = l
	if key != "" {
		s.byKey[key] = keyed{id: l.ID, at: now}
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
	if err := json.Unmarshal(f["file"], &l.File); err != nil || strings.TrimSpace(l.File) == "" {
		return nil, refuse("invalid", "file is required")
	}
	switch file := strings.TrimSpace(l.File); {
	case strings.HasPrefix(file, "<"):
		if utf8.RuneCountInString(l.File) >= 10000 {
			return nil, refuse("invalid", "file must be an HTML string under 10,000 characters")
		}
	case strings.HasPrefix(file, "tmpl_"), strings.HasPrefix(file, "https://"), strings.HasPrefix(file, "http://"):
	default:
		return nil, refuse("invalid", "file must be an HTML string, a template ID or a URL")
	}
	if c, ok := f["color"]; !ok || json.Unmarshal(c, &l.Color) != nil {
		return nil, refuse("invalid", "color is required and must be a boolean")
	}
	ut, ok := f["use_type"]
	if !ok {
		return nil, refuse("mail_use_type_can_not_be_null", `use_type must be one of "marketing" or "operational"`)
	}
	var useType *string
	if err := json.Unmarshal(ut, &useType); err != nil || (useType != nil && *useType != "marketing" && *useType != "operational") {
		return nil, refuse("invalid", `use_type must be one of "marketing", "operational" or null`)
	}
	if useType != nil {
		l.UseType = *useType
	}
	if d, ok := f["description"]; ok {
		if err := json.Unmarshal(d, &l.Description); err != nil || utf8.RuneCountInString(l.Description) > 255 {
			return nil, refuse("invalid", "description must be a string of at most 255 characters")
		}
	}
	if md, ok := f["metadata"]; ok && string(md) != "null" {
		if err := json.Unmarshal(md, &l.Metadata); err != nil {
			return nil, refuse("invalid", "metadata must be an object of string values")
		}
		if len(l.Metadata) > 20 {
			return nil, refuse("invalid", "metadata may hold at most 20 key-value pairs")
		}
		for k, v := range l.Metadata {
			if k == "" || utf8.RuneCountInString(k) >= 40 || utf8.RuneCountInString(v) >= 500 || strings.ContainsAny(k+v, `"\`) {
				return nil, refuse("invalid", "metadata keys must be under 40 characters and values under 500, without '\"' or '\\'")
			}
		}
	}
	return l, nil
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
