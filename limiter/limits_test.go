package limiter

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestTryHost(t *testing.T) {
	type step struct {
		at      time.Duration // after t0
		release bool          // release one slot instead of trying
		wantOK  bool
		wantAt  time.Duration // -1: zero retryAt (waits for a slot)
	}
	tests := []struct {
		name  string
		cfg   Config
		pause time.Duration
		steps []step
	}{
		{
			name: "per-host slots",
			cfg:  Config{PerHost: 2},
			steps: []step{
				{at: 0, wantOK: true}, {at: 0, wantOK: true}, {at: 0, wantOK: false, wantAt: -1},
				{release: true}, {at: 0, wantOK: true}, {at: time.Hour, wantOK: false, wantAt: -1},
			},
		},
		{
			name: "host rate 4/s, burst 1",
			cfg:  Config{HostRate: 4},
			steps: []step{
				{at: 0, wantOK: true},
				{at: 100 * time.Millisecond, wantOK: false, wantAt: 250 * time.Millisecond},
				{at: 250 * time.Millisecond, wantOK: true},
				{at: 499 * time.Millisecond, wantOK: false, wantAt: 500 * time.Millisecond},
				{at: 500 * time.Millisecond, wantOK: true},
			},
		},
		{
			name:  "pause",
			cfg:   Config{},
			pause: 2 * time.Second,
			steps: []step{
				{at: time.Second, wantOK: false, wantAt: 2 * time.Second},
				{at: 2 * time.Second, wantOK: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(tt.cfg)
			if tt.pause > 0 {
				l.Pause("h:80", t0.Add(tt.pause))
			}
			for i, s := range tt.steps {
				if s.release {
					l.releaseHost("h:80")
					continue
				}
				ok, at, _, _ := l.tryHost("h:80", t0.Add(s.at))
				want := time.Time{}
				if !s.wantOK && s.wantAt >= 0 {
					want = t0.Add(s.wantAt)
				}
				if ok != s.wantOK || !at.Equal(want) {
					t.Fatalf("step %d at +%v: ok=%v retryAt=%v, want ok=%v retryAt=%v", i, s.at, ok, at, s.wantOK, want)
				}
			}
		})
	}
}

// TestIdleHostsDropped checks that the state of idle hosts does not pile up.
func TestIdleHostsDropped(t *testing.T) {
	l := New(Config{PerHost: 1, HostRate: 1000})
	now := time.Now()
	for i := 0; i < 50_000; i++ {
		key := fmt.Sprintf("h%d:80", i)
		if ok, _, _, _ := l.tryHost(key, now); !ok {
			t.Fatal("fresh host refused")
		}
		l.releaseHost(key)
	}
	if n := l.hostCount(); n > 4096 {
		t.Errorf("%d hosts kept after 50,000 came and went", n)
	}
}

// TestReleaseNotHeldPanics checks that giving back more than was taken is
// caught, as x/sync's semaphore catches it, rather than loosening a limit.
func TestReleaseNotHeldPanics(t *testing.T) {
	tests := []struct {
		name    string
		release func(l *Limits)
	}{
		{"host slot never taken", func(l *Limits) { l.releaseHost("h:80") }},
		{"host slot given back twice", func(l *Limits) {
			l.tryHost("h:80", t0)
			l.releaseHost("h:80")
			l.releaseHost("h:80")
		}},
		{"attempt ended twice", func(l *Limits) {
			release, err := l.Acquire(context.Background(), "h:80")
			if err != nil {
				panic("acquire failed: " + err.Error()) // not the panic the test wants
			}
			release()
			release()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, _ := r.(string); s == "" || strings.HasPrefix(s, "acquire ") {
					t.Fatalf("recovered %v, want the limiter's panic", r)
				}
			}()
			tt.release(New(Config{Concurrency: 4, PerHost: 2}))
		})
	}
}

func TestSlow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		hostRate float64
		delay    time.Duration
		wantNext time.Duration // after one start at t0, when the next may start
	}{
		{name: "crawl-delay alone", delay: 2 * time.Second, wantNext: 2 * time.Second},
		{name: "a slower host rate stays", hostRate: 0.25, delay: time.Second, wantNext: 4 * time.Second},
		{name: "a faster host rate is lowered", hostRate: 10, delay: time.Second, wantNext: time.Second},
		{name: "no delay changes nothing", hostRate: 2, wantNext: 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(Config{HostRate: tt.hostRate})
			l.Slow("h:80", tt.delay, t0)
			if ok, _, _, _ := l.tryHost("h:80", t0); !ok {
				t.Fatal("first start refused")
			}
			l.releaseHost("h:80")
			ok, at, _, _ := l.tryHost("h:80", t0.Add(tt.wantNext-time.Millisecond))
			if ok || at.Sub(t0.Add(tt.wantNext)).Abs() > time.Microsecond { // rate.Every rounds
				t.Errorf("just before: ok %v, retry at %v; want refused until %v", ok, at.Sub(t0), tt.wantNext)
			}
			if ok, _, _, _ := l.tryHost("h:80", t0.Add(tt.wantNext)); !ok {
				t.Errorf("refused at %v", tt.wantNext)
			}
		})
	}
}

func TestSlowOutlivesTheSweep(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(Config{})
	l.Slow("h:80", time.Second, t0)
	l.mu.Lock()
	l.host("h:80")
	l.sweep(t0.Add(time.Hour)) // idle with a full bucket: dropped
	n := len(l.hosts)
	l.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d hosts after the sweep, want 0", n)
	}
	for i, at := range []time.Duration{0, 500 * time.Millisecond, time.Second} {
		ok, _, _, _ := l.tryHost("h:80", t0.Add(time.Hour+at))
		if want := i != 1; ok != want {
			t.Errorf("start at +%v: %v, want %v", at, ok, want)
		}
		if ok {
			l.releaseHost("h:80")
		}
	}
}
