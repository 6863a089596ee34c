package pipeline

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

// runner is one run's moving parts: the goroutine reading the source into
// feed, the scheduler reading feed, and the workers taking targets from
// the scheduler and sending results to out.
type runner struct {
	cfg   Config
	lim   *limiter.Limits
	fetch step
	out   chan<- record.Result
	stop  context.CancelCauseFunc // stops the run with a cause
	jobs  jobs                    // fetches waiting in the scheduler to retry

	feed    chan input.Target // closed by the feeder, its only sender
	quit    chan struct{}     // closed when the run no longer reads feed
	feeder  sync.WaitGroup
	sched   *limiter.Scheduler
	pool    pool
	skipped atomic.Int64
	readErr atomic.Pointer[error]

	taken, unstarted int // set by finish
}

// start starts the feeder and the first worker.
func (r *runner) start(ctx context.Context) {
	r.feeder.Go(r.readSource)
	r.pool.spawn(ctx)
}

// readSource reads the source into feed, numbering the targets it keeps.
func (r *runner) readSource() {
	defer close(r.feed)
	for seq := 0; ; {
		t, err := r.cfg.Source.Next()
		if err != nil {
			if err != io.EOF {
				r.readErr.Store(&err)
				r.stop(err)
			}
			return
		}
		if r.cfg.Skip != nil && r.cfg.Skip(t) {
			r.skipped.Add(1)
			continue
		}
		t.Seq = seq
		seq++
		select {
		case r.feed <- t:
		case <-r.quit:
			return
		}
	}
}

// work makes the next attempt of a target the scheduler handed out. If
// another attempt follows, the target goes back to the scheduler until it
// is due, holding nothing; else its result is sent. A retry due after the
// deadline is not made: the result is the last attempt's.
func (r *runner) work(ctx context.Context, t input.Target, release func()) {
	j := r.jobs.take(t.Seq)
	if j == nil {
		j = finished.Get().(*fetcher.Job)
		j.Reset(t)
	}
	wait, done := r.fetch.Step(ctx, j, release)
	if !done {
		at := time.Now().Add(wait)
		if dl, ok := ctx.Deadline(); !ok || at.Before(dl) {
			r.jobs.put(t.Seq, j)
			r.sched.Retry(j.Target(), at)
			return
		}
		j.Abandon(false)
	}
	r.sched.Finish()
	r.send(j.Result)
	finished.Put(j) // send copied the result: nothing uses j any more
}

// finished holds jobs whose result was sent, for the next targets' jobs:
// one allocation of a Job per worker rather than per target.
var finished = sync.Pool{New: func() any { return new(fetcher.Job) }}

// fail stops the run with err, which Run returns, unless it already has
// an error to return.
func (r *runner) fail(err error) {
	r.readErr.CompareAndSwap(nil, &err)
	r.stop(err)
}

// send hands a result to the consumer, stopping the run first if it is
// the failure --fail-fast waits for.
func (r *runner) send(res record.Result) {
	if r.cfg.FailFast && res.Failed() && res.ErrorKind != record.KindCanceled {
		r.stop(&FailFastError{res})
	}
	r.emit(res)
}

// emit hands a result to Config.Done, if set, and then to the consumer.
func (r *runner) emit(res record.Result) {
	if r.cfg.Done != nil {
		r.done(res)
		return
	}
	r.out <- res // res stays on the stack: the channel holds a copy
}

// done is emit with Config.Done set, apart so that only a run with one
// moves each result to the heap for Done to change it.
func (r *runner) done(res record.Result) {
	r.cfg.Done(&res)
	r.out <- res
}

