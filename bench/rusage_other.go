//go:build !linux

package bench

// peakRSS is unknown on this system (ru_maxrss's unit differs by system).
func peakRSS() uint64 { return 0 }
