package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

// runResult is how a run ended, as the command sees it.
type runResult struct {
	Summary *report.Summary
	Outcome pipeline.Outcome
	Err     error // Run's: *pipeline.FailFastError or the input's read error
	Signal  *SignalError
}

// runPipeline makes the one call to pipeline.Run, with w as the consumer.
func runPipeline(ctx context.Context, cfg pipeline.Config, w *report.Writer) runResult {
	start := time.Now()
	var res runResult
	cfg.Consume = func(results <-chan record.Result, stop func(error)) error {
		w.OnError = stop
		var err error
		res.Summary, err = w.Consume(results, start)
		return err
	}
	res.Outcome, res.Err = pipeline.Run(ctx, cfg)
	errors.As(context.Cause(ctx), &res.Signal)
	return res
}

// exitFor maps how a run ended to the command's error (nil: status 0).
// resume is the command line that resumes the run ("" without --db).
func exitFor(out runResult, errOut io.Writer, quiet bool, resume string) error {
	if out.Outcome.WriteErr != nil && isBrokenPipe(out.Outcome.WriteErr) {
		return &ExitError{Code: ExitOK} // the reader went away: stop quietly
	}
	early := out.Signal != nil || out.Outcome.Deadline || out.Err != nil
	if !quiet || early {
		line := out.Summary.Line()
		if out.Outcome.Skipped > 0 {
			line += fmt.Sprintf("; %d skipped, already in --db", out.Outcome.Skipped)
		}
		if out.Outcome.Unstarted > 0 {
			line += fmt.Sprintf("; %d URLs read but not started, with no record", out.Outcome.Unstarted)
		}
		fmt.Fprintln(errOut, line)
	}
	if early && resume != "" {
		fmt.Fprintln(errOut, "resume with: "+resume)
	}
	switch {
	case out.Signal != nil:
		return &ExitError{Code: out.Signal.Code()}
	case out.Outcome.WriteErr != nil:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("writing results: %w", out.Outcome.WriteErr)}
	case out.Err != nil:
		var ff *pipeline.FailFastError
		if errors.As(out.Err, &ff) {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("--fail-fast: %w", ff)}
		}
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("reading input: %w", out.Err)}
	case out.Outcome.Deadline:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("--deadline passed: %d URLs canceled", out.Summary.Canceled)}
	}
	return nil
}

func isBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)
}

// addRunFlags adds the flags that shape a run of the pipeline, for scrape
// and bench alike; each flag's default is o's value.
func addRunFlags(f *pflag.FlagSet, o *ScrapeOptions) {
	f.IntVarP(&o.Concurrency, "concurrency", "c", o.Concurrency, "requests in flight at most, all hosts together")
	f.Float64VarP(&o.Rate, "rate", "r", o.Rate, "requests started per second at most, all hosts, retries included (0: no limit)")
	f.IntVar(&o.Burst, "burst", o.Burst, "token-bucket burst for --rate (1: smooth pacing)")
	f.IntVar(&o.PerHost, "per-host", o.PerHost, "requests in flight per host (host:port) at most (0: no limit)")
	f.Float64Var(&o.HostRate, "host-rate", o.HostRate, "requests started per second per host at most (0: no limit)")
	f.DurationVarP(&o.Timeout, "timeout", "t", o.Timeout, "one attempt, the whole exchange including the body")
	f.IntVar(&o.Retries, "retries", o.Retries, "extra attempts after timeouts, connection errors, resets, 429, 502, 503, 504")
	f.DurationVar(&o.MaxRetryWait, "max-retry-wait", o.MaxRetryWait, "longest wait before a retry, Retry-After included")
	f.Var(&o.MaxBody, "max-body", "bytes read per response at most, after decompression (e.g. 512K, 4MiB)")
	f.IntVar(&o.MaxRedirects, "max-redirects", o.MaxRedirects, "redirects followed at most (http and https only; 0: none, the 3xx is the result)")
	f.DurationVar(&o.Deadline, "deadline", o.Deadline, "bound on the whole run; what has not finished then is canceled (0: none)")
	f.IntVar(&o.Window, "window", o.Window, "pending URLs held for scheduling at most; memory is bounded by it (0: 2048 or 4 per -c slot, whichever is more)")
	f.StringVarP(&o.UserAgent, "user-agent", "A", o.UserAgent, "User-Agent header")
	f.VarP(&o.Headers, "header", "H", "extra request header, repeatable")
	f.BoolVar(&o.Insecure, "insecure", o.Insecure, "skip TLS certificate verification")
}

// pipelineConfig is the run the options ask for, without its source.
func (o *ScrapeOptions) pipelineConfig() pipeline.Config {
	maxRedirects := o.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = fetcher.NoFollow
	}
	return pipeline.Config{
		Limits: limiter.Config{
			Concurrency: o.Concurrency, Rate: o.Rate, Burst: o.Burst,
			PerHost: o.PerHost, HostRate: o.HostRate,
		},
		Fetch: fetcher.Options{
			Timeout: o.Timeout, Retries: o.Retries, MaxRetryWait: o.MaxRetryWait,
			MaxBody: int64(o.MaxBody), MaxRedirects: maxRedirects,
			UserAgent: o.UserAgent, Header: o.Headers.h, Insecure: o.Insecure,
		},
		Window: o.Window, Deadline: o.Deadline, FailFast: o.FailFast,
	}
}
