// Package benchsite is the local web site that fanout bench and fanout serve
// fetch from, and the one the tests build on: generated pages under /page/
// with optional latency, jitter, errors and dropped connections. Every Site
// counts what it sees, for tests and benchmarks to measure from the
// server's side: requests, the most ever in flight, and (when asked) each
// arrival's time. The hostile endpoints live
// in internal/testsite, which only tests import, so they are not part of the
// released binary.
package benchsite

import (
	"fmt"
	"math/rand/v2"
	"net"
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
	FailFirst  int           // each page's first FailFirst requests get their connection reset at once, before Latency
	RecordTime bool          // keep every arrival's time (for rate tests)
	Lean       bool          // count requests only: no Hits, no Arrivals (for benchmarks)
	// Capacity, when positive, makes the site a host that copes with so
	// many requests at once: see capacity.go.
	Capacity int
	Pieces   int           // deliver every body in flushed pieces of at most this many bytes (see Pieces)
	Gap      time.Duration // with Pieces, the pause between pieces
	// GraphPages is how many pages the site graph under GraphPath has (0:
	// none); GraphExternal is the base URL (scheme://host:port) its links
	// to another host go to (graph.go).
	GraphPages    int
	GraphExternal string
	// Extra serves every path other than /page/ and GraphPath (nil: 404,
	// and a robots.txt that disallows /private/), counted like the pages;
	// internal/testsite puts its hostile endpoints here.
	Extra http.Handler
}

// Site is an http.Handler serving the test site. Its counters are safe to
// read while it serves.
type Site struct {
	opts     Options
	mux      *http.ServeMux
	handler  http.Handler // mux, in pieces if Options.Pieces
	requests atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64

	load load // with Options.Capacity

	mu       sync.Mutex
	arrivals []time.Time
	hits     map[string]int
	failed   map[int]int // page → requests reset, with FailFirst
}

// New returns a Site.
func New(opts Options) *Site {
	if opts.PageSize <= 0 {
		opts.PageSize = 2048
	}
	s := &Site{opts: opts, mux: http.NewServeMux(), hits: map[string]int{}, failed: map[int]int{}}
	s.load.capacity.Store(int64(opts.Capacity))
	s.mux.HandleFunc("/page/", s.page)
	s.mux.HandleFunc(GraphPath, s.graph)
	if opts.Extra != nil {
		s.mux.Handle("/", opts.Extra)
	} else {
		s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
		})
	}
	s.handler = Pieces(s.mux, opts.Pieces, opts.Gap)
	return s
}

// Requests is how many requests arrived.
func (s *Site) Requests() int64 { return s.requests.Load() }

// MaxInFlight is the most requests ever served at once: tests read it to
// check a limit from the server's side, as the package's doc says.
func (s *Site) MaxInFlight() int64 { return s.maxIn.Load() }

// Arrivals returns a copy of every arrival time, if Options.RecordTime.
func (s *Site) Arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// MostInWindow is the most arrivals within any window of time, if
// Options.RecordTime.
func (s *Site) MostInWindow(window time.Duration) int {
	arrivals := s.Arrivals()
	most, j := 0, 0
	for i := range arrivals {
		for j < len(arrivals) && arrivals[j].Sub(arrivals[i]) < window {
			j++
		}
		most = max(most, j-i)
	}
	return most
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
	if !s.opts.Lean || s.opts.RecordTime {
		s.mu.Lock()
		if s.opts.RecordTime {
			s.arrivals = append(s.arrivals, time.Now())
		}
		if !s.opts.Lean {
			s.hits[r.URL.RequestURI()]++
		}
		s.mu.Unlock()
	}
	s.handler.ServeHTTP(w, r)
}

// Page returns generated page n: size bytes of HTML (at least its head and
// tail), titled "Page n".
func Page(n, size int) []byte {
	return appendPage(nil, n, size)
}

const pageTail = "</body></html>\n"

// filler is the body text pages are cut from, made on first use: made at
// init, it cost every fanout command (scrape and version too) 7 ms of CPU
// and 5 MB of allocations at start (GODEBUG=inittrace=1).
var filler = sync.OnceValue(func() string {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "<p>Paragraph %d: lorem ipsum dolor sit amet, consectetur adipiscing.</p>\n", i)
	}
	return b.String()
})

func appendPage(b []byte, n, size int) []byte {
	b = append(b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Page "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, "</title></head>\n<body>\n"...)
	filler := filler()
	for len(b)+len(pageTail) < size {
		b = append(b, filler[:min(len(filler), size-len(pageTail)-len(b))]...)
	}
	return append(b, pageTail...)
}

var pageBufs = sync.Pool{New: func() any { return new([]byte) }}

var htmlType = []string{"text/html; charset=utf-8"}

func (s *Site) page(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/page/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if s.opts.FailFirst > 0 && s.failFirst(n) {
		drop(w) // at once, before any latency: a fault, not a slow page
		return
	}
	d := s.opts.Latency + randDuration(s.opts.Jitter)
	if s.load.capacity.Load() > 0 {
		var over bool
		if d, over = s.load.admit(s.opts.Latency, s.inFlight.Load()); over {
			http.Error(w, "over capacity", http.StatusServiceUnavailable)
			return
		}
	}
	if d > 0 {
		if !Wait(r, d) {
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
	buf := pageBufs.Get().(*[]byte)
	*buf = appendPage((*buf)[:0], n, s.opts.PageSize)
	w.Header()["Content-Type"] = htmlType
	w.Write(*buf)
	pageBufs.Put(buf)
}

// failFirst reports whether this request for page n is one of its first
// FailFirst, and counts it.
func (s *Site) failFirst(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed[n] >= s.opts.FailFirst {
		return false
	}
	s.failed[n]++
	return true
}

func randDuration(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return rand.N(max)
}

// Wait sleeps d or until r's client goes, and reports whether d passed.
// Handlers use it instead of time.Sleep, so a gone client frees them.
func Wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// drop closes the connection without a response, resetting it (an RST
// rather than a FIN where it can).
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
