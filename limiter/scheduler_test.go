package limiter

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// clock is a fake time source: it moves only when the test moves it.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }
func newClock() *clock          { return &clock{t: t0} }

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

// newTestScheduler returns a Scheduler over targets whose clock is c.
func newTestScheduler(cfg Config, c *clock, window int, targets ...string) *Scheduler {
	s := NewScheduler(New(cfg), feed(targets...), window)
	s.now = c.now
	return s
}

// checkInvariants checks what the Scheduler's doc comment promises.
func checkInvariants(t *testing.T, s *Scheduler) {
	t.Helper()
	held := len(s.invalid)
	where := map[string]int{}
	for _, k := range s.ready {
		where[k]++
	}
	for k := range s.parked {
		where[k]++
	}
	for _, h := range s.timed {
		where[h.key]++
	}
	for k, q := range s.queues {
		held += len(q)
		if len(q) == 0 {
			t.Errorf("host %s has an empty queue", k)
		}
		if where[k] != 1 {
			t.Errorf("host %s is in %d of ready, parked and timed, want 1", k, where[k])
		}
	}
	for k := range where {
		if _, ok := s.queues[k]; !ok {
			t.Errorf("host %s has no queue but waits for a turn", k)
		}
	}
	if held != s.pending || s.pending > s.window {
		t.Errorf("pending %d, held %d, window %d", s.pending, held, s.window)
	}
	n := 0
	for k, segs := range s.over.hosts {
		if len(segs) == 0 {
			t.Errorf("host %s is in the overflow with nothing in it", k)
		}
		for _, sg := range segs {
			if s.over.n > 100 {
				break // reading it all at every step would take too long
			}
			for off := sg.off; off < sg.end; n++ {
				_, size, err := s.over.readAt(off, sg.end)
				if err != nil {
					t.Fatal(err)
				}
				off += size
			}
		}
	}
	if n != s.over.n && s.over.n <= 100 {
		t.Errorf("the overflow holds %d targets, counts %d", n, s.over.n)
	}
}

// take polls once and returns the target handed out, or "" when none may
// start now.
func take(t *testing.T, s *Scheduler, releases map[string]func()) string {
	t.Helper()
	tg, release, ok, err := s.poll(context.Background())
	checkInvariants(t, s)
	if err != nil || !ok {
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		return ""
	}
	if release != nil {
		releases[tg.Raw] = release
	}
	return tg.Raw
}

func TestSchedulerNoHeadOfLineBlocking(t *testing.T) {
	var urls []string
	for _, h := range []string{"a", "b", "c", "d"} {
		for i := 0; i < 5; i++ {
			urls = append(urls, fmt.Sprintf("http://%s.test/%d", h, i))
		}
	}
	c := newClock()
	s := newTestScheduler(Config{Concurrency: 8, PerHost: 1}, c, 0, urls...)
	releases := map[string]func(){}
	var first []string
	for range 4 {
		first = append(first, take(t, s, releases))
	}
	if want := []string{"http://a.test/0", "http://b.test/0", "http://c.test/0", "http://d.test/0"}; fmt.Sprint(first) != fmt.Sprint(want) {
		t.Fatalf("first four %v, want every host's first URL %v", first, want)
	}
	if got := take(t, s, releases); got != "" {
		t.Fatalf("%s started with every host at its limit", got)
	}
	if len(s.parked) != 4 {
		t.Errorf("%d hosts parked, want 4", len(s.parked))
	}
	releases["http://c.test/0"]()
	delete(releases, "http://c.test/0")
	if got := take(t, s, releases); got != "http://c.test/1" {
		t.Fatalf("after c.test freed a slot: %q", got)
	}
	for _, r := range releases {
		r()
	}
	n := 5
	for ; ; n++ {
		got := take(t, s, map[string]func(){})
		if got == "" {
			break
		}
		h := input.HostKey(mustTarget(t, got).URL)
		s.lim.releaser(h)()
	}
	if n != len(urls) {
		t.Errorf("handed out %d targets, want %d", n, len(urls))
	}
}

func mustTarget(t *testing.T, raw string) input.Target {
	tg, ok := input.Parse([]byte(raw))
	if !ok || tg.Err != nil {
		t.Fatalf("%q: %v", raw, tg.Err)
	}
	return tg
}

