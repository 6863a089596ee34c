package pipeline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/robots"
)

// countingGate admits everything and counts admissions by host.
type countingGate struct {
	mu    sync.Mutex
	admit map[string]int
}

func (g *countingGate) Acquire(ctx context.Context, host string) (func(), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.admit[host]++
	return func() {}, nil
}

func (g *countingGate) Pause(string, time.Time) {}

func TestFetchRobotsGoesThroughTheGate(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("User-agent: *\nDisallow: /x\n" + strings.Repeat("#", robots.MaxBytes)))
	})
	mux.HandleFunc("/loop/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/robots.txt", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	g := &countingGate{admit: map[string]int{}}
	f := fetcher.New(fetcher.Options{Timeout: 30 * time.Second}, g)
	defer f.Close()

	u, _ := url.Parse(srv.URL + "/robots.txt")
	status, body, err := f.ReadRobots(context.Background(), u, robots.MaxBytes)
	if err != nil || status != 200 || len(body) != robots.MaxBytes {
		t.Errorf("status %d, %d bytes, %v; want 200 and the first %d bytes", status, len(body), err, robots.MaxBytes)
	}
	if n := g.admit[input.HostKey(u)]; n != 1 {
		t.Errorf("%d admissions by the gate for robots.txt, want 1", n)
	}
	loop, _ := url.Parse(srv.URL + "/loop/robots.txt")
	if _, _, err := f.ReadRobots(context.Background(), loop, robots.MaxBytes); !robots.IsUnavailable(err) {
		t.Errorf("a redirect loop: %v, want robots.txt unavailable", err)
	}
}
