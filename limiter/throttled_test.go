package limiter

import (
	"testing"
	"time"
)

// TestThrottledHostNeverAnswers checks that a host whose every attempt
// times out is never probed beyond its window: two at first, then one at
// a time, and never none.
func TestThrottledHostNeverAnswers(t *testing.T) {
	l := New(Config{PerHost: 8, Throttle: ThrottleAuto})
	const key = "dead.test:80"
	now := t0
	var held []func()
	var sent []time.Time
	for step := range 20 {
		for {
			ok, _, wake, release := l.tryHost(key, now)
			if !ok {
				if wake == nil {
					t.Fatalf("step %d: refused with no slot to wait for", step)
				}
				break
			}
			held, sent = append(held, release), append(sent, now)
		}
		limit := l.hosts[key].win.limit()
		if len(held) > max(limit, startWindow) || len(held) == 0 {
			t.Fatalf("step %d: %d in flight with a window of %d", step, len(held), limit)
		}
		if step > 0 && len(held) != 1 {
			t.Fatalf("step %d: %d in flight after timeouts, want 1", step, len(held))
		}
		now = now.Add(10 * time.Second) // the oldest attempt times out
		l.answered(key, Answer{Sent: sent[0], Overload: CauseFailure}, now)
		held[0]()
		held, sent = held[1:], sent[1:]
	}
	if r := l.Throttled(now); r.Slowed != 1 || r.CutsBy(CauseFailure) == 0 || r.Longest.Host != key || r.Longest.Window != 1 {
		t.Errorf("report %+v: want one host slowed by timeouts, at a window of 1", r)
	}
}

// TestThrottledWakesOnGrowth checks that a host refused a slot is woken
// when its window grows, not only when a request ends: an answer ends the
// round that grows the window before the slot is given back.
func TestThrottledWakesOnGrowth(t *testing.T) {
	l := New(Config{PerHost: 8, Throttle: ThrottleAuto})
	const key = "a.test:80"
	var held []func()
	for range startWindow {
		ok, _, _, release := l.tryHost(key, t0)
		if !ok {
			t.Fatal("refused within the start window")
		}
		held = append(held, release)
	}
	if ok, _, wake, _ := l.tryHost(key, t0); ok || wake == nil {
		t.Fatal("a third request started in a window of 2")
	}
	for i := range startWindow {
		l.answered(key, Answer{Sent: t0, Latency: 50 * time.Millisecond}, t0.Add(50*time.Millisecond))
		if freed := l.takeFreed(); i == startWindow-1 && len(freed) != 1 {
			t.Fatalf("the window grew to %d with 2 in flight and a waiter, freed %v", l.hosts[key].win.limit(), freed)
		}
	}
	for _, release := range held {
		release()
	}
}

// TestThrottleOffKeepsPerHost checks that ThrottleOff keeps PerHost
// slots and no window.
func TestThrottleOffKeepsPerHost(t *testing.T) {
	l := New(Config{PerHost: 3})
	for i := range 4 {
		ok, _, _, _ := l.tryHost("a.test:80", t0)
		if ok != (i < 3) {
			t.Fatalf("attempt %d: admitted %v", i, ok)
		}
	}
	l.answered("a.test:80", Answer{Sent: t0, Overload: CauseStatus}, t0)
	if l.hosts["a.test:80"].win != nil || l.Throttled(t0).Slowed != 0 {
		t.Error("a window under ThrottleOff")
	}
}
