// Package pipeline runs the path of one URL for every target of a run: it
// reads targets from the source, holds them in the scheduler, starts a fetch
// for each as the limits admit it, and hands exactly one Result per target
// to the one consumer. Run is the whole run: cmd turns flags and files into
// a Config and the Outcome into an exit status. See docs/ARCHITECTURE.md.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

// Config is one run.
type Config struct {
	Limits limiter.Config
	Fetch  fetcher.Options
	// Window is how many pending targets the scheduler holds; 0:
	// limiter.Window(Limits.Concurrency).
	Window int
	// Deadline bounds the whole run; 0: none. Every target read by then
	// that has not finished is reported canceled (see Run).
	Deadline time.Duration
	// FailFast stops the run at the first failed URL.
	FailFast bool
	// ReadRobots reads each host's robots.txt (--robots report or obey):
	// Fetch.ObeyRobots says whether a disallowed URL is fetched.
	ReadRobots bool
	// Slowed, if set, is called (from any goroutine) when a host's
	// robots.txt Crawl-delay, obeyed, slows it below --host-rate: with the
	// host (input.HostKey) and the delay between its requests.
	Slowed func(host string, every time.Duration)
	// WatchThrottle, if set, is called once before the run starts with a
	// function reporting the hosts' windows under limiter.ThrottleAuto
	// (limiter.Limits.Throttled), safe to call from any goroutine during
	// the run: --progress log shows it.
	WatchThrottle func(report func(now time.Time) limiter.ThrottleReport)

	Source input.Source // input.MayWait says whether it may be read on at the deadline
	// Skip, if set, is asked of every target before it is scheduled; a
	// target it returns true for is dropped without a result (--resume).
	Skip func(input.Target) bool
	// Consume is the one consumer of the run's results (report.Writer's
	// Consume is one): it reads results until the channel is closed, and
	// returns the first error writing them. It calls stop as soon as a
	// write fails, which stops the run; it must keep reading until the
	// channel is closed all the same.
	Consume func(results <-chan record.Result, stop func(error)) error
	// Done, if set, is given every result before Consume is, on the
	// goroutine that made it (so concurrently); it may change the result.
	// A crawl (crawl.Crawler.Done) learns each page's links from it, and
	// its Source hands out the URLs found.
	Done func(res *record.Result)
}

// Outcome says how a run ended. Every target the run read got a result,
// except the Unstarted ones: Read - Unstarted results were handed to
// Consume.
type Outcome struct {
	// Read counts the targets the run took from the source (not those
	// Skip dropped, nor those read ahead into a buffer when the run
	// stopped early other than at the deadline).
	Read int
	// Unstarted counts the targets read that had not started when the run
	// stopped early (not at the deadline): they have no result.
	Unstarted int
	Skipped   int   // dropped by Config.Skip
	Deadline  bool  // Config.Deadline passed before the run ended
	WriteErr  error // Config.Consume's error
	// HostCapWait is how long targets were held back by the per-host cap
	// alone (limiter.Limits.HostCapWait); the summary line names
	// --per-host when it is most of the run.
	HostCapWait time.Duration
	// Throttle is what limiter.ThrottleAuto did to the hosts' windows, at
	// the end of the run (zero under ThrottleOff).
	Throttle limiter.ThrottleReport
}

// FailFastError is the error of a run stopped by Config.FailFast.
type FailFastError struct{ Result record.Result }

func (e *FailFastError) Error() string {
	return record.Printable(fmt.Sprintf("%s failed: %s (%s)", e.Result.RedactedURL(), e.Result.Error, e.Result.ErrorKind))
}

// Run runs cfg: every target of cfg.Source gets exactly one Result, handed
// to cfg.Consume, unless the run stops early. When ctx ends (a signal),
// FailFast trips, the source fails or Consume fails, requests in flight
// end canceled, and so do URLs waiting to retry; targets that had not
// started get no result (Outcome.Unstarted counts them), so a resumed run
// (--resume) adds one final record for each. At cfg.Deadline, every target
// read gets a result: finished, or canceled (a URL waiting to retry keeps
// its last attempt's); a source that cannot wait (a file) is read to its
// end, and one that may wait (input.MayWait: a pipe, a terminal) is not read on.
// The error is a *FailFastError, the source's read error, or nil; a write
// error is in Outcome.WriteErr.
//
// Run returns once Consume has returned and every worker has ended. The
// goroutine reading the source is joined when the source ends; a run
// stopped early does not wait for a read that may never return (stdin from
// a terminal): that goroutine ends at its next read.
func Run(ctx context.Context, cfg Config) (Outcome, error) {
	f, lim := newEngine(cfg)
	defer f.Close()
	return run(ctx, cfg, lim, f)
}

