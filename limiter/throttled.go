package limiter

import (
	"time"
)

// autoCeiling is the most a window grows to when neither PerHost nor
// Concurrency bounds it.
const autoCeiling = 64

// windowMax is the most a host's window grows to under ThrottleAuto:
// PerHost, else Concurrency, else autoCeiling.
func (c Config) windowMax() int {
	switch {
	case c.PerHost > 0:
		return c.PerHost
	case c.Concurrency > 0:
		return c.Concurrency
	}
	return autoCeiling
}

// slots is how many requests host h may have in flight: its window under
// ThrottleAuto, else PerHost (0: no limit). l.mu is held.
func (l *Limits) slots(h *hostState) int {
	if h.win != nil {
		return h.win.limit()
	}
	return l.cfg.PerHost
}

// atCeiling reports whether every host in keys is held back by PerHost
// itself, not by a window below it.
func (l *Limits) atCeiling(keys map[string]bool) bool {
	if l.cfg.Throttle != ThrottleAuto {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for key := range keys {
		if h := l.hosts[key]; h != nil && h.win != nil && h.win.limit() < int(h.win.max) {
			return false
		}
	}
	return true
}

// wakeIfRoom wakes whoever was refused a slot of host key, if there is room
// now: waiters on h.wake, and the Scheduler through takeFreed. l.mu is
// held.
func (l *Limits) wakeIfRoom(key string, h *hostState) {
	if n := l.slots(h); !h.waiting || (n > 0 && h.inFlight >= n) {
		return
	}
	h.waiting = false
	close(h.wake)
	h.wake = make(chan struct{})
	l.freed = append(l.freed, key)
	l.anyFreed.Store(true)
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// Answered adapts host key's window (under ThrottleAuto) to one answer.
// Call it when the attempt's answer is known, before its release, and only
// for an answer that says something of the host's load: a response, a
// timeout or a reset (not a refused connection or a failed lookup).
// fetcher.Observer is this method.
func (l *Limits) Answered(key string, a Answer) {
	if l.cfg.Throttle != ThrottleAuto {
		return // no window to adapt: no lock taken per request
	}
	l.answered(key, a, time.Now())
}

func (l *Limits) answered(key string, a Answer, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[key]
	if h == nil || h.win == nil {
		return
	}
	h.win.answered(a, now)
	l.wakeIfRoom(key, h)
}

// ThrottleReport is what --throttle auto did to hosts' windows: the
// summary's and the progress log's figures.
type ThrottleReport struct {
	Slowed    int           // hosts whose window was cut at least once
	SlowedNow int           // of those, hosts whose window is still below its ceiling
	SlowedFor time.Duration // time the slowed hosts' windows spent below their ceiling, summed
	Cuts      [numCauses]int
	Longest   HostWindow // the host slowed longest
}

// HostWindow is one host's window.
type HostWindow struct {
	Host      string
	Window    int // requests it may have in flight now
	Max       int // the ceiling (PerHost)
	SlowedFor time.Duration
}

// CutsBy is how many times windows were cut for why.
func (r ThrottleReport) CutsBy(why Cause) int { return r.Cuts[why] }

// Throttled reports the windows as they are at now, hosts whose state was
// dropped included.
func (l *Limits) Throttled(now time.Time) ThrottleReport {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.gone
	r.SlowedNow = 0
	for key, h := range l.hosts {
		if h.win != nil {
			r.add(key, h.win, now)
		}
	}
	return r
}

// add counts one host's window into r.
func (r *ThrottleReport) add(key string, w *window, now time.Time) {
	if w.cuts == [numCauses]int{} {
		return
	}
	r.Slowed++
	if !w.slowedSince.IsZero() {
		r.SlowedNow++
	}
	d := w.slowedFor(now)
	r.SlowedFor += d
	for i, n := range w.cuts {
		r.Cuts[i] += n
	}
	if d > r.Longest.SlowedFor || r.Longest.Host == "" {
		r.Longest = HostWindow{Host: key, Window: w.limit(), Max: int(w.max), SlowedFor: d}
	}
}

// forget folds the window of host key, about to be dropped, into the
// report's totals. l.mu is held.
func (l *Limits) forget(key string, h *hostState) {
	if h.win != nil {
		l.gone.add(key, h.win, h.win.lastAnswer) // slowed until its last answer, not while idle
	}
}
