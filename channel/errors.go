package channel

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrorClass says what the engine should do about a failed Send.
type ErrorClass uint8

// The error classes. The zero value, ClassNone, is what [Classify] returns
// for a nil error.
const (
	// ClassNone: no error.
	ClassNone ErrorClass = iota
	// ClassRetryable: a transient failure (a 5xx, a timeout, a dropped
	// connection); the same message may succeed later, after backoff.
	ClassRetryable
	// ClassPermanent: the provider refused the message for good (invalid
	// number, unknown mailbox, malformed request); retrying cannot help, so
	// the touch fails and the step's fallback applies.
	ClassPermanent
	// ClassRateLimited: the provider asked the sender to slow down; retry
	// after the delay the error carries (see [RetryAfter]). Retryable.
	ClassRateLimited
	// ClassOptedOut: the recipient opted out at the provider (Twilio error
	// 21610 for a number that texted STOP). Permanent, and the engine also
	// records a suppression for the recipient on that channel.
	ClassOptedOut
)

var classNames = [...]string{"none", "retryable", "permanent", "rate_limited", "opted_out"}

// String returns the class's name: none, retryable, permanent, rate_limited
// or opted_out.
func (c ErrorClass) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "ErrorClass(" + strconv.Itoa(int(c)) + ")"
}

// Retryable reports whether an error of this class may succeed if sent
// again: retryable and rate-limited.
func (c ErrorClass) Retryable() bool { return c == ClassRetryable || c == ClassRateLimited }

// Permanent reports whether an error of this class ends the touch:
// permanent and opted-out.
func (c ErrorClass) Permanent() bool { return c == ClassPermanent || c == ClassOptedOut }

// Sentinels that errors.Is matches against any [*Error] in a chain:
// ErrRetryable matches the retryable and rate-limited classes, ErrPermanent
// the permanent and opted-out classes, ErrRateLimited and ErrOptedOut only
// their own. They match classified errors only: errors.Is(plainErr,
// ErrRetryable) is false even though [IsRetryable](plainErr) is true.
var (
	ErrRetryable   = errors.New("channel: retryable")
	ErrPermanent   = errors.New("channel: permanent")
	ErrRateLimited = errors.New("channel: rate limited")
	ErrOptedOut    = errors.New("channel: recipient opted out")
)

// Error is a classified Send failure. Adapters return one (usually through
// [Retryable], [Permanent], [RateLimited] or [OptedOut], or as a literal to set
// Code and Provider) wrapping the provider's own error; the engine finds it
// with errors.As, or asks [Classify].
type Error struct {
	// Class says what to do about the failure. A zero Class counts as
	// retryable, like an unclassified error.
	Class ErrorClass
	// RetryAfter is the delay the provider asked for (a Retry-After header),
	// or zero for none. Meaningful for rate-limited and retryable errors.
	RetryAfter time.Duration
	// Code is the provider's error code ("21610", "550"), or "".
	Code string
	// Provider names the provider that failed ("twilio"), or "".
	Provider string
	// Err is the underlying error; it may be nil.
	Err error
}

// Retryable wraps err as a transient failure.
func Retryable(err error) error { return &Error{Class: ClassRetryable, Err: err} }

// Permanent wraps err as a failure that retrying cannot fix.
func Permanent(err error) error { return &Error{Class: ClassPermanent, Err: err} }

// RateLimited wraps err as a rate-limit refusal; after is the delay the
// provider asked for, or zero when it named none.
func RateLimited(after time.Duration, err error) error {
	return &Error{Class: ClassRateLimited, RetryAfter: max(after, 0), Err: err}
}

// OptedOut wraps err as the provider's refusal to reach a recipient who
// opted out: permanent, and a reason to suppress the recipient.
func OptedOut(err error) error { return &Error{Class: ClassOptedOut, Err: err} }

// Error renders "channel: twilio: opted_out (code 21610): <err>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("channel: ")
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	b.WriteString(e.class().String())
	if e.Code != "" {
		b.WriteString(" (code ")
		b.WriteString(e.Code)
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the class sentinels ErrRetryable, ErrPermanent, ErrRateLimited
// and ErrOptedOut as their doc comment describes.
func (e *Error) Is(target error) bool {
	c := e.class()
	switch target {
	case ErrRetryable:
		return c.Retryable()
	case ErrPermanent:
		return c.Permanent()
	case ErrRateLimited:
		return c == ClassRateLimited
	case ErrOptedOut:
		return c == ClassOptedOut
	}
	return false
}

func (e *Error) class() ErrorClass {
	if e.Class == ClassNone || e.Class > ClassOptedOut {
		return ClassRetryable
	}
	return e.Class
}

// Classify returns the class of err:
//
//   - nil: ClassNone;
//   - an error with an [*Error] in its chain (found with errors.As, so
//     through any %w wrapping): that Error's class (the outermost one wins;
//     a zero or unknown Class counts as retryable);
//   - anything else — a plain error, context.DeadlineExceeded,
//     context.Canceled, a net.Error, an io.EOF: ClassRetryable.
//
// Retryable is the safe default for email and direct mail, which are
// at-least-once with the touch ID as idempotency key. It does not make an
// unclassified voice or SMS failure safe to repeat: a timeout may have reached
// the provider. Voice and SMS are at-most-once, so the engine re-sends them only
// when the adapter classified the failure itself (the request provably did
// not start a call or a message) and otherwise reconciles through [Reconciler]
// or marks the touch uncertain.
func Classify(err error) ErrorClass {
	if err == nil {
		return ClassNone
	}
	var e *Error
	if errors.As(err, &e) {
		return e.class()
	}
	return ClassRetryable
}

// IsRetryable reports whether [Classify] counts err as worth sending again:
// retryable or rate-limited, including every unclassified error.
func IsRetryable(err error) bool { return Classify(err).Retryable() }

// IsPermanent reports whether err is classified permanent or opted-out.
func IsPermanent(err error) bool { return Classify(err).Permanent() }

// IsOptedOut reports whether err is classified opted-out.
func IsOptedOut(err error) bool { return Classify(err) == ClassOptedOut }

// IsRateLimited reports whether err is classified rate-limited.
func IsRateLimited(err error) bool { return Classify(err) == ClassRateLimited }

// RetryAfter returns the delay the provider asked for before another try, and
// true, when err is classified retryable or rate-limited and its [*Error]
// carries a positive RetryAfter. Otherwise it returns 0, false and the caller
// uses its own backoff.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if !errors.As(err, &e) || !e.class().Retryable() || e.RetryAfter <= 0 {
		return 0, false
	}
	return e.RetryAfter, true
}