// TestSchedulerWaitsForInstants runs host rates and pauses on the fake
// clock: a host whose wait is not over is set aside, and comes back to the
// turn at its instant, not before.
func TestSchedulerWaitsForInstants(t *testing.T) {
	type step struct {
		at   time.Duration // clock after t0
		want []string      // handed out at that instant, in order
	}
	tests := []struct {
		name  string
		cfg   Config
		pause map[string]time.Duration // host key → paused until t0 + this
		steps []step
	}{
		{
			name: "host rate 2/s",
			cfg:  Config{HostRate: 2},
			steps: []step{
				{0, []string{"http://a.test/0", "http://b.test/0"}},
				{499 * time.Millisecond, nil},
				{500 * time.Millisecond, []string{"http://a.test/1", "http://b.test/1"}},
				{time.Second, []string{"http://a.test/2", "http://b.test/2"}},
				{2 * time.Second, nil},
			},
		},
		{
			name:  "pause",
			cfg:   Config{},
			pause: map[string]time.Duration{"a.test:80": time.Second},
			steps: []step{
				{0, []string{"http://b.test/0", "http://b.test/1", "http://b.test/2"}},
				{999 * time.Millisecond, nil},
				{time.Second, []string{"http://a.test/0", "http://a.test/1", "http://a.test/2"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			s := newTestScheduler(tt.cfg, c, 0,
				"http://a.test/0", "http://a.test/1", "http://a.test/2",
				"http://b.test/0", "http://b.test/1", "http://b.test/2")
			for k, d := range tt.pause {
				s.lim.Pause(k, t0.Add(d))
			}
			for _, st := range tt.steps {
				c.t = t0.Add(st.at)
				var got []string
				releases := map[string]func(){}
				for raw := take(t, s, releases); raw != ""; raw = take(t, s, releases) {
					got = append(got, raw)
				}
				for _, r := range releases {
					r()
				}
				if fmt.Sprint(got) != fmt.Sprint(st.want) {
					t.Fatalf("at +%v: %v, want %v", st.at, got, st.want)
				}
			}
		})
	}
}

// TestSchedulerWindow checks that the window bounds what is held, and that
// Pending gives back what is held and empties it.
func TestSchedulerWindow(t *testing.T) {
	var urls []string
	for i := 0; i < 100; i++ {
		urls = append(urls, fmt.Sprintf("http://h%d.test/", i%3))
	}
	urls[9] = "not a url"
	urls[60] = "not one either"
	c := newClock()
	// 24 hosts' worth of window: each host's share is 3.
	s := newTestScheduler(Config{PerHost: 1}, c, 24, urls...)
	releases := map[string]func(){}
	want := []string{
		"not a url",       // the window's first fill: 3 targets a host, the rest in the overflow
		"not one either",  // read too: the overflow keeps the window from filling
		"http://h0.test/", // then the hosts, one each at --per-host 1
		"http://h1.test/",
		"http://h2.test/",
		"",
	}
	for i, w := range want {
		if got := take(t, s, releases); got != w {
			t.Fatalf("take %d: %q, want %q", i, got, w)
		}
	}
	if s.pending != 3*3 || s.over.n != len(urls)-len(want)+1-s.pending {
		t.Errorf("held %d in the window and %d in the overflow, want 9 and %d", s.pending, s.over.n, len(urls)-len(want)+1-9)
	}
	var pending []input.Target
	if err := s.Pending(func(t input.Target) { pending = append(pending, t) }); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, s)
	if len(pending) != len(urls)-len(want)+1 || s.pending != 0 || s.over.n != 0 {
		t.Errorf("Pending gave %d targets and left %d held, %d in the overflow", len(pending), s.pending, s.over.n)
	}
	for _, r := range releases {
		r()
	}
}

// TestSchedulerGlobalSlot checks that a target handed out holds a global
// slot until released, and that Next ends with io.EOF once every target
// handed out is finished.
func TestSchedulerGlobalSlot(t *testing.T) {
	s := NewScheduler(New(Config{Concurrency: 1}), feed("http://a.test/1", "not a url", "http://a.test/2"), 0)
	ctx := context.Background()
	tg, release, err := s.Next(ctx)
	if err != nil || tg.Err == nil || release != nil {
		t.Fatalf("first target: %+v %v (release set: %v); want the invalid line", tg, err, release != nil)
	}
	s.Finish()
	_, release, err = s.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.lim.global.TryAcquire(1) {
		t.Fatal("a global slot is free at -c 1 with a target handed out")
	}
	release()
	if _, release, err = s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	release()
	s.Finish()
	if _, _, ok, err := s.poll(ctx); ok || err != nil {
		t.Fatalf("poll with a target still active: ok %v, err %v; want it to wait", ok, err)
	}
	s.Finish()
	if _, _, err := s.Next(ctx); err != io.EOF {
		t.Fatalf("after the last target: %v, want io.EOF", err)
	}
}

// TestSchedulerRetry checks that a target given back with Retry holds no
// slot while it waits, comes back at its instant (not before) ahead of its
// host's other targets, and keeps Next from ending while it waits.
func TestSchedulerRetry(t *testing.T) {
	c := newClock()
	s := newTestScheduler(Config{Concurrency: 1, PerHost: 1}, c, 0, "http://a.test/1", "http://a.test/2")
	releases := map[string]func(){}
	if got := take(t, s, releases); got != "http://a.test/1" {
		t.Fatalf("first %q", got)
	}
	releases["http://a.test/1"]()
	first := mustTarget(t, "http://a.test/1")
	s.Retry(first, t0.Add(time.Second))
	if !s.lim.global.TryAcquire(1) {
		t.Fatal("a target waiting to retry holds the global slot")
	}
	s.lim.global.Release(1)
	if got := take(t, s, releases); got != "http://a.test/2" {
		t.Fatalf("while /1 waits: %q, want /2", got)
	}
	releases["http://a.test/2"]()
	s.Finish()
	c.t = t0.Add(999 * time.Millisecond)
	if got := take(t, s, releases); got != "" {
		t.Fatalf("%q handed out before its retry is due", got)
	}
	c.t = t0.Add(time.Second)
	if got := take(t, s, releases); got != "http://a.test/1" {
		t.Fatalf("at its instant: %q, want the retry", got)
	}
	releases["http://a.test/1"]()
	s.Retry(first, t0.Add(2*time.Second))
	var p []input.Target
	if err := s.Pending(func(t input.Target) { p = append(p, t) }); err != nil || len(p) != 1 || p[0].Raw != "http://a.test/1" {
		t.Fatalf("Pending %v (%v), want the retry", p, err)
	}
}
