package limiter

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// TestSchedulerSlowHostLeavesRoom checks that a slow host at the head of a
// sorted list (a Crawl-delay) does not fill the window: the other hosts'
// targets, read after thousands of its own, start at once, and its own
// come back from the overflow in input order, one per delay.
func TestSchedulerSlowHostLeavesRoom(t *testing.T) {
	tests := []struct {
		name         string
		window, slow int
	}{
		{"default window, 3000 slow URLs", 0, 3000},
		{"window 16, 40 slow URLs", 16, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var urls []string
			for i := range tt.slow {
				urls = append(urls, fmt.Sprintf("http://slow.test/%d", i))
			}
			var fast []string
			for i := range 10 {
				fast = append(fast, fmt.Sprintf("http://fast.test/%d", i))
			}
			c := newClock()
			s := newTestScheduler(Config{Concurrency: 8}, c, tt.window, append(urls, fast...)...)
			s.lim.Slow(input.HostKey(mustTarget(t, urls[0]).URL), 5*time.Second, t0)
			releases := map[string]func(){}
			done := func() { // every target handed out ends at once
				for k, r := range releases {
					r()
					delete(releases, k)
					s.Finish()
				}
			}
			var got []string
			for raw := take(t, s, releases); raw != ""; raw = take(t, s, releases) {
				got = append(got, raw)
				done()
			}
			want := append([]string{urls[0]}, fast...)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("at the start: %v, want the slow host's first URL and every other host's", got)
			}
			for i := 1; i < tt.slow; i++ {
				c.t = c.t.Add(5 * time.Second)
				if raw := take(t, s, releases); raw != urls[i] {
					t.Fatalf("after %d delays: %q, want %q", i, raw, urls[i])
				}
				done()
				if raw := take(t, s, releases); raw != "" {
					t.Fatalf("after %d delays: %q before the next delay", i, raw)
				}
			}
			if s.over.n != 0 || s.over.file.Size() != 0 {
				t.Errorf("the overflow holds %d targets in %d bytes at the end", s.over.n, s.over.file.Size())
			}
			if err := s.Pending(func(input.Target) { t.Error("a target left") }); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestOverflowRoundTrip checks that a target comes back from the file as
// it went in.
func TestOverflowRoundTrip(t *testing.T) {
	var o overflow
	defer o.close()
	in := []string{"https://user:pw@a.test:8443/p%20q?x=1#f", "a.test/bare", "http://[::1]:80/"}
	for i, raw := range in {
		tg := mustTarget(t, raw)
		tg.Seq, tg.Line, tg.File = i+1000, i+7, "list.txt"
		if err := o.push("k", tg); err != nil {
			t.Fatal(err)
		}
		back, ok, err := o.pop("k")
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if fmt.Sprintf("%+v %s", tg, tg.URL) != fmt.Sprintf("%+v %s", back, back.URL) || !reflect.DeepEqual(tg.URL, back.URL) {
			t.Errorf("%+v came back as %+v", tg, back)
		}
	}
}

// TestOverflowKeepsEachHostsOrder pushes the targets of several hosts
// interleaved (segments of one target), in runs (long segments, read ahead
// in pieces), and one larger than a read ahead, pops them in another
// order, and empties the file between rounds (it is written again from its
// start): every host's targets come back whole and in the order pushed.
func TestOverflowKeepsEachHostsOrder(t *testing.T) {
	long := "http://big.test/" + strings.Repeat("x", readAhead+100)
	tests := []struct {
		name  string
		hosts []string // the host of each push, in order
	}{
		{"interleaved", strings.Split(strings.Repeat("a b c ", 300), " ")},
		{"runs", strings.Split(strings.Repeat("a ", 2000)+strings.Repeat("b ", 10)+strings.Repeat("a ", 500), " ")},
		{"a target larger than a read ahead", []string{"a", "big", "a", "big", "big", "a"}},
	}
	var o overflow
	defer o.close()
	for round := range 2 {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s, round %d", tt.name, round), func(t *testing.T) {
				want := map[string][]string{}
				for i, h := range tt.hosts {
					if h == "" {
						continue
					}
					raw := fmt.Sprintf("http://%s.test/%d", h, i)
					if h == "big" {
						raw = fmt.Sprintf("%s/%d", long, i)
					}
					if err := o.push(h, mustTarget(t, raw)); err != nil {
						t.Fatal(err)
					}
					want[h] = append(want[h], raw)
				}
				for _, h := range slices.Sorted(maps.Keys(want)) { // each host's targets in turn
					for i, raw := range want[h] {
						back, ok, err := o.pop(h)
						if err != nil || !ok || back.Raw != raw || back.URL.String() != raw {
							t.Fatalf("host %s, target %d: %q (%v, %v), want %q", h, i, back.Raw, ok, err, raw)
						}
					}
					if _, ok, _ := o.pop(h); ok {
						t.Fatalf("host %s: more targets than were pushed", h)
					}
				}
				if o.n != 0 || o.file.Size() != 0 {
					t.Errorf("%d targets, %d bytes left", o.n, o.file.Size())
				}
			})
		}
	}
}

// TestOverflowPushesBetweenPops pushes and pops the targets of three
// hosts in a random order, so that targets are written after a read ahead
// went past the file's end, and the file empties and is written again
// from its start now and then: every host's targets come back in the
// order pushed.
func TestOverflowPushesBetweenPops(t *testing.T) {
	var o overflow
	defer o.close()
	rng := rand.New(rand.NewPCG(21, 25))
	want := map[string][]string{}
	hosts := []string{"a", "b", "c"}
	for i := range 20000 {
		h := hosts[rng.IntN(len(hosts))]
		if rng.IntN(2) == 0 {
			raw := fmt.Sprintf("http://%s.test/%d/%s", h, i, strings.Repeat("p", rng.IntN(300)))
			if err := o.push(h, mustTarget(t, raw)); err != nil {
				t.Fatal(err)
			}
			want[h] = append(want[h], raw)
			continue
		}
		back, ok, err := o.pop(h)
		switch {
		case err != nil:
			t.Fatalf("step %d: %v", i, err)
		case len(want[h]) == 0:
			if ok {
				t.Fatalf("step %d: host %s gave %q, none was pushed", i, h, back.Raw)
			}
		case !ok || back.Raw != want[h][0]:
			t.Fatalf("step %d: host %s gave %q (%v), want %q", i, h, back.Raw, ok, want[h][0])
		default:
			want[h] = want[h][1:]
		}
	}
}
