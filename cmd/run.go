package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

// runSpec is one run of the pipeline, as scrape and bench both make it.
type runSpec struct {
	Limits   limiter.Config
	Fetch    fetcher.Options
	Window   int
	Deadline time.Duration // 0: none
	FailFast bool
	Source   pipeline.Source
	Skip     func(input.Target) bool
	Writer   *report.Writer
}

// runOutcome says how a run ended.
type runOutcome struct {
	Summary  *report.Summary
	Stats    pipeline.Stats
	Err      error // the pipeline's: input read error or *pipeline.FailFastError
	WriteErr error // the writer's: output or store
	Deadline bool  // the deadline passed before the run ended
	Signal   *SignalError
	// PerHost and HostCapWait: the per-host cap, and how long the run was
	// held back by it alone (limiter.Limits.HostCapWait).
	PerHost     int
	HostCapWait time.Duration
}

// execute runs spec: the pipeline in one goroutine, the writer in this one.
// A failure to write stops the pipeline.
func execute(ctx context.Context, spec runSpec) runOutcome {
	start := time.Now()
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if spec.Deadline > 0 {
		var stop context.CancelFunc
		runCtx, stop = context.WithTimeout(runCtx, spec.Deadline)
		defer stop()
	}
	lim := limiter.New(spec.Limits)
	spec.Fetch.IdleConnsPerHost = idleConns(spec.Limits)
	f := fetcher.New(spec.Fetch, lim)
	defer f.Close()

	cfg := pipeline.Config{
		Limits: lim, Fetcher: f, Window: spec.Window, FailFast: spec.FailFast, Skip: spec.Skip,
		Outstanding: max(2*spec.Limits.Concurrency, spec.Limits.Concurrency+64),
	}
	results := make(chan record.Result, 1024)
	var out runOutcome
	done := make(chan struct{})
	go func() {
		defer close(done)
		out.Stats, out.Err = pipeline.Run(runCtx, ctx, cfg, spec.Source, results)
	}()
	spec.Writer.OnError = func(err error) { cancel(err) }
	out.Summary, out.WriteErr = spec.Writer.Consume(results, start)
	<-done
	out.Deadline = errors.Is(runCtx.Err(), context.DeadlineExceeded)
	out.PerHost, out.HostCapWait = spec.Limits.PerHost, lim.HostCapWait()
	errors.As(context.Cause(ctx), &out.Signal)
	return out
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

// exitFor maps how a run ended to the command's error (nil: status 0).
func exitFor(out runOutcome, errOut io.Writer, quiet bool) error {
	if out.WriteErr != nil && isBrokenPipe(out.WriteErr) {
		return &ExitError{Code: ExitOK} // the reader went away: stop quietly
	}
	if !quiet || out.Signal != nil || out.Deadline || out.Err != nil {
		fmt.Fprintln(errOut, summaryLine(out))
	}
	switch {
	case out.Signal != nil:
		return &ExitError{Code: out.Signal.Code()}
	case out.WriteErr != nil:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("writing results: %w", out.WriteErr)}
	case out.Err != nil:
		var ff *pipeline.FailFastError
		if errors.As(out.Err, &ff) {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("--fail-fast: %w", ff)}
		}
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("reading input: %w", out.Err)}
	case out.Deadline:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("--deadline passed: %d URLs canceled", out.Summary.Canceled)}
	}
	return nil
}

func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)
}
