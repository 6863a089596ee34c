package cmd

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
)

// TestScrapeProxy runs a scrape through -x to a tiny counting HTTP proxy on
// loopback that answers every request itself. The targets are loopback
// ports where nothing listens, so a request that bypassed the proxy fails
// and no name is ever looked up.
func TestScrapeProxy(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		seen[r.URL.String()]++
		mu.Unlock()
		fmt.Fprintf(w, "<title>via proxy %s</title>", r.URL.Path)
	}))
	defer proxy.Close()

	tests := []struct {
		name  string
		proxy string
	}{
		{"long flag", "--proxy=" + proxy.URL},
		{"curl's -x", "-x" + proxy.Listener.Addr().String()}, // host:port alone is http
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clear(seen)
			list := "http://127.0.0.1:1/a\nhttp://127.0.0.2:1/b\nhttp://[::1]:1/c\n"
			code, out, errOut := run(t, list, "scrape", tt.proxy, "--retries", "0", "-q")
			if code != exit.OK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			recs := parseLines(t, out)
			if len(recs) != 3 {
				t.Fatalf("%d records, want 3: %s", len(recs), out)
			}
			for _, r := range recs {
				if r.Status != 200 || r.Title != "via proxy /"+r.URL[len(r.URL)-1:] {
					t.Errorf("record %+v did not come through the proxy", r)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, u := range []string{"http://127.0.0.1:1/a", "http://127.0.0.2:1/b", "http://[::1]:1/c"} {
				if seen[u] != 1 {
					t.Errorf("the proxy saw %s %d times, want once (all: %v)", u, seen[u], seen)
				}
			}
		})
	}
}
