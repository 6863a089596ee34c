// Package limiter does admission: it owns every limit on starting a request
// (requests in flight and request starts per second, for all hosts together
// and for each host, and pauses a host asked for with Retry-After), and its
// Scheduler hands out the next target whose host may start now, from a
// bounded window of pending targets. See docs/ARCHITECTURE.md.
package limiter

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"
)

// Config sets the limits. A zero field means no limit, except Burst, where
// zero means 1 (smooth pacing). The per-host rate always has burst 1.
type Config struct {
	Concurrency int     // requests in flight, all hosts
	Rate        float64 // request starts per second, all hosts
	Burst       int     // token-bucket burst for Rate
	PerHost     int     // requests in flight per host; under ThrottleAuto, the most a window grows to
	HostRate    float64 // request starts per second per host
	Throttle    Throttle
}

// Limits admits attempts. It is safe for concurrent use.
//
// Invariants:
//   - An attempt takes its limits in one order: a host slot (and a token of
//     the host's rate), then a global slot, then a token of the global rate;
//     so a waiter never holds what another waiter needs first.
//   - Every admission is ended by calling its release function exactly once.
//     Releasing a slot that is not held panics, as x/sync's semaphore does:
//     it is a bug in the caller, and counting on would break the limits.
//   - The state of a host with nothing in flight, no pause, a full bucket
//     and a window never cut (or idle for forgetAfter) is as good as new,
//     and may be dropped at any time (memory stays bounded with millions of
//     hosts).
//   - A host never has more requests in flight than its slots: PerHost, or
//     its window under ThrottleAuto (which a cut may bring below what is
//     already in flight: no new attempt starts until enough end).
//   - The hosts freed from full (see takeFreed) have one reader: a Limits
//     serves one Scheduler.
type Limits struct {
	cfg    Config
	global *semaphore.Weighted // nil: no limit
	rate   *globalRate         // nil: no limit

	mu      sync.Mutex
	hosts   map[string]*hostState
	sweepAt int
	slow    map[string]rate.Limit // Slow's intervals, by host
	freed   []string              // hosts that went from full to not full
	changed chan struct{}         // a token when freed grows

	anyFreed  atomic.Bool // freed is not empty
	anyPaused atomic.Bool // Pause or PauseAll was called: starts check for pauses
	allPaused time.Time   // PauseAll: no start on any host before this; under mu

	hostCapped atomic.Int64   // nanoseconds; see HostCapWait
	gone       ThrottleReport // what the windows of dropped hosts did; under mu
}

// HostCapWait is how long a Scheduler over these limits waited with
// targets it held back only because their hosts had PerHost requests in
// flight: no other host could start, nothing waited for a rate or a pause
// or for a window below PerHost (ThrottleAuto), and more input would not
// have helped (the window was full or the input over). When it is most of a run, PerHost is what set the run's pace.
func (l *Limits) HostCapWait() time.Duration { return time.Duration(l.hostCapped.Load()) }

type hostState struct {
	release  func() // ends an attempt on this host: made once, not per attempt
	inFlight int
	bucket   *rate.Limiter // nil: no per-host rate
	paused   time.Time     // no start before this
	wake     chan struct{} // closed when a slot frees for a waiter
	waiting  bool          // an attempt was refused for want of a slot since wake was last closed
	win      *window       // under ThrottleAuto; nil: Config.PerHost is the cap
}

// New returns Limits for cfg.
func New(cfg Config) *Limits {
	l := &Limits{cfg: cfg, hosts: map[string]*hostState{}, sweepAt: 1024, changed: make(chan struct{}, 1)}
	if cfg.Concurrency > 0 {
		l.global = semaphore.NewWeighted(int64(cfg.Concurrency))
	}
	if cfg.Rate > 0 {
		l.rate = newGlobalRate(cfg.Rate, cfg.Burst)
	}
	return l
}

// host returns key's state, creating it. l.mu is held.
func (l *Limits) host(key string) *hostState {
	h := l.hosts[key]
	if h == nil {
		h = &hostState{wake: make(chan struct{}), release: func() {
			l.releaseGlobal()
			l.releaseHost(key)
		}}
		h.bucket = l.hostBucket(key)
		if l.cfg.Throttle == ThrottleAuto {
			h.win = newWindow(l.cfg.windowMax())
		}
		l.hosts[key] = h
	}
	return h
}

