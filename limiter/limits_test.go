package limiter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/input"
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
			name: "host rate 2/s, burst 3",
			cfg:  Config{HostRate: 2, HostBurst: 3},
			steps: []step{
				{at: 0, wantOK: true}, {at: 0, wantOK: true}, {at: 0, wantOK: true},
				{at: 0, wantOK: false, wantAt: 500 * time.Millisecond},
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
					l.ReleaseHost("h:80")
					continue
				}
				ok, at := l.TryHost("h:80", t0.Add(s.at))
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
		if ok, _ := l.TryHost(key, now); !ok {
			t.Fatal("fresh host refused")
		}
		l.ReleaseHost(key)
	}
	if n := l.Hosts(); n > 4096 {
		t.Errorf("%d hosts kept after 50,000 came and went", n)
	}
}

func feed(targets ...string) chan input.Target {
	ch := make(chan input.Target, len(targets))
	for i, raw := range targets {
		t, _ := input.Parse([]byte(raw))
		t.Seq = i
		ch <- t
	}
	close(ch)
	return ch
}

// TestSchedulerNoHeadOfLineBlocking checks that a list sorted by host hands
// out every host's first URL before waiting on any one host.
func TestSchedulerNoHeadOfLineBlocking(t *testing.T) {
	var urls []string
	for _, h := range []string{"a", "b", "c", "d"} {
		for i := 0; i < 5; i++ {
			urls = append(urls, fmt.Sprintf("http://%s.test/%d", h, i))
		}
	}
	l := New(Config{Concurrency: 8, PerHost: 1})
	s := NewScheduler(l, feed(urls...), 0)
	ctx := context.Background()
	seen := map[string]func(){}
	for i := 0; i < 4; i++ {
		tg, release, err := s.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		host := tg.URL.Host
		if seen[host] != nil {
			t.Fatalf("host %s handed out twice while others wait", host)
		}
		seen[host] = release
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if tg, _, err := s.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a fifth target %v started with every host at its limit", tg.Raw)
	}
	seen["c.test"]()
	delete(seen, "c.test")
	tg, release, err := s.Next(ctx)
	if err != nil || tg.URL.Host != "c.test" {
		t.Fatalf("after c.test freed a slot: %v %v", tg.Raw, err)
	}
	release()
	for _, r := range seen {
		r()
	}
	n := 5
	for {
		_, release, err := s.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		release()
		n++
	}
	if n != len(urls) {
		t.Errorf("handed out %d targets, want %d", n, len(urls))
	}
}

func TestSchedulerInvalidFirstAndPending(t *testing.T) {
	l := New(Config{Concurrency: 1})
	s := NewScheduler(l, feed("http://a.test/1", "not a url", "http://a.test/2"), 0)
	ctx := context.Background()
	tg, release, err := s.Next(ctx)
	if err != nil || tg.Err == nil || release != nil {
		t.Fatalf("first target: %+v %v (release set: %v); want the invalid line", tg, err, release != nil)
	}
	_, release, err = s.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, _, err := s.Next(short); err == nil {
		t.Fatal("second request started beyond -c 1")
	}
	release()
	if p := s.Pending(); len(p) != 1 || p[0].Raw != "http://a.test/2" {
		t.Fatalf("pending %+v", p)
	}
}
