package stannp

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/outbound-go/outbound/adapters/internal/adapterkit"
	"github.com/outbound-go/outbound/channel"
)

// maxKey is the longest touch ID the adapter sends; a longer one is
// refused rather than cut, since the tag must name it whole.
const maxKey = 200

// Recipient is the inline recipient a letter is created with, as the
// recipient[…] form fields.
type Recipient struct {
	FirstName string
	LastName  string
	Address1  string
	Address2  string
	Address3  string
	City      string
	State     string
	Postcode  string
	Country   string
}

// ToRecipient turns a channel recipient into Stannp's inline recipient:
// the name's first word is the first name and the rest the last name; the
// first three postal lines are address1 to address3 (more are joined into
// address3); city, region, postcode and country fill city, state,
// postcode and country.
func ToRecipient(r channel.Recipient) Recipient {
	p := r.Postal
	out := Recipient{City: strings.TrimSpace(p.City), State: strings.TrimSpace(p.Region),
		Postcode: strings.TrimSpace(p.Postcode), Country: strings.ToUpper(strings.TrimSpace(p.Country))}
	if name := strings.Fields(r.Name); len(name) > 0 {
		out.FirstName = name[0]
		out.LastName = strings.Join(name[1:], " ")
	}
	var lines []string
	for _, l := range p.Lines {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	switch {
	case len(lines) > 3:
		out.Address1, out.Address2, out.Address3 = lines[0], lines[1], strings.Join(lines[2:], ", ")
	case len(lines) == 3:
		out.Address1, out.Address2, out.Address3 = lines[0], lines[1], lines[2]
	case len(lines) == 2:
		out.Address1, out.Address2 = lines[0], lines[1]
	case len(lines) == 1:
		out.Address1 = lines[0]
	}
	return out
}

// fields are the recipient's form fields, in a fixed order, empty ones
// left out.
func (r Recipient) fields() [][2]string {
	all := [][2]string{
		{"firstname", r.FirstName}, {"lastname", r.LastName},
		{"address1", r.Address1}, {"address2", r.Address2}, {"address3", r.Address3},
		{"city", r.City}, {"state", r.State}, {"postcode", r.Postcode}, {"country", r.Country},
	}
	out := all[:0]
	for _, f := range all {
		if f[1] != "" {
			out = append(out, [2]string{"recipient[" + f[0] + "]", f[1]})
		}
	}
	return out
}

// createBody checks m and returns the path it is created at
// (/letters/create or /postcards/create), its multipart body and the
// body's content type: one rule for both pieces, which differ only in
// their content parts.
func (c *Channel) createBody(m *channel.Message) (path string, body []byte, ctype string, err error) {
	if m == nil {
		return "", nil, "", fmt.Errorf("stannp: nil message")
	}
	if m.Kind != channel.Mail {
		return "", nil, "", fmt.Errorf("stannp: a mail channel got a %q message", m.Kind)
	}
	action := m.ResolvedAction()
	if action != channel.ActionLetter && action != channel.ActionPostcard {
		return "", nil, "", fmt.Errorf("stannp: action %q: Stannp sends letters and postcards", action)
	}
	if _, err := channel.Validate(m); err != nil {
		return "", nil, "", fmt.Errorf("stannp: %w", err)
	}
	if len(m.IdempotencyKey) > maxKey || strings.ContainsAny(m.IdempotencyKey, ",\r\n") {
		return "", nil, "", fmt.Errorf("stannp: touch ID %q: a tag takes at most %d bytes and no comma or newline", adapterkit.Truncate(m.IdempotencyKey, 40), maxKey)
	}
	front := ""
	if action == channel.ActionPostcard {
		if front = strings.TrimSpace(m.Metadata[channel.MetaPostcardFront]); front == "" {
			front = c.cfg.PostcardFront
		}
		if front == "" {
			return "", nil, "", &channel.ValidationError{Field: "Metadata[" + channel.MetaPostcardFront + "]",
				Reason: "a postcard needs a front: set it on the message or Config.PostcardFront"}
		}
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	field := func(k, v string) { _ = w.WriteField(k, v) }
	file := func(name, doc string) error {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+name+`"; filename="`+name+`.html"`)
		h.Set("Content-Type", "text/html; charset=utf-8")
		part, err := w.CreatePart(h)
		if err == nil {
			_, err = part.Write([]byte(doc))
		}
		return err
	}
	field("test", strconv.FormatBool(c.cfg.Test))
	for _, f := range ToRecipient(m.To).fields() {
		field(f[0], f[1])
	}
	if m.IdempotencyKey != "" {
		field("tags", TagPrefix+m.IdempotencyKey)
		field("idempotency_key", m.IdempotencyKey)
	}
	if action == channel.ActionLetter {
		path = "/letters/create"
		if c.cfg.Size != "" {
			field("size", c.cfg.Size)
		}
		field("duplex", strconv.FormatBool(c.cfg.Duplex))
		field("post_unverified", strconv.FormatBool(c.cfg.PostUnverified))
		if len(c.cfg.Addons) > 0 {
			field("addons", strings.Join(c.cfg.Addons, ","))
		}
		doc := m.HTML
		if strings.TrimSpace(doc) == "" {
			doc = TextHTML(m.Body)
		}
		err = file("file", doc)
	} else {
		path = "/postcards/create"
		field("size", c.cfg.PostcardSize)
		if strings.HasPrefix(front, "https://") || strings.HasPrefix(front, "http://") {
			field("front", front)
		} else {
			err = file("front", front)
		}
		switch {
		case err != nil:
		case strings.TrimSpace(m.HTML) != "":
			err = file("back", m.HTML)
		default:
			field("message", m.Body)
		}
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return "", nil, "", fmt.Errorf("stannp: %w", err)
	}
	return path, buf.Bytes(), w.FormDataContentType(), nil
}

// TextHTML renders plain text as the HTML of a letter: escaped, a
// paragraph for each block separated by a blank line, a line break for
// each other newline.
func TextHTML(text string) string {
	return adapterkit.ParagraphsHTML(`<html>`, text)
}
