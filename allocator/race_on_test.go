//go:build race

package allocator

// raceEnabled trims the longest property runs under the race detector,
// which slows them twentyfold; the plain run covers the full count.
const raceEnabled = true
