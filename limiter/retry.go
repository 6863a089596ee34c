package limiter

import (
	"container/heap"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// Retry gives back a target handed out by Next whose next attempt is due
// at at: the Scheduler holds it, with no goroutine and no slot, and hands it
// out again once at has passed and its host may start, ahead of the host's
// other targets. It is safe to call from any goroutine.
func (s *Scheduler) Retry(t input.Target, at time.Time) {
	s.back.mu.Lock()
	s.back.items = append(s.back.items, retryItem{at, t})
	s.back.any.Store(true)
	s.back.mu.Unlock()
	s.active.Add(-1) // after the item is in: see poll's end-of-input check
	s.back.signal()
}

// Finish says that a target handed out by Next is done: it will not come
// back with Retry. It is safe to call from any goroutine.
func (s *Scheduler) Finish() {
	if s.active.Add(-1) == 0 {
		s.back.signal() // Next may be waiting to see whether anything comes back
	}
}

// backlog is where Retry leaves targets for the Scheduler's goroutine.
type backlog struct {
	mu    sync.Mutex
	items []retryItem
	any   atomic.Bool   // items is not empty
	wake  chan struct{} // a token when items grew or the last active target finished
}

func (b *backlog) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// takeBack moves the targets given back by Retry into the retry heap.
func (s *Scheduler) takeBack() {
	if !s.back.any.Load() {
		return
	}
	s.back.mu.Lock()
	items := s.back.items
	s.back.items = nil
	s.back.any.Store(false)
	s.back.mu.Unlock()
	for _, it := range items {
		heap.Push(&s.retries, it)
	}
}

// wakeRetries queues the retries due at now, each at the front of its
// host's queue.
func (s *Scheduler) wakeRetries(now time.Time) {
	for len(s.retries) > 0 && !s.retries[0].at.After(now) {
		it := heap.Pop(&s.retries).(retryItem)
		s.putBack(input.HostKey(it.t.URL), it.t)
	}
}

// pendingRetries returns the targets waiting to retry and forgets them.
func (s *Scheduler) pendingRetries() []input.Target {
	s.takeBack()
	out := make([]input.Target, 0, len(s.retries))
	for _, it := range s.retries {
		out = append(out, it.t)
	}
	s.retries = nil
	return out
}

type retryItem struct {
	at time.Time
	t  input.Target
}

// retryHeap is a min-heap of targets by the instant they are due.
type retryHeap []retryItem

func (h retryHeap) Len() int           { return len(h) }
func (h retryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h retryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *retryHeap) Push(x any)        { *h = append(*h, x.(retryItem)) }
func (h *retryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
