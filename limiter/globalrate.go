package limiter

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// catchUp is the most a start may run behind its time on the global
// rate's schedule and still keep the starts after it on theirs: see
// globalRate.
const catchUp = 10 * time.Millisecond

// globalRate paces request starts for all hosts together (Config.Rate and
// Config.Burst) on a schedule. x/time/rate's token bucket gives each start
// its time; a start whose waiter wakes after that time (the idle CPUs of a
// virtual machine wake milliseconds late now and then) must not push back
// the starts after it. Asked as of the moment it wakes, the bucket (burst 1
// unless set) would have refilled by at most one token, so every interval
// the wake-up missed beyond one would be lost for good. So the next start
// is asked for as of the moment the one before would have started on time
// (now, less how far behind its time that one ran, at most catchUp): it is
// due on the schedule, and runs at once if that is past.
//
// The schedule itself keeps the bucket: it grants at most Rate + Burst
// starts in any one second. A start whose waiter wakes late runs behind its
// time by that much, and takes with it the starts due meanwhile, which run
// at once, at most catchUp behind theirs: so right after a late wake-up a
// server may count about Rate·catchUp more than Rate + Burst in one second
// (5 at 500 a second).
type globalRate struct {
	lim   *rate.Limiter
	now   func() time.Time                                 // the clock; tests set their own
	sleep func(ctx context.Context, d time.Duration) error // waits d or until ctx ends; tests set their own

	mu     sync.Mutex
	asked  time.Time     // the instant the bucket was last asked as of: it never goes back
	behind time.Duration // how far behind its time the last start ran, at most catchUp
}

func newGlobalRate(r float64, burst int) *globalRate {
	return &globalRate{lim: rate.NewLimiter(rate.Limit(r), max(burst, 1)), now: time.Now, sleep: sleepCtx}
}

// wait blocks until the schedule lets a request start, or ctx ends. It
// returns context.DeadlineExceeded at once if the start's time comes after
// ctx's deadline; either way the start's token goes back to the bucket.
func (g *globalRate) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, due := g.reserve()
	now := g.now()
	if d := due.Sub(now); d > 0 {
		if deadline, ok := ctx.Deadline(); ok && deadline.Before(due) {
			g.cancel(r)
			return context.DeadlineExceeded
		}
		if err := g.sleep(ctx, d); err != nil {
			g.cancel(r)
			return err
		}
	}
	g.started(due)
	return nil
}

// reserve takes the next start's token, as of the moment it would be asked
// for had the last start run on time, and returns it with its time.
func (g *globalRate) reserve() (r *rate.Reservation, due time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	at := g.now().Add(-g.behind)
	if at.Before(g.asked) {
		at = g.asked // the bucket's clock never goes back
	}
	g.asked = at
	r = g.lim.ReserveN(at, 1) // burst >= 1: always ok
	return r, at.Add(r.DelayFrom(at))
}

// started records that the start due at due began now.
func (g *globalRate) started(due time.Time) {
	late := min(max(g.now().Sub(due), 0), catchUp)
	g.mu.Lock()
	g.behind = late
	g.mu.Unlock()
}

// cancel gives back r's token: a start that will not happen keeps no later
// start from its time.
func (g *globalRate) cancel(r *rate.Reservation) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if now.Before(g.asked) {
		now = g.asked
	}
	g.asked = now
	r.CancelAt(now)
}

// sleepCtx waits d, or until ctx ends, and returns ctx's error if it did.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
