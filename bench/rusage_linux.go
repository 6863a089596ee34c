//go:build linux

package bench

import "syscall"

// peakRSS returns the process's peak resident set size in bytes (getrusage's
// ru_maxrss, in KiB on Linux), or 0 when unknown.
func peakRSS() uint64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil || ru.Maxrss < 0 {
		return 0
	}
	return uint64(ru.Maxrss) << 10
}
