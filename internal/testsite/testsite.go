// Package testsite is the local web site that fanout's tests and its bench
// command fetch from: generated pages with optional latency and errors, and
// hostile endpoints that never answer, trickle, never end, inflate, loop,
// reset, or lie. Every Site counts what it sees: requests, requests in flight
// and the most ever in flight, and (when asked) each arrival's time.
package testsite

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options shape the generated pages under /page/.
type Options struct {
	PageSize   int           // bytes of each generated page; default 2048
	Latency    time.Duration // wait before each /page/ response
	Jitter     time.Duration // plus a uniform random wait up to this
	ErrorRate  float64       // share of /page/ requests answered 500
	DropRate   float64       // share of /page/ requests whose connection is dropped
	RecordTime bool          // keep every arrival's time (for rate tests)
}

// Site is an http.Handler serving the test site. Its counters are safe to
// read while it serves.
type Site struct {
	opts     Options
	mux      *http.ServeMux
	requests atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64

	mu       sync.Mutex
	arrivals []time.Time
	hits     map[string]int
}

// New returns a Site.
func New(opts Options) *Site {
	if opts.PageSize <= 0 {
		opts.PageSize = 2048
	}
	s := &Site{opts: opts, mux: http.NewServeMux(), hits: map[string]int{}}
	s.routes()
	return s
}

// Requests is how many requests arrived.
func (s *Site) Requests() int64 { return s.requests.Load() }

// InFlight is how many requests are being served now.
func (s *Site) InFlight() int64 { return s.inFlight.Load() }

// MaxInFlight is the most requests ever served at once.
func (s *Site) MaxInFlight() int64 { return s.maxIn.Load() }

// Arrivals returns a copy of every arrival time, if Options.RecordTime.
func (s *Site) Arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// Hits is how many requests arrived for path (query included).
func (s *Site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// ServeHTTP counts the request and serves it.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxIn.Load()
		if n <= m || s.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	s.mu.Lock()
	if s.opts.RecordTime {
		s.arrivals = append(s.arrivals, time.Now())
	}
	s.hits[r.URL.RequestURI()]++
	s.mu.Unlock()
	s.mux.ServeHTTP(w, r)
}

// Page returns generated page n: size bytes of HTML, titled "Page n".
func Page(n, size int) []byte {
	head := fmt.Sprintf("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Page %d</title></head>\n<body>\n", n)
	tail := "</body></html>\n"
	b := make([]byte, 0, max(size, len(head)+len(tail)))
	b = append(b, head...)
	for i := 0; len(b)+len(tail) < size; i++ {
		line := fmt.Sprintf("<p>Paragraph %d of page %d: lorem ipsum dolor sit amet.</p>\n", i, n)
		b = append(b, line[:min(len(line), size-len(tail)-len(b))]...)
	}
	return append(b, tail...)
}

func (s *Site) page(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/page/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if d := s.opts.Latency + randDuration(s.opts.Jitter); d > 0 {
		if !wait(r, d) {
			return
		}
	}
	switch p := rand.Float64(); {
	case p < s.opts.DropRate:
		drop(w)
		return
	case p < s.opts.DropRate+s.opts.ErrorRate:
		http.Error(w, "injected error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(Page(n, s.opts.PageSize))
}

func randDuration(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return rand.N(max)
}

// wait sleeps d or until the client goes, and reports whether d passed.
func wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// drop closes the connection without a response, resetting it.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	resetClose(conn)
}
