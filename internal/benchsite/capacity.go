package benchsite

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// load is the model of a host with a capacity (Options.Capacity): a page
// request arriving with n requests in flight (itself included) waits
// Latency × n/capacity, and at least Latency; one arriving with more than
// twice the capacity in flight is answered 503 at once. It counts what it
// sees, so that tests and benchmarks measure from the server's side.
type load struct {
	capacity atomic.Int64

	mu       sync.Mutex
	waits    map[time.Duration]int // answers by the wait they got
	rejected int
	peak     int64
}

// admit decides the wait of a page request arriving with inFlight in
// flight, or that it is over capacity.
func (l *load) admit(latency time.Duration, inFlight int64) (wait time.Duration, over bool) {
	c := l.capacity.Load()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.peak = max(l.peak, inFlight)
	if inFlight > 2*c {
		l.rejected++
		return 0, true
	}
	wait = latency * time.Duration(max(inFlight, c)) / time.Duration(c)
	if l.waits == nil {
		l.waits = map[time.Duration]int{}
	}
	l.waits[wait]++
	return wait, false
}

// SetCapacity changes the capacity (Options.Capacity) from now on: a host
// that recovers, or falls ill. It does nothing on a site made without one.
func (s *Site) SetCapacity(n int) {
	if n > 0 && s.load.capacity.Load() > 0 {
		s.load.capacity.Store(int64(n))
	}
}

// Load is what a site with a capacity saw of its pages' requests.
type Load struct {
	Answered   int           // pages answered (not 503)
	Rejected   int           // requests answered 503, over twice the capacity
	MedianWait time.Duration // the median wait of the answered pages
	Peak       int           // most requests in flight at an arrival, the arriving one included
}

// RejectedShare is Rejected over all the page requests.
func (l Load) RejectedShare() float64 {
	if n := l.Answered + l.Rejected; n > 0 {
		return float64(l.Rejected) / float64(n)
	}
	return 0
}

// Load reports what the site saw, if made with Options.Capacity.
func (s *Site) Load() Load {
	l := &s.load
	l.mu.Lock()
	defer l.mu.Unlock()
	out := Load{Rejected: l.rejected, Peak: int(l.peak)}
	waits := make([]time.Duration, 0, len(l.waits))
	for w, n := range l.waits {
		waits = append(waits, w)
		out.Answered += n
	}
	slices.Sort(waits)
	seen := 0
	for _, w := range waits {
		if seen += l.waits[w]; 2*seen > out.Answered {
			out.MedianWait = w
			break
		}
	}
	return out
}
