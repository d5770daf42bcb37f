package channeltest

// TestingT is the part of *testing.T the Require helpers use.
type TestingT interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// RequireSent fails the test unless f delivered a message with this
// idempotency key, and returns it.
func RequireSent(t TestingT, f *Fake, key string) Sent {
	t.Helper()
	s, ok := f.SentKey(key)
	if !ok {
		t.Errorf("channeltest: no %s message with idempotency key %q was delivered (%d delivered)", f.Kind(), key, f.Count())
		t.FailNow()
	}
	return s
}

// RequireNotSent fails the test if f delivered a message with this
// idempotency key.
func RequireNotSent(t TestingT, f *Fake, key string) {
	t.Helper()
	if s, ok := f.SentKey(key); ok {
		t.Errorf("channeltest: a %s message with idempotency key %q was delivered to %q", f.Kind(), key, s.Message.To.Address(f.Kind()))
		t.FailNow()
	}
}

// RequireCount fails the test unless f delivered exactly n messages.
func RequireCount(t TestingT, f *Fake, n int) {
	t.Helper()
	if got := f.Count(); got != n {
		t.Errorf("channeltest: %d %s messages delivered, want %d", got, f.Kind(), n)
		t.FailNow()
	}
}
