// Package timingtest provides a virtual [timing.Clock] for tests and
// simulations: time stands still until the test moves it with
// [Clock.Advance] or [Clock.Set], and a test waits for the goroutines under
// test to go to sleep with [Clock.BlockUntil] instead of sleeping on wall
// time.
package timingtest