// NewFetcher is the engine a run fetches with (the limits cfg.Limits
// asks for, and a fetcher they admit, reading robots.txt through it when
// cfg.ReadRobots), for a command that fetches files itself rather than a
// list of targets (fanout sitemap): only Limits, Fetch and ReadRobots
// count. The caller closes the fetcher.
func NewFetcher(cfg Config) *fetcher.Fetcher {
	f, _ := newEngine(cfg)
	return f
}

// newEngine wires the limits and the fetcher of a run; Run and NewFetcher
// both make theirs here, so the engine is wired in one place.
func newEngine(cfg Config) (*fetcher.Fetcher, *limiter.Limits) {
	lim := limiter.New(cfg.Limits)
	cfg.Fetch.IdleConnsPerHost = idleConns(cfg.Limits)
	var f *fetcher.Fetcher
	if cfg.ReadRobots {
		cfg.Fetch.Robots = newRobots(&f, lim, cfg.Fetch.ObeyRobots, cfg.Limits.HostRate, cfg.Slowed)
	}
	f = fetcher.New(cfg.Fetch, lim)
	return f, lim
}

// step is what a worker does with a target: its next attempt;
// *fetcher.Fetcher is one.
type step interface {
	Step(ctx context.Context, j *fetcher.Job, release func()) (wait time.Duration, done bool)
}

// run is Run with the limits and the fetcher made.
func run(ctx context.Context, cfg Config, lim *limiter.Limits, f step) (Outcome, error) {
	return newRunner(cfg, lim, f).run(ctx)
}

func newRunner(cfg Config, lim *limiter.Limits, f step) *runner {
	window := cfg.Window
	if window <= 0 {
		window = limiter.Window(cfg.Limits.Concurrency)
	}
	r := &runner{cfg: cfg, lim: lim, fetch: f, feed: make(chan input.Target, 256), quit: make(chan struct{})}
	r.sched = limiter.NewScheduler(lim, r.feed, window)
	r.pool = pool{sched: r.sched, max: maxWorkers(cfg.Limits.Concurrency), work: r.work, fail: r.fail}
	return r
}

// run runs the feeder, the workers and the consumer, and says how the run
// ended once all but a blocked feeder are done (see Run).
func (r *runner) run(ctx context.Context) (Outcome, error) {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	r.stop = stop
	runCtx := ctx
	if r.cfg.Deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, r.cfg.Deadline)
		defer cancel()
	}
	results := make(chan record.Result, 1024)
	r.out = results
	var out Outcome
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		out.WriteErr = r.cfg.Consume(results, stop)
	}()
	if r.cfg.WatchThrottle != nil {
		r.cfg.WatchThrottle(r.lim.Throttled)
	}
	r.start(runCtx)
	r.finish(ctx, runCtx)
	close(results)
	<-consumed

	out.Read, out.Unstarted, out.Skipped = r.taken, r.unstarted, int(r.skipped.Load())
	out.HostCapWait = r.lim.HostCapWait()
	out.Throttle = r.lim.Throttled(time.Now())
	out.Deadline = errors.Is(runCtx.Err(), context.DeadlineExceeded)
	var ff *FailFastError
	if errors.As(context.Cause(ctx), &ff) {
		return out, ff
	}
	if err := r.readErr.Load(); err != nil {
		return out, *err
	}
	return out, nil
}

// maxWorkers caps the workers: one per request in flight. URLs waiting to
// retry hold none, and a target that needs no request (an invalid line)
// waits for a worker to come back.
//
// A worker beyond -c could only wait in the scheduler for a slot, and it
// waited holding the pool's lock: every worker that had just ended a
// request, its slot free, queued behind it, and each slot went from a
// worker to the waiter and the lock to the next in the queue, two hand-offs
// a request. With 8 such workers (until issue 21), at -c 64 the workers
// spent 1.0 to 1.6 ms a request waiting for the lock, and the lock was
// held 24 to 42 us a request, mostly by a waiter; with none, 0.08 to 0.17
// ms and 4 to 5 us (20,000 requests, loaded machine; docs/performance.md).
func maxWorkers(concurrency int) int64 {
	if concurrency <= 0 {
		return 1 << 16
	}
	return int64(concurrency)
}

// idleConns keeps as many idle connections per host as may be in flight to
// one host, so keep-alive connections are reused rather than reopened.
func idleConns(c limiter.Config) int {
	switch {
	case c.PerHost > 0:
		return c.PerHost
	case c.Concurrency > 0:
		return c.Concurrency
	}
	return 1024
}

// Canceled is the result of a target the run stopped before starting.
func Canceled(t input.Target) record.Result {
	return record.Result{
		URL: t.Raw, Line: t.Line, File: t.File, Seq: t.Seq,
		ErrorKind: record.KindCanceled,
		Error:     "canceled: the run stopped before this URL was fetched",
	}
}