// finish waits for the workers, then accounts for what the run did not
// finish: URLs waiting to retry end; at the deadline, every target read is
// reported canceled (see Run); else unstarted targets are counted.
func (r *runner) finish(ctx, runCtx context.Context) {
	r.pool.workers.Wait()
	deadline := errors.Is(runCtx.Err(), context.DeadlineExceeded)
	r.taken = r.sched.Taken()
	err := r.sched.Pending(func(t input.Target) {
		switch j := r.jobs.take(t.Seq); {
		case j != nil: // started, and waiting to retry
			j.Abandon(!deadline) // at the deadline, the last attempt's result
			r.emit(j.Result)
		case deadline:
			r.emit(Canceled(t))
		default:
			r.unstarted++
		}
	})
	if err != nil {
		r.fail(err)
	}
	if deadline {
		r.taken += r.drainFeed(ctx)
	}
	close(r.quit)
	if runCtx.Err() == nil {
		r.feeder.Wait() // it has closed feed; a run stopped early does not wait
		// for a read that may never return (a terminal on stdin)
	}
}

// drainFeed reports the targets still to come from feed as canceled, and
// counts them: all of them, until ctx ends, for a source that cannot wait;
// only those already read, for one that may (input.MayWait).
func (r *runner) drainFeed(ctx context.Context) (n int) {
	mayWait := false
	if w, ok := r.cfg.Source.(input.MayWait); ok {
		mayWait = w.MayWait()
	}
	for {
		var t input.Target
		var ok bool
		if mayWait {
			select {
			case t, ok = <-r.feed:
			default:
				return n // what the source has not given is not waited for
			}
		} else {
			select {
			case t, ok = <-r.feed:
			case <-ctx.Done():
				return n
			}
		}
		if !ok {
			return n
		}
		r.emit(Canceled(t))
		n++
	}
}

// pool is the run's workers. Each takes the next target from the
// scheduler itself (one at a time) and makes its next attempt, so a
// finished request's slot goes straight to its worker's next target, with
// no hand-off. A worker is started only when a target may start and no
// other worker is waiting for one, so there are never more than needed,
// nor more than max (one per request in flight: see maxWorkers); they
// live until the run ends. A URL waiting to retry holds no worker.
type pool struct {
	sched   *limiter.Scheduler
	max     int64
	work    func(context.Context, input.Target, func())
	fail    func(error) // stops the run when the scheduler fails
	mu      sync.Mutex  // one worker in sched.Next at a time
	workers sync.WaitGroup
	total   atomic.Int64
	// peak is the most workers at once. Only TestRetriesHoldNoWorker reads
	// it: it is how the invariant "workers never exceed -c" is checked
	// (docs/ARCHITECTURE.md, pipeline), which nothing outside can see. It
	// costs a compare-and-swap per worker started, at most -c a run.
	peak atomic.Int64
	idle atomic.Int64 // workers waiting for a target
}

func (p *pool) spawn(ctx context.Context) {
	n := p.total.Add(1)
	if n > p.max {
		p.total.Add(-1)
		return
	}
	for m := p.peak.Load(); n > m && !p.peak.CompareAndSwap(m, n); m = p.peak.Load() {
	}
	p.workers.Go(func() {
		for {
			p.idle.Add(1)
			p.mu.Lock()
			t, release, err := p.sched.Next(ctx)
			p.mu.Unlock()
			if p.idle.Add(-1) == 0 && err == nil {
				p.spawn(ctx) // nobody is left waiting for the next target
			}
			if err != nil {
				if err != io.EOF && ctx.Err() == nil {
					p.fail(err)
				}
				return
			}
			p.work(ctx, t, release)
		}
	})
}

// jobs are the fetches waiting in the scheduler to retry, by Seq.
type jobs struct {
	mu      sync.Mutex
	waiting map[int]*fetcher.Job
	// peak is the most waiting at once; only the same test reads it, to
	// know it made many URLs wait. One compare under the lock put holds.
	peak int
}

func (js *jobs) put(seq int, j *fetcher.Job) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.waiting == nil {
		js.waiting = map[int]*fetcher.Job{}
	}
	js.waiting[seq] = j
	js.peak = max(js.peak, len(js.waiting))
}

// take returns and forgets the job of seq, or nil when it has made no
// attempt yet.
func (js *jobs) take(seq int) *fetcher.Job {
	js.mu.Lock()
	defer js.mu.Unlock()
	j := js.waiting[seq]
	if j != nil {
		delete(js.waiting, seq)
	}
	return j
}