// tryHost takes a slot of host key (and a token of its rate) if an attempt
// may start there at now, and returns the function that ends the attempt
// (see releaser). If not, retryAt is when it may; or, when it waits for one
// of the host's requests to end, retryAt is zero and wake is the channel
// closed when one does, read under the same lock so that no release can
// slip in between.
func (l *Limits) tryHost(key string, now time.Time) (ok bool, retryAt time.Time, wake <-chan struct{}, release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.host(key)
	if until := l.pausedUntil(h); now.Before(until) {
		return false, until, nil, nil
	}
	if n := l.slots(h); n > 0 && h.inFlight >= n {
		h.waiting = true
		return false, time.Time{}, h.wake, nil
	}
	if h.bucket != nil {
		r := h.bucket.ReserveN(now, 1)
		if wait := r.DelayFrom(now); wait > 0 {
			r.CancelAt(now)
			return false, now.Add(wait), nil, nil
		}
	}
	h.inFlight++
	if h.win != nil {
		h.win.started(h.inFlight)
	}
	return true, time.Time{}, nil, h.release
}

// acquireHost blocks until a slot of host key is taken, or ctx ends.
func (l *Limits) acquireHost(ctx context.Context, key string) error {
	for {
		now := time.Now()
		ok, at, wake, _ := l.tryHost(key, now)
		if ok {
			return nil
		}
		if wake != nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-wake:
			}
			continue
		}
		t := time.NewTimer(at.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// releaseHost gives back a slot of host key. It panics if none is held.
func (l *Limits) releaseHost(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[key]
	if h == nil || h.inFlight <= 0 {
		panic("limiter: released a slot of host " + key + " that was not held")
	}
	h.inFlight--
	l.wakeIfRoom(key, h)
	if len(l.hosts) >= l.sweepAt {
		l.sweep(time.Now())
	}
}

// sweep drops the state of idle hosts whose state is as good as new, so
// memory stays bounded with millions of hosts. l.mu is held.
func (l *Limits) sweep(now time.Time) {
	for key, h := range l.hosts {
		if h.inFlight == 0 && !now.Before(h.paused) &&
			(h.bucket == nil || h.bucket.TokensAt(now) >= float64(h.bucket.Burst())) &&
			(h.win == nil || h.win.forgettable(now)) {
			l.forget(key, h)
			delete(l.hosts, key)
		}
	}
	l.sweepAt = max(1024, 2*len(l.hosts))
}

// hostCount is how many hosts have state now.
func (l *Limits) hostCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hosts)
}

// acquireGlobal blocks until a global slot is free and the global rate lets
// a request start (on its schedule: see globalRate), or ctx ends.
func (l *Limits) acquireGlobal(ctx context.Context) error {
	if l.global != nil {
		if err := l.global.Acquire(ctx, 1); err != nil {
			return err
		}
	}
	if l.rate != nil {
		if err := l.rate.wait(ctx); err != nil {
			l.releaseGlobal()
			return err
		}
	}
	return nil
}

// releaseGlobal gives back a global slot. It panics if none is held
// (semaphore.Weighted does).
func (l *Limits) releaseGlobal() {
	if l.global != nil {
		l.global.Release(1)
	}
}

// Acquire blocks until one attempt on host key (an input.HostKey) is
// admitted: a host slot, a global slot and a token of each rate, and no
// pause in force. It returns the function that ends the attempt, to be
// called exactly once, or ctx's error.
func (l *Limits) Acquire(ctx context.Context, key string) (release func(), err error) {
	for {
		if err := l.acquireHost(ctx, key); err != nil {
			return nil, err
		}
		until, err := l.startOn(ctx, key, time.Now)
		if err != nil {
			return nil, err
		}
		if until.IsZero() {
			return l.releaser(key), nil
		}
		// The host asked for a pause while we waited: acquireHost waits it out.
	}
}

// startOn takes a global slot (and the global rate) for an attempt that
// holds a slot of host key. A pause may begin while it waits, so it checks
// again once it has the slot (at now()): if the host is paused, it gives
// back both slots and returns when the pause ends. On error, both are given
// back too.
func (l *Limits) startOn(ctx context.Context, key string, now func() time.Time) (pausedUntil time.Time, err error) {
	if err := l.acquireGlobal(ctx); err != nil {
		l.releaseHost(key)
		return time.Time{}, err
	}
	if !l.anyPaused.Load() {
		return time.Time{}, nil // no host ever asked for a pause
	}
	l.mu.Lock()
	if until := l.pausedUntil(l.hosts[key]); now().Before(until) {
		pausedUntil = until
	}
	l.mu.Unlock()
	if !pausedUntil.IsZero() {
		l.releaser(key)()
	}
	return pausedUntil, nil
}

// releaser returns the function that ends an attempt holding a slot of host
// key and a global slot.
func (l *Limits) releaser(key string) func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.host(key).release
}

// Pause keeps host key from starting attempts before until. A later pause
// extends an earlier one; an earlier one never shortens it.
func (l *Limits) Pause(key string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.anyPaused.Store(true)
	if h := l.host(key); until.After(h.paused) {
		h.paused = until
	}
}

// takeFreed returns the hosts freed since the last call.
func (l *Limits) takeFreed() []string {
	if !l.anyFreed.Load() {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.freed
	l.freed = nil
	l.anyFreed.Store(false)
	return f
}
