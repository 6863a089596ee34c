package limiter

import (
	"container/heap"
	"math/rand/v2"
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
	jitter   float64 // each answer takes up to this share longer, at random
	rand     *rand.Rand
	// noise, when set, is what a loaded client adds to each latency it
	// measures (the host's own wait is unchanged).
	noise time.Duration
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
				if h.jitter > 0 {
					r.latency += time.Duration(h.jitter * h.rand.Float64() * float64(h.base))
				}
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
		if h.noise > 0 && r.latency > 0 {
			a.Latency += time.Duration(h.rand.ExpFloat64() * float64(h.noise))
		}
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
	for _, noise := range []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond} {
		for seed := range uint64(3) {
			hn := h
			hn.noise, hn.rand = noise, rand.New(rand.NewPCG(seed, 3))
			run := simulate(hn, newWindow(8), 2000, false)
			t.Logf("client noise %v (exponential), seed %d: 503s %d, median %v, %.2f×, peak %d", noise, seed, run.rejected, median(run.latencies), run.elapsed.Seconds()/best.elapsed.Seconds(), run.peak)
		}
	}
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

// TestWindowOnJitteryHost runs the rule against a host with no capacity
// limit whose answers take 100 to 200 ms at random: nothing queues, so the
// window should reach its ceiling and the run take about what a fixed
// window of that size takes (the rule must not read noise as load).
func TestWindowOnJitteryHost(t *testing.T) {
	for _, jitter := range []float64{0.5, 1} {
		for seed := range uint64(5) {
			h := capacityHost{base: 100 * time.Millisecond, capacity: func(time.Time) int { return 1000 }, jitter: jitter, rand: rand.New(rand.NewPCG(seed, 2))}
			fixed := simulate(h, newWindowAt(8), 2000, true)
			h.rand = rand.New(rand.NewPCG(seed, 2))
			run := simulate(h, newWindow(8), 2000, false)
			ratio := run.elapsed.Seconds() / fixed.elapsed.Seconds()
			t.Logf("jitter %v, seed %d: %.2f× the fixed window's %v; %d limit changes", jitter, seed, ratio, fixed.elapsed, len(run.limits))
			if ratio > 1.15 {
				t.Errorf("jitter %v, seed %d: the run took %.2f× a fixed window of 8", jitter, seed, ratio)
			}
		}
	}
}
