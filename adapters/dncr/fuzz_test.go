package dncr_test

import (
	"testing"

	"github.com/outbound-go/outbound/adapters/dncr"
)

// Any answer parses or fails cleanly, never panics; a parsed one's items
// all name a number.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<Envelope><Body><WashNumbersResponse><WashNumbersReturn><ErrorCode>0</ErrorCode><Results><Item><Number>0412000001</Number><Result>Y</Result></Item></Results></WashNumbersReturn></WashNumbersResponse></Body></Envelope>`,
		`<Envelope><Body><Fault><faultstring>boom</faultstring></Fault></Body></Envelope>`,
		`<a><ErrorCode>x</ErrorCode></a>`, `<a><AccountBalance>12</AccountBalance></a>`, ``, `<`, `<Item Number="1" Result="N"/>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, _, err := dncr.Parse(body)
		if err != nil {
			return
		}
		for _, it := range a.Results {
			if it.Number == "" {
				t.Fatal("an item without a number")
			}
		}
	})
}
