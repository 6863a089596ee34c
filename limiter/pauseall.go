package limiter

import "time"

// PauseAll keeps every host from starting attempts before until: a local
// resource failure (too many open files, no local port) is no host's fault,
// and retrying any host at once runs into the same wall. A later pause
// extends an earlier one; an earlier one never shortens it. Attempts in
// flight go on. fetcher.GlobalPauser is this method.
func (l *Limits) PauseAll(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.anyPaused.Store(true)
	if until.After(l.allPaused) {
		l.allPaused = until
	}
}

// pausedUntil is when host h (nil: a host with no state) may start again,
// as its own pause and PauseAll say. l.mu is held.
func (l *Limits) pausedUntil(h *hostState) time.Time {
	if h == nil || l.allPaused.After(h.paused) {
		return l.allPaused
	}
	return h.paused
}
