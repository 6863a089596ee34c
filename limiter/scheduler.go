package limiter

import (
	"container/heap"
	"context"
	"errors"
	"io"
	"slices"
	"sync/atomic"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// defaultWindow is the least count of pending targets a Scheduler holds by
// default; see Window.
const defaultWindow = 2048

// Window is the default window for a concurrency: defaultWindow, or four
// targets per slot when that is more.
func Window(concurrency int) int { return max(defaultWindow, 4*concurrency) }

// Scheduler holds a bounded window of pending targets, read from a channel,
// and hands out the next one whose host may start now, so that a list sorted
// by host does not run one host at a time. Hosts take turns; a host that must
// wait (its slots are full, its rate spent, or it asked for a pause) is set
// aside until it may start, and never blocks the others. Next is for one
// goroutine at a time.
//
// Invariants, checked after every step by scheduler_test.go:
//   - pending counts the targets held: len(invalid) plus the length of every
//     queue. It never exceeds window; fill reads no more.
//   - Every host with a queue is in exactly one of ready (its turn will
//     come), parked (waiting for one of its requests to end; Limits names it
//     in takeFreed when one does) or timed (waiting for an instant: its rate
//     or a pause). A host with no queue is in none of them.
//   - Queues are never empty: a host's queue is deleted with its last target.
//   - A target handed out is active until the caller says Finish (done) or
//     Retry (due again at an instant). A target given back with Retry waits
//     in retries, in no host's queue and not counted in pending, until it
//     is due; then it joins the front of its host's queue. fill reads no
//     input while window targets wait to retry, so memory stays bounded.
//   - Next returns io.EOF only when the input is closed and nothing is
//     held, waiting to retry, or active (an active target may come back).
//   - A host's queue holds at most its share of the window (window/8, at
//     least 1) of targets read from the input: more of its targets wait in
//     overflow, a temporary file, not counted in pending, and join its
//     queue in input order as it empties (fill). So a slow host at the
//     head of a sorted list never owns the whole window (retries and
//     targets put back may join a full queue; pending still bounds them).
//   - A Scheduler is the only reader of its Limits' freed hosts: one
//     Scheduler per Limits.
type Scheduler struct {
	lim    *Limits
	in     <-chan input.Target
	inDone bool
	window int
	now    func() time.Time // the clock; tests set their own

	pending int            // targets held, invalid ones included
	taken   int            // targets read from the input
	invalid []input.Target // need no request: handed out first
	queues  map[string][]input.Target
	ready   []string        // hosts to try, in turn
	parked  map[string]bool // hosts waiting for a slot to free
	timed   timedHosts      // hosts waiting for an instant
	over    overflow        // targets beyond their host's share
	err     error           // the overflow failed: Next returns it

	retries retryHeap    // targets waiting to retry, by due instant
	back    backlog      // targets given back by Retry, not yet in retries
	active  atomic.Int64 // targets handed out, not yet finished or back
}

// NewScheduler returns a Scheduler taking targets from in (until it is
// closed) and limits from lim, holding at most window pending targets
// (defaultWindow if window <= 0). lim must serve no other Scheduler.
func NewScheduler(lim *Limits, in <-chan input.Target, window int) *Scheduler {
	if window <= 0 {
		window = defaultWindow
	}
	return &Scheduler{
		lim: lim, in: in, window: window, now: time.Now,
		queues: map[string][]input.Target{}, parked: map[string]bool{},
		back: backlog{wake: make(chan struct{}, 1)},
	}
}

// Next blocks until a target may start, and returns it. For a usable URL it
// has taken the target's host slot and a global slot and waited for the rates;
// release gives them back. A target that carries an error needs no request
// and comes with a nil release. Every target handed out must be ended with
// Finish or Retry. Next returns io.EOF when the input is closed and every
// target is finished, and ctx's error when it ends.
func (s *Scheduler) Next(ctx context.Context) (t input.Target, release func(), err error) {
	for {
		t, release, ok, err := s.poll(ctx)
		if ok || err != nil {
			return t, release, err
		}
		if err := s.wait(ctx); err != nil {
			return input.Target{}, nil, err
		}
	}
}

// poll hands out a target if one may start now, without waiting for any
// host: ok is false when none may. It may still wait for a global slot and
// the global rate, which every host needs alike. err is io.EOF when every
// target was handed out and the input is closed.
func (s *Scheduler) poll(ctx context.Context) (t input.Target, release func(), ok bool, err error) {
	s.fill()
	if s.err != nil {
		return input.Target{}, nil, false, s.err
	}
	if len(s.invalid) > 0 {
		t = s.invalid[0]
		s.invalid = s.invalid[1:]
		s.pending--
		s.active.Add(1)
		return t, nil, true, nil
	}
	now := s.now()
	s.takeBack()
	s.wakeRetries(now)
	s.wake(now)
	for len(s.ready) > 0 {
		key := s.ready[0]
		if len(s.ready) == 1 {
			s.ready = s.ready[:0] // the array is kept: one host taking turns alone allocates nothing
		} else {
			s.ready = s.ready[1:]
		}
		ok, at, _, release := s.lim.tryHost(key, now)
		if !ok {
			if at.IsZero() {
				s.parked[key] = true
			} else {
				heap.Push(&s.timed, timedHost{at, key})
			}
			continue
		}
		t = s.take(key)
		until, err := s.lim.startOn(ctx, key, s.now)
		if err != nil {
			s.putBack(key, t)
			return input.Target{}, nil, false, err
		}
		if !until.IsZero() {
			// The host asked for a pause while we waited for a slot.
			s.putBack(key, t)
			s.dropFromReady(key)
			heap.Push(&s.timed, timedHost{until, key})
			now = s.now()
			continue
		}
		s.active.Add(1)
		return t, release, true, nil
	}
	// active is read before the backlog: Retry adds its target before it
	// stops counting it as active, so nothing can slip between the two.
	if s.inDone && s.pending == 0 && s.active.Load() == 0 {
		if s.takeBack(); len(s.retries) == 0 {
			return input.Target{}, nil, false, io.EOF
		}
	}
	return input.Target{}, nil, false, nil
}

// fill moves targets from the input into the window, without blocking: once
// the window has room for a batch, up to that many, so that the goroutine
// feeding the input is woken once a batch rather than once a target.
func (s *Scheduler) fill() {
	s.refill()
	if s.pending > s.window-s.batch() || len(s.retries) >= s.window {
		return
	}
	for !s.inDone && s.pending < s.window {
		select {
		case t, ok := <-s.in:
			if !ok {
				s.inDone = true
				return
			}
			s.add(t)
		default:
			return
		}
	}
}

// batch is how many targets fill waits to have room for.
func (s *Scheduler) batch() int { return min(64, max(1, s.window/4)) }

// share is how many targets read from the input a host's queue holds at
// most; the rest of them wait in the overflow.
func (s *Scheduler) share() int { return max(1, s.window/8) }

// refill moves targets from the overflow to their hosts' queues, up to
// each host's share, while the window has room.
func (s *Scheduler) refill() {
	for key := range s.over.hosts {
		for len(s.queues[key]) < s.share() && s.pending < s.window {
			t, ok, err := s.over.pop(key)
			if err != nil {
				s.err = err
				return
			}
			if !ok {
				break
			}
			s.enqueue(key, t)
		}
	}
}

func (s *Scheduler) add(t input.Target) {
	s.taken++
	if t.Err != nil {
		s.pending++
		s.invalid = append(s.invalid, t)
		return
	}
	key := input.HostKey(t.URL)
	if s.over.has(key) || len(s.queues[key]) >= s.share() {
		if err := s.over.push(key, t); err == nil {
			return
		}
		// A failed spill keeps the target in the window, as if there
		// were no share: the run goes on, only less fairly.
	}
	s.enqueue(key, t)
}

// enqueue appends t to the queue of host key, and the host to the turn if
// it had no queue.
func (s *Scheduler) enqueue(key string, t input.Target) {
	s.pending++
	q, known := s.queues[key]
	s.queues[key] = append(q, t)
	if !known {
		s.ready = append(s.ready, key)
	}
}

// take removes the first target of host key; the host goes to the back of
// the turn if it has more.
func (s *Scheduler) take(key string) input.Target {
	q := s.queues[key]
	t := q[0]
	q[0] = input.Target{}
	s.pending--
	if len(q) == 1 {
		delete(s.queues, key)
	} else {
		s.queues[key] = q[1:]
		s.ready = append(s.ready, key)
	}
	return t
}

func (s *Scheduler) putBack(key string, t input.Target) {
	s.pending++
	q, known := s.queues[key]
	s.queues[key] = append([]input.Target{t}, q...)
	if !known {
		s.ready = append(s.ready, key)
	}
}

// dropFromReady takes key out of the turn, where take or putBack may have
// put it.
func (s *Scheduler) dropFromReady(key string) {
	s.ready = slices.DeleteFunc(s.ready, func(k string) bool { return k == key })
}

// wake returns to the turn the hosts whose wait is over.
func (s *Scheduler) wake(now time.Time) {
	for _, key := range s.lim.takeFreed() {
		if s.parked[key] {
			delete(s.parked, key)
			s.ready = append(s.ready, key)
		}
	}
	for len(s.timed) > 0 && !s.timed[0].at.After(now) {
		s.ready = append(s.ready, heap.Pop(&s.timed).(timedHost).key)
	}
}

// wait blocks until something may have changed: a target arrives, a host
// slot frees, a host's wait ends, or ctx ends.
func (s *Scheduler) wait(ctx context.Context) error {
	in := s.in
	if s.inDone || s.pending >= s.window || len(s.retries) >= s.window {
		in = nil
	}
	if len(s.parked) > 0 && len(s.timed) == 0 && (s.inDone || s.pending >= s.window) && s.lim.atCeiling(s.parked) {
		// Held back by per-host caps alone: see Limits.HostCapWait.
		start := s.now()
		defer func() { s.lim.hostCapped.Add(int64(s.now().Sub(start))) }()
	}
	var timer <-chan time.Time
	if at, ok := s.nextInstant(); ok {
		t := time.NewTimer(at.Sub(s.now()))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case t, ok := <-in:
		if !ok {
			s.inDone = true
		} else {
			s.add(t)
		}
	case <-s.lim.changed:
	case <-s.back.wake:
	case <-timer:
	}
	return nil
}

// nextInstant is the earliest instant a host or a retry waits for.
func (s *Scheduler) nextInstant() (at time.Time, ok bool) {
	if len(s.timed) > 0 {
		at, ok = s.timed[0].at, true
	}
	if len(s.retries) > 0 && (!ok || s.retries[0].at.Before(at)) {
		at, ok = s.retries[0].at, true
	}
	return at, ok
}

// Taken is how many targets the Scheduler has read from its input. Call it
// from the goroutine that calls Next, or once none does.
func (s *Scheduler) Taken() int { return s.taken }

// Pending calls yield with each target still held, those waiting to retry
// and those in the overflow included, for a run that ends to account for
// them, and empties the window and removes the overflow's file. Call it
// once no goroutine calls Next. The error is the overflow's: the targets
// it could not read are not yielded.
func (s *Scheduler) Pending(yield func(input.Target)) error {
	for _, t := range append(s.pendingRetries(), s.invalid...) {
		yield(t)
	}
	for _, q := range s.queues {
		for _, t := range q {
			yield(t)
		}
	}
	s.invalid, s.queues, s.ready, s.timed, s.pending = nil, map[string][]input.Target{}, nil, nil, 0
	clear(s.parked)
	err := s.over.each(yield)
	return errors.Join(err, s.over.close())
}

type timedHost struct {
	at  time.Time
	key string
}

// timedHosts is a min-heap of hosts by the instant they may start.
type timedHosts []timedHost

func (h timedHosts) Len() int           { return len(h) }
func (h timedHosts) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timedHosts) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timedHosts) Push(x any)        { *h = append(*h, x.(timedHost)) }
func (h *timedHosts) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
