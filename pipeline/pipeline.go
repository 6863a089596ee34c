// Package pipeline runs the path of one URL for every target of a run: it
// feeds targets to the scheduler, starts a fetch for each as the limits admit
// it, and sends exactly one Result per target to the one consumer. It owns
// the goroutines it starts and joins them before it returns.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

// Source yields targets; io.EOF ends it. input.Reader is one.
type Source interface {
	Next() (input.Target, error)
}

// Fetcher fetches one target; *fetcher.Fetcher is one.
type Fetcher interface {
	Fetch(ctx context.Context, t input.Target, release func()) record.Result
}

// Config wires a run.
type Config struct {
	Limits  *limiter.Limits
	Fetcher Fetcher
	// Window is how many pending targets the scheduler holds.
	Window int
	// Outstanding caps URLs started and not finished (in flight or waiting
	// to retry), and so the workers; default 64.
	Outstanding int
	// FailFast stops the run at the first failed URL.
	FailFast bool
	// Skip, if set, is asked of every target before it is scheduled; a
	// target it returns true for is dropped without a result (--resume).
	Skip func(input.Target) bool
}

// FailFastError is the cause of a run stopped by Config.FailFast.
type FailFastError struct{ Result record.Result }

func (e *FailFastError) Error() string {
	return fmt.Sprintf("%s failed: %s (%s)", e.Result.URL, e.Result.Error, e.Result.ErrorKind)
}

// Stats counts what a run did with its targets.
type Stats struct {
	Read    int // targets read from the source
	Skipped int // dropped by Config.Skip
}

// Run sends one Result for every target of src to out, then closes out. It
// returns when every result is sent. When ctx ends, requests in flight end
// as canceled, and so do the targets the scheduler held; when ctx ended by
// its deadline, the rest of src is read and reported canceled too, so every
// input line is accounted for (draining stops if drain ends). The error is
// the source's read error, a *FailFastError, or nil.
func Run(ctx, drain context.Context, cfg Config, src Source, out chan<- record.Result) (Stats, error) {
	defer close(out)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	feed := make(chan input.Target, 256)
	stop := make(chan struct{})
	var read, skipped atomic.Int64
	var readErr atomic.Pointer[error]
	var feeder sync.WaitGroup
	feeder.Go(func() {
		defer close(feed)
		for seq := 0; ; {
			t, err := src.Next()
			if err != nil {
				if err != io.EOF {
					readErr.Store(&err)
					cancel(err)
				}
				return
			}
			read.Add(1)
			if cfg.Skip != nil && cfg.Skip(t) {
				skipped.Add(1)
				continue
			}
			t.Seq = seq
			seq++
			select {
			case feed <- t:
			case <-stop:
				return
			}
		}
	})

	outstanding := cfg.Outstanding
	if outstanding <= 0 {
		outstanding = 64
	}
	sched := limiter.NewScheduler(cfg.Limits, feed, cfg.Window)
	p := &pool{sched: sched, max: int64(outstanding), work: func(t input.Target, release func()) {
		res := cfg.Fetcher.Fetch(ctx, t, release)
		if cfg.FailFast && res.Failed() && res.ErrorKind != record.KindCanceled {
			cancel(&FailFastError{res})
		}
		out <- res
	}}
	p.spawn(ctx)
	p.workers.Wait()

	for _, t := range sched.Pending() {
		out <- Canceled(t)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		drainFeed(drain, feed, out)
	}
	close(stop)
	if ctx.Err() == nil {
		feeder.Wait() // it has closed feed; a run stopped early does not wait
		// for a read that may never return (a terminal on stdin)
	}

	stats := Stats{Read: int(read.Load()), Skipped: int(skipped.Load())}
	var ff *FailFastError
	if errors.As(context.Cause(ctx), &ff) {
		return stats, ff
	}
	if err := readErr.Load(); err != nil {
		return stats, *err
	}
	return stats, nil
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
	work    func(input.Target, func())
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
			p.work(t, release)
		}
	})
}

// drainFeed reports every target still to come from feed as canceled.
func drainFeed(ctx context.Context, feed <-chan input.Target, out chan<- record.Result) {
	for {
		select {
		case t, ok := <-feed:
			if !ok {
				return
			}
			out <- Canceled(t)
		case <-ctx.Done():
			return
		}
	}
}

// Canceled is the result of a target the run stopped before starting.
func Canceled(t input.Target) record.Result {
	return record.Result{
		URL: t.Raw, Line: t.Line, Seq: t.Seq,
		ErrorKind: record.KindCanceled,
		Error:     "canceled: the run stopped before this URL was fetched",
	}
}
