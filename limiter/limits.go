// Package limiter owns every limit on starting a request: requests in flight
// and request starts per second, for all hosts together and for each host,
// plus pauses a host asked for (Retry-After). Its Scheduler hands out the next
// target whose host may start now, from a bounded window of pending targets.
package limiter

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"
)

// Config sets the limits. A zero field means no limit, except Burst and
// HostBurst, where zero means 1 (smooth pacing).
type Config struct {
	Concurrency int     // requests in flight, all hosts
	Rate        float64 // request starts per second, all hosts
	Burst       int     // token-bucket burst for Rate
	PerHost     int     // requests in flight per host
	HostRate    float64 // request starts per second per host
	HostBurst   int     // token-bucket burst for HostRate
}

// Limits admits attempts. It is safe for concurrent use. The order in which
// an attempt takes its limits is always host, then global slot, then global
// rate, so waiters never hold what another waiter needs first.
type Limits struct {
	cfg    Config
	global *semaphore.Weighted // nil: no limit
	rate   *rate.Limiter       // nil: no limit

	mu      sync.Mutex
	hosts   map[string]*hostState
	sweepAt int
	freed   []string      // hosts that went from full to not full
	changed chan struct{} // a token when freed grows

	anyFreed  atomic.Bool // freed is not empty
	anyPaused atomic.Bool // Pause was called: starts check for pauses

	hostCapped atomic.Int64 // nanoseconds; see HostCapWait
}

// HostCapWait is how long a Scheduler over these limits waited with
// targets it held back only because their hosts had PerHost requests in
// flight: no other host could start, nothing waited for a rate or a pause,
// and more input would not have helped (the window was full or the input
// over). When it is most of a run, PerHost is what set the run's pace.
func (l *Limits) HostCapWait() time.Duration { return time.Duration(l.hostCapped.Load()) }

type hostState struct {
	release  func() // ends an attempt on this host: made once, not per attempt
	inFlight int
	bucket   *rate.Limiter // nil: no per-host rate
	paused   time.Time     // no start before this
	wake     chan struct{} // closed when a slot frees
}

// New returns Limits for cfg.
func New(cfg Config) *Limits {
	l := &Limits{cfg: cfg, hosts: map[string]*hostState{}, sweepAt: 1024, changed: make(chan struct{}, 1)}
	if cfg.Concurrency > 0 {
		l.global = semaphore.NewWeighted(int64(cfg.Concurrency))
	}
	if cfg.Rate > 0 {
		l.rate = rate.NewLimiter(rate.Limit(cfg.Rate), max(cfg.Burst, 1))
	}
	return l
}

// host returns key's state, creating it. l.mu is held.
func (l *Limits) host(key string) *hostState {
	h := l.hosts[key]
	if h == nil {
		h = &hostState{wake: make(chan struct{}), release: func() {
			l.ReleaseGlobal()
			l.ReleaseHost(key)
		}}
		if l.cfg.HostRate > 0 {
			h.bucket = rate.NewLimiter(rate.Limit(l.cfg.HostRate), max(l.cfg.HostBurst, 1))
		}
		l.hosts[key] = h
	}
	return h
}

// TryHost takes a slot of host key (and a token of its rate) if an attempt
// may start there at now. If not, retryAt is when it may, or zero when it
// waits for one of the host's requests to end.
func (l *Limits) TryHost(key string, now time.Time) (ok bool, retryAt time.Time) {
	ok, retryAt, _, _ = l.tryHost(key, now)
	return ok, retryAt
}

// tryHost is TryHost that also returns, when the host's slots are full, the
// channel closed when one frees, read under the same lock so that no
// release can slip in between; and when ok, the function that ends the
// attempt (see releaser).
func (l *Limits) tryHost(key string, now time.Time) (ok bool, retryAt time.Time, wake <-chan struct{}, release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.host(key)
	if now.Before(h.paused) {
		return false, h.paused, nil, nil
	}
	if l.cfg.PerHost > 0 && h.inFlight >= l.cfg.PerHost {
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
	return true, time.Time{}, nil, h.release
}

// AcquireHost blocks until a slot of host key is taken, or ctx ends.
func (l *Limits) AcquireHost(ctx context.Context, key string) error {
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

// ReleaseHost gives back a slot of host key.
func (l *Limits) ReleaseHost(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[key]
	if h == nil {
		return
	}
	wasFull := l.cfg.PerHost > 0 && h.inFlight >= l.cfg.PerHost
	h.inFlight--
	if wasFull {
		close(h.wake)
		h.wake = make(chan struct{})
		l.freed = append(l.freed, key)
		l.anyFreed.Store(true)
		select {
		case l.changed <- struct{}{}:
		default:
		}
	}
	if len(l.hosts) >= l.sweepAt {
		l.sweep(time.Now())
	}
}

// sweep drops the state of idle hosts whose state is as good as new, so
// memory stays bounded with millions of hosts. l.mu is held.
func (l *Limits) sweep(now time.Time) {
	for key, h := range l.hosts {
		if h.inFlight == 0 && !now.Before(h.paused) &&
			(h.bucket == nil || h.bucket.TokensAt(now) >= float64(h.bucket.Burst())) {
			delete(l.hosts, key)
		}
	}
	l.sweepAt = max(1024, 2*len(l.hosts))
}

// Hosts is how many hosts have state now.
func (l *Limits) Hosts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hosts)
}

// AcquireGlobal blocks until a global slot is free and the global rate lets
// a request start, or ctx ends.
func (l *Limits) AcquireGlobal(ctx context.Context) error {
	if l.global != nil {
		if err := l.global.Acquire(ctx, 1); err != nil {
			return err
		}
	}
	if l.rate != nil {
		if err := l.rate.Wait(ctx); err != nil {
			l.ReleaseGlobal()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return context.DeadlineExceeded // the next token comes after ctx's deadline
		}
	}
	return nil
}

// ReleaseGlobal gives back a global slot.
func (l *Limits) ReleaseGlobal() {
	if l.global != nil {
		l.global.Release(1)
	}
}

// Acquire admits one attempt to host key: a host slot, a global slot and the
// rates. It returns the function that ends the attempt.
func (l *Limits) Acquire(ctx context.Context, key string) (release func(), err error) {
	for {
		if err := l.AcquireHost(ctx, key); err != nil {
			return nil, err
		}
		until, err := l.startOn(ctx, key)
		if err != nil {
			return nil, err
		}
		if until.IsZero() {
			return l.releaser(key), nil
		}
		// The host asked for a pause while we waited: AcquireHost waits it out.
	}
}

// startOn takes a global slot (and the global rate) for an attempt that
// holds a slot of host key. A pause may begin while it waits, so it checks
// again once it has the slot: if the host is paused, it gives back both
// slots and returns when the pause ends. On error, both are given back too.
func (l *Limits) startOn(ctx context.Context, key string) (pausedUntil time.Time, err error) {
	if err := l.AcquireGlobal(ctx); err != nil {
		l.ReleaseHost(key)
		return time.Time{}, err
	}
	if !l.anyPaused.Load() {
		return time.Time{}, nil // no host ever asked for a pause
	}
	l.mu.Lock()
	h := l.hosts[key]
	if h != nil && time.Now().Before(h.paused) {
		pausedUntil = h.paused
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

// Pause keeps host key from starting attempts before until.
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
