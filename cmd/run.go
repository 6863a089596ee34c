package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/report"
)

// runResult is how a run ended, as the command sees it.
type runResult struct {
	Summary  *report.Summary
	Outcome  pipeline.Outcome
	Err      error // Run's: *pipeline.FailFastError or the input's read error
	Signal   *exit.Signal
	PerHost  int    // the per-host cap the run had (0: none), for the summary line
	Throttle string // what --throttle auto did (limiter.ThrottleReport.Line), or ""
}

// runPipeline makes the one call to pipeline.Run, with w as the consumer.
func runPipeline(ctx context.Context, cfg pipeline.Config, w *report.Writer) runResult {
	var res runResult
	cfg.Consume = w.Consumer(func(s *report.Summary) { res.Summary = s })
	res.Outcome, res.Err = pipeline.Run(ctx, cfg)
	res.PerHost = cfg.Limits.PerHost
	if cfg.Limits.Throttle == limiter.ThrottleAuto {
		res.Throttle = res.Outcome.Throttle.Line()
	}
	errors.As(context.Cause(ctx), &res.Signal)
	return res
}

// warn writes note, a line, on errOut, unless it is "".
func warn(errOut io.Writer, note string) {
	if note != "" {
		fmt.Fprintln(errOut, note)
	}
}

// exitFor maps how a run ended to the command's error (nil: status 0).
// resume is the command line that resumes the run ("" without --db), and
// note the line before it when it holds secrets ("" when not).
func exitFor(out runResult, errOut io.Writer, quiet bool, resume, note string) error {
	if out.Outcome.WriteErr != nil && exit.BrokenPipe(out.Outcome.WriteErr) {
		return &exit.Error{Code: exit.OK} // the reader went away: stop quietly
	}
	// A failed write (a full disk) stops the run early too: the output ends
	// with a whole record and the store holds just what it holds, so the
	// resume line fetches exactly what is missing.
	early := out.Signal != nil || out.Outcome.Deadline || out.Err != nil || out.Outcome.WriteErr != nil
	report.RunEnd{Summary: out.Summary, Skipped: out.Outcome.Skipped, Unstarted: out.Outcome.Unstarted,
		PerHost: out.PerHost, HostCapWait: out.Outcome.HostCapWait, Throttle: out.Throttle,
		Early: early, Resume: resume, ResumeNote: note}.Write(errOut, quiet)
	switch {
	case out.Signal != nil:
		return &exit.Error{Code: out.Signal.Code()}
	case out.Outcome.WriteErr != nil:
		return exit.Fail(fmt.Errorf("writing results: %w", out.Outcome.WriteErr))
	case out.Err != nil:
		var ff *pipeline.FailFastError
		if errors.As(out.Err, &ff) {
			return exit.Fail(fmt.Errorf("--fail-fast: %w", ff))
		}
		return exit.Fail(fmt.Errorf("reading input: %w", out.Err))
	case out.Outcome.Deadline:
		return exit.Fail(fmt.Errorf("--deadline passed: %s canceled", report.Plural(out.Summary.Canceled, "URL")))
	}
	return nil
}
