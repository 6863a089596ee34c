package crawl

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
)

// TestMaxInFlight reads a crawl as greedily as the run's scheduler does (a
// goroutine calling Next as fast as it returns) while results come back
// one at a time, and checks that no more than MaxInFlight URLs are ever
// handed out and unanswered, and that the crawl still reaches every page
// of a binary tree once.
func TestMaxInFlight(t *testing.T) {
	const pages = 3000
	for _, limit := range []int{1, 8, 100} {
		t.Run(strconv.Itoa(limit), func(t *testing.T) {
			seed, _ := url.Parse("http://h.test/p/0")
			c, err := New(Config{MaxDepth: 100, MaxPages: pages * 2, MaxInFlight: limit}, []input.Target{{URL: seed, Raw: seed.String()}})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var out atomic.Int64
			var most atomic.Int64
			var mu sync.Mutex
			var handed []input.Target
			more := sync.NewCond(&mu)
			done := false
			go func() { // the greedy reader
				for {
					tgt, err := c.Next()
					mu.Lock()
					if errors.Is(err, io.EOF) {
						done = true
						more.Signal()
						mu.Unlock()
						return
					}
					if n := out.Add(1); n > most.Load() {
						most.Store(n)
					}
					handed = append(handed, tgt)
					more.Signal()
					mu.Unlock()
				}
			}()
			fetched := map[string]int{}
			for {
				mu.Lock()
				for len(handed) == 0 && !done {
					more.Wait()
				}
				if len(handed) == 0 {
					mu.Unlock()
					break
				}
				tgt := handed[0]
				handed = handed[1:]
				mu.Unlock()
				fetched[tgt.Raw]++
				n, _ := strconv.Atoi(strings.TrimPrefix(tgt.Raw, "http://h.test/p/"))
				res := record.Result{URL: tgt.Raw, Status: 200}
				for _, k := range []int{2*n + 1, 2*n + 2} {
					if k < pages {
						res.Outlinks = append(res.Outlinks, fmt.Sprintf("http://h.test/p/%d", k))
					}
				}
				out.Add(-1)
				c.Done(&res)
			}
			if m := most.Load(); m > int64(limit) {
				t.Errorf("%d URLs handed out and unanswered at once, MaxInFlight %d", m, limit)
			}
			if len(fetched) != pages {
				t.Errorf("%d pages fetched, want %d", len(fetched), pages)
			}
			for u, n := range fetched {
				if n != 1 {
					t.Errorf("%s fetched %d times", u, n)
				}
			}
		})
	}
}

// TestLinkedFromBounded has two pages link to more URLs than the crawler
// keeps referrers for: the table stops at maxReferred URLs, a broken link
// among them names both pages, and one beyond names only the first.
func TestLinkedFromBounded(t *testing.T) {
	const links = maxReferred + 100
	var seeds []input.Target
	for _, s := range []string{"http://h.test/a", "http://h.test/b"} {
		u, _ := url.Parse(s)
		seeds = append(seeds, input.Target{URL: u, Raw: s})
	}
	c, err := New(Config{MaxDepth: 5, MaxPages: 3 * links}, seeds)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var outlinks []string
	for i := range links {
		outlinks = append(outlinks, fmt.Sprintf("http://h.test/l/%d", i))
	}
	a, _ := c.Next()
	b, _ := c.Next()
	c.Done(&record.Result{URL: a.Raw, Status: 200, Outlinks: outlinks})
	c.Done(&record.Result{URL: b.Raw, Status: 200, Outlinks: outlinks})
	if len(c.refs) != maxReferred {
		t.Fatalf("referrers kept for %d URLs, want the bound %d", len(c.refs), maxReferred)
	}
	for i, want := range [][]string{{a.Raw, b.Raw}, {a.Raw}} {
		var broken record.Result
		for {
			tgt, err := c.Next()
			if err != nil {
				t.Fatal(err)
			}
			res := record.Result{URL: tgt.Raw, Status: 200}
			n, _ := strconv.Atoi(strings.TrimPrefix(tgt.Raw, "http://h.test/l/"))
			if i == 0 && n == 0 || i == 1 && n == links-1 {
				res.Status = 404
				c.Done(&res)
				broken = res
				break
			}
			c.Done(&res)
		}
		if !slices.Equal(broken.LinkedFrom, want) {
			t.Errorf("%s: linked_from %q, want %q", broken.URL, broken.LinkedFrom, want)
		}
	}
}
