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
	PerHost  int  // the per-host cap the run had (0: none), for the summary line
	Throttle bool // --throttle auto, for the summary line
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
	res.PerHost = cfg.Limits.PerHost
	res.Throttle = cfg.Limits.Throttle == limiter.ThrottleAuto
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
		fmt.Fprintln(errOut, summaryLine(out))
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
	f.VarP((*perSecond)(&o.Rate), "rate", "r", "requests started per second at most, all hosts, retries included: 10, 10/s, 600/m (0: no limit)")
	f.IntVar(&o.Burst, "burst", o.Burst, "token-bucket burst for --rate (1: smooth pacing)")
	f.IntVar(&o.PerHost, "per-host", o.PerHost, "requests in flight per host (host:port) at most (0: no limit)")
	f.Var((*perSecond)(&o.HostRate), "host-rate", "requests started per second per host at most, as --rate (0: no limit)")
	f.Var(&o.Throttle, "throttle", throttleHelp)
	f.VarP((*seconds)(&o.Timeout), "timeout", "t", "one attempt, the whole exchange including the body: 5 (seconds), 1.5, 500ms, 2m")
	f.IntVar(&o.Retries, "retries", o.Retries, "extra attempts after timeouts, connection errors, resets, 429, 502, 503, 504 (a refused connection is final, as in curl)")
	f.Var((*seconds)(&o.MaxRetryWait), "max-retry-wait", "longest wait before a retry, Retry-After included")
	f.Var(&o.MaxBody, "max-body", "bytes read per response at most, after decompression (e.g. 512K, 4MiB)")
	f.IntVar(&o.MaxRedirects, "max-redirects", o.MaxRedirects, "redirects followed at most (http and https only; 0: none, the 3xx is the result)")
	f.Var((*seconds)(&o.Deadline), "deadline", "bound on the whole run; what has not finished then is canceled (0: none)")
	f.IntVar(&o.Window, "window", o.Window, "pending URLs held for scheduling at most; memory is bounded by it (0: 2048 or 4 per -c slot, whichever is more)")
	f.StringVarP(&o.UserAgent, "user-agent", "A", o.UserAgent, "User-Agent header")
	f.VarP(&o.Headers, "header", "H", "extra request header, repeatable (Host: sets the request's Host; a name that is not a token or a control character in the value is a usage error)")
	f.BoolVarP(&o.Insecure, "insecure", "k", o.Insecure, "skip TLS certificate verification")
	f.VarP(&o.Proxy, "proxy", "x", "send every request through this proxy: http://, https://, socks5:// (default: HTTPS_PROXY, HTTP_PROXY, NO_PROXY)")
	addNetFlags(f, o)
}

// pipelineConfig is the run the options ask for, without its source.
func (o *ScrapeOptions) pipelineConfig() pipeline.Config {
	maxRedirects := o.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = fetcher.NoFollow
	}
	cfg := pipeline.Config{
		Limits: limiter.Config{
			Concurrency: o.Concurrency, Rate: o.Rate, Burst: o.Burst,
			PerHost: o.PerHost, HostRate: o.HostRate, Throttle: limiter.Throttle(o.Throttle),
		},
		Fetch: fetcher.Options{
			Timeout: o.Timeout, Retries: o.Retries, MaxRetryWait: o.MaxRetryWait,
			MaxBody: int64(o.MaxBody), MaxRedirects: maxRedirects,
			UserAgent: o.UserAgent, Header: o.Headers.h, Insecure: o.Insecure, Proxy: o.Proxy.u,
			Resolvers: o.Resolvers,
		},
		Window: o.Window, Deadline: o.Deadline, FailFast: o.FailFast,
	}
	o.Page.apply(&cfg) // --fields, -e, --robots (extractflags.go)
	return cfg
}
