package crawl

import (
	"errors"
	"fmt"
	"io"
	"net/url"
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
