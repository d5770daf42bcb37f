package smtp

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"

	mail "github.com/wneessen/go-mail"

	"github.com/outbound-go/outbound/channel"
)

// classify turns what go-mail returned for a failed send into the error
// Send returns (see Send's documentation for the classes).
func (c *Channel) classify(ctx context.Context, err error) error {
	code, handedOver := replyOf(err)
	codeStr := ""
	if code != 0 {
		codeStr = strconv.Itoa(code)
	}
	switch {
	case code >= 500 && code < 600:
		return c.classified(channel.Permanent(fmt.Errorf("smtp: server refused: %w", err)), codeStr)
	case code >= 400 && code < 500:
		return c.classified(channel.Retryable(fmt.Errorf("smtp: server deferred: %w", err)), codeStr)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		if handedOver {
			return fmt.Errorf("%w: %w: %w", ctxErr, ErrUncertain, err)
		}
		return c.classified(channel.Retryable(fmt.Errorf("smtp: %w: %w", ctxErr, err)), "")
	}
	if handedOver {
		return fmt.Errorf("%w: %w", ErrUncertain, err)
	}
	return c.classified(channel.Retryable(fmt.Errorf("smtp: connection: %w", err)), "")
}

// replyOf finds the server's reply code in err, 0 when the server gave
// none (a dial, TLS or I/O failure), and whether the failure came after the
// message data had been written and only the server's final answer was
// awaited: then a lost connection leaves the outcome unknown.
func replyOf(err error) (code int, handedOver bool) {
	var se *mail.SendError
	if errors.As(err, &se) {
		code = se.ErrorCode()
		handedOver = se.Reason == mail.ErrSMTPDataClose && code == 0
		return code, handedOver
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code, false
	}
	return 0, false
}
