package limiter

import (
	"slices"
	"testing"
	"time"
)

// checkWindow checks what window's doc comment promises of its size.
func checkWindow(t *testing.T, w *window) {
	t.Helper()
	if w.size < 1 || w.size > w.max || w.limit() < 1 || w.limit() > int(w.max) {
		t.Fatalf("window size %v (limit %d) outside [1, %v]", w.size, w.limit(), w.max)
	}
}

// round feeds w one whole round at now: limit() answers, each sent at now
// and answered after latency, with the window full.
func round(t *testing.T, w *window, now time.Time, latency time.Duration) time.Time {
	t.Helper()
	n := w.limit()
	for i := range n {
		w.started(i + 1)
	}
	end := now.Add(latency)
	for range n {
		w.answered(Answer{Sent: now, Latency: latency}, end)
		checkWindow(t, w)
	}
	return end
}

// TestWindowRule runs the rule on explicit instants: the limit after each
// round, for rounds of given latencies (0: one overloaded answer instead).
func TestWindowRule(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name      string
		max       int
		latencies []time.Duration
		want      []int // limit after each round
	}{
		{"steady latency grows by one a round up to the ceiling", 6,
			[]time.Duration{50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms},
			[]int{3, 4, 5, 6, 6, 6}},
		{"a rise within the tolerance still grows", 8,
			[]time.Duration{50 * ms, 59 * ms, 59 * ms},
			[]int{3, 4, 5}},
		{"two rounds in a row past the tolerance cut to three quarters", 16,
			[]time.Duration{50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms, 70 * ms, 70 * ms, 50 * ms},
			[]int{3, 4, 5, 6, 7, 8, 8, 6, 7}},
		{"one round past the tolerance holds the window", 16,
			[]time.Duration{50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms, 70 * ms, 50 * ms, 70 * ms, 50 * ms},
			[]int{3, 4, 5, 6, 7, 7, 8, 8, 9}},
		{"while warming up, the best follows the usual latency: a lucky first answer does not stick", 16,
			[]time.Duration{10 * ms, 100 * ms, 100 * ms, 100 * ms, 100 * ms, 100 * ms, 100 * ms, 100 * ms, 100 * ms},
			[]int{3, 3, 2, 2, 1, 1, 1, 2, 3}},
		{"an overload halves, and never below 1", 8,
			[]time.Duration{50 * ms, 50 * ms, 0, 0, 0, 50 * ms},
			[]int{3, 4, 2, 1, 1, 2}},
		{"below the slack, jitter is no rise", 8,
			[]time.Duration{200 * time.Microsecond, 4 * ms, 4 * ms},
			[]int{3, 4, 5}},
		{"a ceiling of 1 stays 1", 1,
			[]time.Duration{50 * ms, 50 * ms, 0, 50 * ms},
			[]int{1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			w := newWindow(tt.max)
			checkWindow(t, w)
			var got []int
			for _, lat := range tt.latencies {
				now = now.Add(time.Millisecond)
				if lat == 0 {
					w.answered(Answer{Sent: now, Overload: CauseStatus}, now.Add(time.Millisecond))
					checkWindow(t, w)
				} else {
					now = round(t, w, now, lat)
				}
				got = append(got, w.limit())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("limits %v, want %v", got, tt.want)
			}
		})
	}
}

// TestWindowCutsOncePerRoundTrip checks that a burst of overloaded answers
// to requests sent before a cut cuts once, and that answers to requests
// sent before a round began do not count in it.
func TestWindowCutsOncePerRoundTrip(t *testing.T) {
	w := newWindow(32)
	now := t0
	for range 6 { // 2 → 8
		now = round(t, w, now, 50*time.Millisecond)
	}
	if w.limit() != 8 {
		t.Fatalf("limit %d after six rounds, want 8", w.limit())
	}
	sent := now
	now = now.Add(10 * time.Millisecond)
	for i := range 8 {
		w.answered(Answer{Sent: sent, Overload: CauseStatus}, now.Add(time.Duration(i)))
		checkWindow(t, w)
	}
	if w.limit() != 4 || w.cuts[CauseStatus] != 1 {
		t.Fatalf("after 8 503s to requests in flight together: limit %d, %d cuts; want 4 and 1", w.limit(), w.cuts[CauseStatus])
	}
	for range 8 { // late answers of the old window: no round ends
		w.answered(Answer{Sent: sent, Latency: 50 * time.Millisecond}, now.Add(time.Second))
	}
	if w.limit() != 4 {
		t.Fatalf("answers sent before the cut grew the window to %d", w.limit())
	}
	w.answered(Answer{Sent: now.Add(time.Millisecond), Overload: CauseFailure}, now.Add(2*time.Second))
	if w.limit() != 2 || w.cuts[CauseFailure] != 1 {
		t.Errorf("a timeout sent after the cut: limit %d, %d cuts; want 2 and 1", w.limit(), w.cuts[CauseFailure])
	}
}

// TestWindowNotFullDoesNotGrow checks that a host fanout did not keep busy
// earns no slot: rounds where in flight never reached the limit.
func TestWindowNotFullDoesNotGrow(t *testing.T) {
	w := newWindow(8)
	now := t0
	for range 5 {
		w.started(1)
		w.answered(Answer{Sent: now, Latency: 10 * time.Millisecond}, now.Add(10*time.Millisecond))
		w.answered(Answer{Sent: now, Latency: 10 * time.Millisecond}, now.Add(10*time.Millisecond))
		now = now.Add(time.Second)
	}
	if w.limit() != startWindow {
		t.Errorf("limit %d after rounds with one in flight, want %d", w.limit(), startWindow)
	}
}

// TestWindowBestExpires checks that a best latency older than bestFor
// stops being the reference: a host whose pages got slower for good is
// not cut forever.
func TestWindowBestExpires(t *testing.T) {
	w := newWindow(64)
	now := t0
	for range 5 { // 2+3+4+5+6 = 20 answers: warm
		now = round(t, w, now, 10*time.Millisecond)
	}
	if w.best != 10*time.Millisecond || w.limit() != 7 {
		t.Fatalf("best %v, limit %d after five rounds of 10ms; want 10ms and 7", w.best, w.limit())
	}
	for range 10 { // 10× slower: cut every second round, down to 1
		now = round(t, w, now, 100*time.Millisecond)
	}
	if w.best != 10*time.Millisecond || w.limit() != 1 {
		t.Fatalf("best %v, limit %d after ten rounds of 100ms; want 10ms and 1", w.best, w.limit())
	}
	now = now.Add(bestFor)
	for range 4 {
		now = round(t, w, now, 100*time.Millisecond)
	}
	if w.best < 90*time.Millisecond || w.limit() < 3 {
		t.Errorf("best %v, limit %d once the 10ms best expired; want about 100ms, and growth again", w.best, w.limit())
	}
}

// TestWindowSlowedFor checks the slowed time: from the first cut until the
// window is back at its ceiling.
func TestWindowSlowedFor(t *testing.T) {
	w := newWindow(4)
	now := round(t, w, t0, 50*time.Millisecond)
	now = round(t, w, now, 50*time.Millisecond) // at 4, the ceiling
	cut := now
	w.answered(Answer{Sent: now, Overload: CauseStatus}, now) // 2
	for range 2 {
		now = round(t, w, now.Add(time.Second), 50*time.Millisecond)
	}
	if w.limit() != 4 || w.slowedFor(now.Add(time.Hour)) != now.Sub(cut) {
		t.Errorf("limit %d, slowed %v; want 4 and %v", w.limit(), w.slowedFor(now.Add(time.Hour)), now.Sub(cut))
	}
}
