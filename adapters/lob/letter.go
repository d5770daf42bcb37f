package lob

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
)

// Lob's metadata limits: at most 20 pairs, keys under 40 characters,
// values under 500, neither holding '"' or '\'.
const (
	maxMetadata      = 20
	maxMetadataKey   = 40
	maxMetadataValue = 500
)

// Address is an inline Lob address, as a letter's to and from take it.
type Address struct {
	Name    string `json:"name,omitempty"`
	Company string `json:"company,omitempty"`
	Line1   string `json:"address_line1"`
	Line2   string `json:"address_line2,omitempty"`
	City    string `json:"address_city,omitempty"`
	State   string `json:"address_state,omitempty"`
	Zip     string `json:"address_zip,omitempty"`
	Country string `json:"address_country,omitempty"`
}

// ToAddress turns a recipient into the inline address Lob takes: the
// first postal line is address_line1, the others are joined into
// address_line2; city, region, postcode and country fill address_city,
// address_state, address_zip and address_country.
func ToAddress(r channel.Recipient) Address {
	p := r.Postal
	a := Address{Name: strings.TrimSpace(r.Name), City: strings.TrimSpace(p.City), State: strings.TrimSpace(p.Region),
		Zip: strings.TrimSpace(p.Postcode), Country: strings.ToUpper(strings.TrimSpace(p.Country))}
	var lines []string
	for _, l := range p.Lines {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		a.Line1 = lines[0]
		a.Line2 = strings.Join(lines[1:], ", ")
	}
	return a
}

// createRequest is the JSON body of POST /letters.
type createRequest struct {
	Description string            `json:"description,omitempty"`
	To          Address           `json:"to"`
	From        string            `json:"from"`
	File        string            `json:"file"`
	Color       bool              `json:"color"`
	UseType     string            `json:"use_type"`
	Metadata    map[string]string `json:"metadata"`
}

// postcardRequest is the JSON body of POST /postcards.
type postcardRequest struct {
	Description string            `json:"description,omitempty"`
	To          Address           `json:"to"`
	From        string            `json:"from,omitempty"`
	Front       string            `json:"front"`
	Back        string            `json:"back"`
	Size        string            `json:"size"`
	UseType     string            `json:"use_type"`
	Metadata    map[string]string `json:"metadata"`
}

// createBody checks m and returns the path it is created at (/letters or
// /postcards) and its body: one rule for both pieces, which differ only
// in their content fields.
func (c *Channel) createBody(m *channel.Message) (path string, body []byte, err error) {
	if m == nil {
		return "", nil, fmt.Errorf("lob: nil message")
	}
	if m.Kind != channel.Mail {
		return "", nil, fmt.Errorf("lob: a mail channel got a %q message", m.Kind)
	}
	action := m.ResolvedAction()
	if action != channel.ActionLetter && action != channel.ActionPostcard {
		return "", nil, fmt.Errorf("lob: action %q: Lob sends letters and postcards", action)
	}
	if _, err := channel.Validate(m); err != nil {
		return "", nil, fmt.Errorf("lob: %w", err)
	}
	if len(m.IdempotencyKey) > 256 {
		return "", nil, fmt.Errorf("lob: idempotency key of %d bytes: Lob takes at most 256", len(m.IdempotencyKey))
	}
	content := m.HTML
	if strings.TrimSpace(content) == "" {
		content = TextHTML(m.Body)
	}
	if n := utf8.RuneCountInString(content); n >= maxFile {
		return "", nil, fmt.Errorf("lob: file: HTML of %d characters: Lob takes under %d", n, maxFile)
	}
	description := adapterkit.Truncate("touch "+m.IdempotencyKey, 255)
	to, from, md := ToAddress(m.To), strings.TrimSpace(m.From.Address), metadata(m.Metadata, m.IdempotencyKey, c.cfg.Logger)
	if action == channel.ActionLetter {
		body, err = json.Marshal(createRequest{Description: description, To: to, From: from, File: content,
			Color: c.cfg.Color, UseType: c.cfg.UseType, Metadata: md})
		return "/letters", body, err
	}
	front := strings.TrimSpace(m.Metadata[channel.MetaPostcardFront])
	if front == "" {
		front = c.cfg.PostcardFront
	}
	if front == "" {
		return "", nil, &channel.ValidationError{Field: "Metadata[" + channel.MetaPostcardFront + "]",
			Reason: "a postcard needs a front: set it on the message or Config.PostcardFront"}
	}
	if n := utf8.RuneCountInString(front); n >= maxFile {
		return "", nil, fmt.Errorf("lob: front: HTML of %d characters: Lob takes under %d", n, maxFile)
	}
	body, err = json.Marshal(postcardRequest{Description: description, To: to, From: from, Front: front, Back: content,
		Size: c.cfg.PostcardSize, UseType: c.cfg.UseType, Metadata: md})
	return "/postcards", body, err
}

// metadataOK reports whether Lob takes s as a metadata key or value of at
// most n characters.
func metadataOK(s string, n int) bool {
	return s != "" && utf8.RuneCountInString(s) < n && !strings.ContainsAny(s, `"\`)
}

// metadata returns the letter's metadata: the touch ID under MetadataTouch,
// then the message's pairs Lob takes, in key order, up to Lob's 20. Pairs
// Lob would refuse are left out (and logged by key) rather than failing
// the letter.
func metadata(md map[string]string, touch string, log interface {
	Warn(msg string, args ...any)
}) map[string]string {
	out := map[string]string{}
	if metadataOK(touch, maxMetadataValue) {
		out[MetadataTouch] = touch
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == MetadataTouch {
			continue
		}
		if !metadataOK(k, maxMetadataKey) || !metadataOK(md[k], maxMetadataValue) || len(out) >= maxMetadata {
			log.Warn("lob: metadata pair left out", "key", adapterkit.Truncate(k, 40))
			continue
		}
		out[k] = md[k]
	}
	return out
}

// TextHTML renders plain text as the HTML of a letter: escaped, a
// paragraph for each block separated by a blank line, a line break for
// each other newline, with the top 3 inches of the first page left to the
// address block and half-inch margins, as Lob's own letter examples do.
func TextHTML(text string) string {
	return adapterkit.ParagraphsHTML(`<html style="padding-top: 3in; margin: .5in;">`, text)
}
