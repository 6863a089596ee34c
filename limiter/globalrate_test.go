package limiter

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// fakeClock is a clock for globalRate whose sleeps wake late by the
// durations in late, one per sleep (0 once they run out).
type fakeClock struct {
	t    time.Time
	late []time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.t = c.t.Add(d)
	if len(c.late) > 0 {
		c.t = c.t.Add(c.late[0])
		c.late = c.late[1:]
	}
	return nil
}

// fakeRate returns Limits at r starts per second, burst 1, on clock c.
func fakeRate(r float64, c *fakeClock) *Limits {
	l := New(Config{Rate: r})
	l.rate.now, l.rate.sleep = c.now, c.sleep
	return l
}

func TestGlobalRateKeepsSchedule(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name string
		late []time.Duration // one per sleep
		idle map[int]time.Duration
		want []time.Duration // when each start begins, from the first
	}{
		{"on time", nil, nil, []time.Duration{0, 2 * ms, 4 * ms, 6 * ms, 8 * ms}},
		// The second start wakes 5 ms late: the two due meanwhile start
		// with it, and the ones after keep their times.
		{"one wake-up 5 ms late", []time.Duration{5 * ms}, nil,
			[]time.Duration{0, 7 * ms, 7 * ms, 7 * ms, 8 * ms, 10 * ms}},
		// Late by more than catchUp: the starts after it run at most
		// catchUp behind their times; the rest is lost.
		{"one wake-up 25 ms late", []time.Duration{25 * ms}, nil,
			[]time.Duration{0, 27 * ms, 27 * ms, 27 * ms, 27 * ms, 27 * ms, 27 * ms, 27 * ms, 29 * ms}},
		// Nobody asks for 1 s: the bucket holds one token, not the second's.
		{"idle", nil, map[int]time.Duration{2: time.Second},
			[]time.Duration{0, 2 * ms, 1002 * ms, 1004 * ms, 1006 * ms}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{t: time.Unix(1_000_000, 0), late: tc.late}
			l := fakeRate(500, c)
			t0 := c.t
			var got []time.Duration
			for i := range tc.want {
				c.t = c.t.Add(tc.idle[i])
				if err := l.acquireGlobal(context.Background()); err != nil {
					t.Fatal(err)
				}
				got = append(got, c.t.Sub(t0))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("starts at %v, want %v", got, tc.want)
			}
		})
	}
}

// TestGlobalRateBounds checks the promise at any lateness: the schedule
// grants at most Rate + Burst starts in any one second, and a start that
// did not wait itself (it runs at once to catch up) runs at most catchUp
// behind its time.
func TestGlobalRateBounds(t *testing.T) {
	for _, burst := range []int{1, 10} {
		c := &fakeClock{t: time.Unix(1_000_000, 0)}
		rnd := rand.New(rand.NewPCG(1, uint64(burst)))
		g := newGlobalRate(500, burst)
		g.now, g.sleep = c.now, c.sleep
		var dues []time.Time
		for i := range 5000 {
			if i%400 == 0 {
				c.t = c.t.Add(time.Duration(rnd.IntN(3000)) * time.Millisecond) // idle now and then
			}
			late := time.Duration(rnd.ExpFloat64() * float64(time.Millisecond))
			if rnd.IntN(20) == 0 {
				late = time.Duration(rnd.IntN(30)) * time.Millisecond
			}
			c.late = []time.Duration{late}
			_, due := g.reserve()
			if d := due.Sub(c.t); d > 0 {
				_ = c.sleep(context.Background(), d)
			} else if behind := c.t.Sub(due); behind > catchUp {
				t.Fatalf("burst %d: start %d ran %v behind its time", burst, i, behind)
			}
			g.started(due)
			dues = append(dues, due)
		}
		for i, j := 0, 0; i < len(dues); i++ {
			for j < len(dues) && dues[j].Sub(dues[i]) < time.Second {
				j++
			}
			if n := j - i; n > 500+burst {
				t.Fatalf("burst %d: %d starts due within one second from start %d", burst, n, i)
			}
		}
	}
}

func TestGlobalRateCancel(t *testing.T) {
	c := &fakeClock{t: time.Now()}
	l := fakeRate(1.0/7200, c) // one start per 2 h
	if err := l.acquireGlobal(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The next start is due in 2 h: after the deadline, so it fails at once.
	ctx, stop := context.WithTimeout(context.Background(), time.Hour)
	defer stop()
	if err := l.acquireGlobal(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("past the deadline: err %v, want %v", err, context.DeadlineExceeded)
	}
	// Cancelled while it waits.
	ctx, cancel := context.WithCancel(context.Background())
	l.rate.sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	if err := l.acquireGlobal(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err %v, want %v", err, context.Canceled)
	}
	// Both tokens went back: the next start is due 2 h after the first.
	r, due := l.rate.reserve()
	defer r.Cancel()
	if got := due.Sub(c.t); got != 2*time.Hour {
		t.Errorf("next start due %v after the first, want 2h", got)
	}
}
