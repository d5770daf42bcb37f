package twilio_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/outbound-go/outbound/adapters/twilio"
	"github.com/outbound-go/outbound/adapters/webhook"
)

// Any callback body decodes to valid events or fails as a payload error,
// never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=undelivered&ErrorCode=21610&From=%2B61400000001&To=%2B61412345678",
		"MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=delivered&From=%2B61400000001&To=%2B61412345678",
		"MessageSid=SM0123456789abcdef0123456789abcdef&SmsStatus=received&From=%2B61412345678&To=%2B61400000001&Body=STOP&OptOutType=STOP",
		"CallSid=CA0123456789abcdef0123456789abcdef&CallStatus=completed&AnsweredBy=machine_end_beep&From=%2B61400000001&To=%2B61412345678",
		"CallSid=CA0123456789abcdef0123456789abcdef&CallStatus=busy", "MessageSid=SM0123456789abcdef0123456789abcdef&SmsStatus=received&Body=hi", "a=%zz", "",
	} {
		f.Add([]byte(s))
	}
	d := &twilio.Decoder{}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := d.Decode(http.Header{}, body)
		if err != nil {
			if !errors.Is(err, webhook.ErrPayload) {
				t.Fatalf("not a payload error: %v", err)
			}
			return
		}
		for _, in := range got {
			if in.Message == nil {
				t.Fatal("a non-message event")
			}
			if err := in.Message.Validate(); err != nil {
				t.Fatalf("invalid event: %v", err)
			}
		}
	})
}
