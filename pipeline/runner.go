package pipeline

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

// runner is one run's moving parts: the goroutine reading the source into
// feed, the scheduler reading feed, and the workers taking targets from
// the scheduler and sending results to out.
type runner struct {
	cfg   Config
	fetch fetch
	out   chan<- record.Result
	stop  context.CancelCauseFunc // stops the run with a cause

	feed    chan input.Target // closed by the feeder, its only sender
	quit    chan struct{}     // closed when the run no longer reads feed
	feeder  sync.WaitGroup
	sched   *limiter.Scheduler
	pool    pool
	read    atomic.Int64
	skipped atomic.Int64
	readErr atomic.Pointer[error]
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
		r.read.Add(1)
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

// work fetches one target the scheduler handed out and sends its result.
func (r *runner) work(ctx context.Context, t input.Target, release func()) {
	res := r.fetch.Fetch(ctx, t, release)
	if r.cfg.FailFast && res.Failed() && res.ErrorKind != record.KindCanceled {
		r.stop(&FailFastError{res})
	}
	r.out <- res
}

// finish waits for the workers, then accounts for what the run did not
// start: the scheduler's targets, and at the deadline the rest of the
// source (until ctx ends).
func (r *runner) finish(ctx, runCtx context.Context) {
	r.pool.workers.Wait()
	for _, t := range r.sched.Pending() {
		r.out <- Canceled(t)
	}
	if errors.Is(runCtx.Err(), context.DeadlineExceeded) {
		r.drainFeed(ctx)
	}
	close(r.quit)
	if runCtx.Err() == nil {
		r.feeder.Wait() // it has closed feed; a run stopped early does not wait
		// for a read that may never return (a terminal on stdin)
	}
}

// drainFeed reports every target still to come from feed as canceled.
func (r *runner) drainFeed(ctx context.Context) {
	for {
		select {
		case t, ok := <-r.feed:
			if !ok {
				return
			}
			r.out <- Canceled(t)
		case <-ctx.Done():
			return
		}
	}
}

// pool is the run's workers. Each takes the next target from the
// scheduler itself (one at a time) and fetches it, so a finished request's
// slot goes straight to its worker's next target, with no hand-off. A
// worker is started only when a target may start and no other worker is
// waiting for one, so there are never more than needed, nor more than max
// (URLs in flight or waiting to retry); they live until the run ends.
type pool struct {
	sched   *limiter.Scheduler
	max     int64
	work    func(context.Context, input.Target, func())
	mu      sync.Mutex // one worker in sched.Next at a time
	workers sync.WaitGroup
	total   atomic.Int64
	idle    atomic.Int64 // workers waiting for a target
}

func (p *pool) spawn(ctx context.Context) {
	if p.total.Add(1) > p.max {
		p.total.Add(-1)
		return
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
				return
			}
			p.work(ctx, t, release)
		}
	})
}
