//go:build race

package faulttest

// raceEnabled says whether this test binary runs under the race detector, so that the
// server binary it builds does too, and comes from the same build cache.
const raceEnabled = true
