package limiter

import (
	"container/heap"
	"slices"
	"testing"
	"time"
)

// capacityHost is a model of a host that copes with capacity requests at
// once: an answer takes base × in-flight/capacity (at least base), counted
// when the request arrives, and a request arriving with more than twice
// capacity in flight is answered 503 at once. internal/benchsite's
// Options.Capacity serves the same rule over HTTP.
type capacityHost struct {
	base     time.Duration
	capacity func(now time.Time) int
}

// simRun is what the host saw in a simulated run.
type simRun struct {
	answers, rejected int
	latencies         []time.Duration // of the answers that were not 503
	peak              int             // most in flight at once, at the host
	elapsed           time.Duration
	limits            []limitAt // the window's limit after each change
}

type limitAt struct {
	at    time.Time
	limit int
}

type simReq struct {
	sent, done time.Time
	latency    time.Duration // 0: a 503
}

type simQueue []simReq

func (q simQueue) Len() int           { return len(q) }
func (q simQueue) Less(i, j int) bool { return q[i].done.Before(q[j].done) }
func (q simQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)        { *q = append(*q, x.(simReq)) }
func (q *simQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// simulate fetches n URLs from h on a fake clock, as many at once as w
// allows (fixed: the limit never changes, as --throttle off).
func simulate(h capacityHost, w *window, n int, fixed bool) simRun {
	var run simRun
	var q simQueue
	now, started := t0, 0
	last := w.limit()
	for started < n || len(q) > 0 {
		for started < n && len(q) < w.limit() {
			inFlight := len(q) + 1
			run.peak = max(run.peak, inFlight)
			r := simReq{sent: now, done: now.Add(time.Millisecond)}
			if c := h.capacity(now); inFlight <= 2*c {
				r.latency = h.base * time.Duration(max(inFlight, c)) / time.Duration(c)
				r.done = now.Add(r.latency)
			}
			heap.Push(&q, r)
			started++
			w.started(inFlight)
		}
		r := heap.Pop(&q).(simReq)
		now = r.done
		run.answers++
		a := Answer{Sent: r.sent, Latency: r.latency}
		if r.latency == 0 {
			run.rejected++
			a.Overload = CauseStatus
		} else {
			run.latencies = append(run.latencies, r.latency)
		}
		if !fixed {
			w.answered(a, now)
		}
		if w.limit() != last {
			last = w.limit()
			run.limits = append(run.limits, limitAt{now, last})
		}
	}
	run.elapsed = now.Sub(t0)
	return run
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestWindowOnCapacityHost runs the rule against the model of issue 23's
// host (capacity 4, 50 ms unloaded) on a fake clock, 2,000 URLs: under the
// rule, at most 1% 503s, a median latency within 1.5× the unloaded one,
// and a run within 1.25× the best fixed window (4: 2,000 / 80 per second);
// a fixed window of 32 fails the same checks.
func TestWindowOnCapacityHost(t *testing.T) {
	h := capacityHost{base: 50 * time.Millisecond, capacity: func(time.Time) int { return 4 }}
	best := simulate(h, newWindowAt(4), 2000, true)
	tests := []struct {
		name   string
		w      *window
		fixed  bool
		wantOK bool
	}{
		{"auto, ceiling 8", newWindow(8), false, true},
		{"auto, ceiling 32", newWindow(32), false, true},
		{"fixed 32", newWindowAt(32), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := simulate(h, tt.w, 2000, tt.fixed)
			share := float64(run.rejected) / float64(run.answers)
			med := median(run.latencies)
			ratio := run.elapsed.Seconds() / best.elapsed.Seconds()
			ok := share <= 0.01 && med <= 75*time.Millisecond && ratio <= 1.25
			t.Logf("503s %.1f%%, median %v, %.2f× the best fixed window's %v, peak %d in flight", 100*share, med, ratio, best.elapsed, run.peak)
			if ok != tt.wantOK {
				t.Errorf("checks passed: %v, want %v", ok, tt.wantOK)
			}
		})
	}
}

// newWindowAt is a window already at its ceiling n.
func newWindowAt(n int) *window {
	w := newWindow(n)
	w.size = float64(n)
	return w
}

// TestWindowRecovers raises the host's capacity from 2 to 16 at 10 s: the
// window, held near 2, reaches 12 (of a ceiling of 16) within a second
// (each round takes one latency, 50 ms, and adds one).
func TestWindowRecovers(t *testing.T) {
	raise := t0.Add(10 * time.Second)
	h := capacityHost{base: 50 * time.Millisecond, capacity: func(now time.Time) int {
		if now.Before(raise) {
			return 2
		}
		return 16
	}}
	run := simulate(h, newWindow(16), 6000, false)
	var before int
	var reached time.Time
	for _, l := range run.limits {
		if l.at.Before(raise) {
			before = max(before, l.limit)
		} else if l.limit >= 12 && reached.IsZero() {
			reached = l.at
		}
	}
	if before > 4 {
		t.Errorf("window reached %d with capacity 2", before)
	}
	if reached.IsZero() || reached.Sub(raise) > time.Second {
		t.Errorf("window reached 12 at %v after the raise, want within 1s", reached.Sub(raise))
	}
}
