package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/report"
)

// ScrapeOptions are the flags and arguments of fanout scrape.
type ScrapeOptions struct {
	IO    *IOStreams
	Files []string

	Concurrency  int
	Rate         float64
	Burst        int
	PerHost      int
	HostRate     float64
	Timeout      time.Duration
	Retries      int
	MaxRetryWait time.Duration
	MaxBody      byteSize
	MaxRedirects int
	Deadline     time.Duration
	FailFast     bool
	Window       int

	UserAgent string
	Headers   headerList
	Insecure  bool
	Resolvers resolverList

	Output   string
	Format   string
	Report   string
	DB       string
	Resume   bool
	Progress string
	Quiet    bool
}

// NewScrapeOptions returns the defaults.
func NewScrapeOptions(streams *IOStreams) *ScrapeOptions {
	return &ScrapeOptions{
		IO: streams, Concurrency: 50, Burst: 1, PerHost: 8, Timeout: 10 * time.Second,
		Retries: 2, MaxRetryWait: 30 * time.Second, MaxBody: fetcher.DefaultMaxBody,
		MaxRedirects: 10, Format: "jsonl", Report: "stream",
		Progress: "auto",
	}
}

// NewCmdScrape returns the scrape command. runF replaces the run function in
// tests; nil runs scrapeRun.
func NewCmdScrape(streams *IOStreams, runF func(context.Context, *ScrapeOptions) error) *cobra.Command {
	opts := NewScrapeOptions(streams)
	c := &cobra.Command{
		Use:   "scrape [FILE ...]",
		Short: "Fetch every URL listed, one per line, and report each result",
		Long: "Fetch every URL listed in FILEs (or standard input, also as \"-\"), one per line, and write\n" +
			"one result per URL. Blank lines and lines starting with # are skipped.",
		Example: "  fanout scrape urls.txt | jq -r 'select(.status == 200) | .title'\n" +
			"  cat urls.txt | fanout scrape --report gather - | jq .summary",
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			if err := opts.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return scrapeRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.IntVarP(&opts.Concurrency, "concurrency", "c", opts.Concurrency, "requests in flight at most, all hosts together")
	f.Float64VarP(&opts.Rate, "rate", "r", 0, "requests started per second at most, all hosts, retries included (0: no limit)")
	f.IntVar(&opts.Burst, "burst", opts.Burst, "token-bucket burst for --rate (1: smooth pacing)")
	f.IntVar(&opts.PerHost, "per-host", opts.PerHost, "requests in flight per host (host:port) at most (0: no limit)")
	f.Float64Var(&opts.HostRate, "host-rate", 0, "requests started per second per host at most (0: no limit)")
	f.DurationVarP(&opts.Timeout, "timeout", "t", opts.Timeout, "one attempt, the whole exchange including the body")
	f.IntVar(&opts.Retries, "retries", opts.Retries, "extra attempts after timeouts, connection errors, resets, 429, 502, 503, 504 (a refused connection is final, as in curl)")
	f.DurationVar(&opts.MaxRetryWait, "max-retry-wait", opts.MaxRetryWait, "longest wait before a retry, Retry-After included")
	f.Var(&opts.MaxBody, "max-body", "bytes read per response at most, after decompression (e.g. 512K, 4MiB)")
	f.IntVar(&opts.MaxRedirects, "max-redirects", opts.MaxRedirects, "redirects followed at most (http and https only)")
	f.DurationVar(&opts.Deadline, "deadline", 0, "bound on the whole run; what has not finished then is canceled (0: none)")
	f.BoolVar(&opts.FailFast, "fail-fast", false, "the first failed URL cancels the rest; exit status 1")
	f.IntVar(&opts.Window, "window", 0, "pending URLs held for scheduling at most; memory is bounded by it (0: 2048 or 4 per -c slot, whichever is more)")
	f.StringVarP(&opts.UserAgent, "user-agent", "A", fetcher.DefaultUserAgent(), "User-Agent header")
	f.VarP(&opts.Headers, "header", "H", "extra request header, repeatable")
	f.BoolVar(&opts.Insecure, "insecure", false, "skip TLS certificate verification")
	addNetFlags(f, opts)
	f.StringVarP(&opts.Output, "output", "o", "", "write results to FILE instead of standard output")
	f.StringVarP(&opts.Format, "format", "f", opts.Format, "result format: jsonl, csv or text")
	f.StringVar(&opts.Report, "report", opts.Report, "stream: a result per URL as it completes; gather: one document in input order with the summary")
	f.StringVar(&opts.DB, "db", "", "also store every result in this SQLite file")
	f.BoolVar(&opts.Resume, "resume", false, "with --db: skip URLs that already have a final result there")
	f.StringVar(&opts.Progress, "progress", opts.Progress, "progress bar on stderr: auto (when stderr is a terminal), always, never")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no summary line on stderr unless the run stops early")
	return c
}

// Validate checks the options, naming the flag at fault.
func (o *ScrapeOptions) Validate() error {
	switch {
	case o.Concurrency < 1 || o.Concurrency > 1_000_000:
		return usageErr("--concurrency must be between 1 and 1000000, not %d", o.Concurrency)
	case o.Rate < 0:
		return usageErr("--rate must not be negative")
	case o.Burst < 1:
		return usageErr("--burst must be at least 1, not %d", o.Burst)
	case o.PerHost < 0:
		return usageErr("--per-host must not be negative")
	case o.HostRate < 0:
		return usageErr("--host-rate must not be negative")
	case o.Timeout <= 0:
		return usageErr("--timeout must be positive, not %s", o.Timeout)
	case o.Retries < 0 || o.Retries > 100:
		return usageErr("--retries must be between 0 and 100, not %d", o.Retries)
	case o.MaxRetryWait <= 0:
		return usageErr("--max-retry-wait must be positive")
	case o.MaxRedirects < 0:
		return usageErr("--max-redirects must not be negative")
	case o.Deadline < 0:
		return usageErr("--deadline must not be negative")
	case o.Window < 0:
		return usageErr("--window must not be negative")
	case !slices.Contains(report.Formats, o.Format):
		return usageErr("--format must be jsonl, csv or text, not %q", o.Format)
	case o.Report != "stream" && o.Report != "gather":
		return usageErr("--report must be stream or gather, not %q", o.Report)
	case o.Progress != "auto" && o.Progress != "always" && o.Progress != "never":
		return usageErr("--progress must be auto, always or never, not %q", o.Progress)
	case o.Resume && o.DB == "":
		return usageErr("--resume needs --db")
	}
	return nil
}

func (o *ScrapeOptions) window() int {
	if o.Window > 0 {
		return o.Window
	}
	return limiter.Window(o.Concurrency)
}

func (o *ScrapeOptions) limits() limiter.Config {
	return limiter.Config{
		Concurrency: o.Concurrency, Rate: o.Rate, Burst: o.Burst,
		PerHost: o.PerHost, HostRate: o.HostRate,
	}
}

func (o *ScrapeOptions) fetchOptions() fetcher.Options {
	maxRedirects := o.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = -1
	}
	return fetcher.Options{
		Timeout: o.Timeout, Retries: o.Retries, MaxRetryWait: o.MaxRetryWait,
		MaxBody: int64(o.MaxBody), MaxRedirects: maxRedirects,
		UserAgent: o.UserAgent, Header: o.Headers.h, Insecure: o.Insecure, Resolvers: o.Resolvers,
	}
}

func scrapeRun(ctx context.Context, opts *ScrapeOptions) error {
	src, err := openInputs(opts.Files, opts.IO.In)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer src.Close()

	out := opts.IO.Out
	if opts.Output != "" {
		file, err := os.Create(opts.Output)
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("cannot write --output: %w", err)}
		}
		defer file.Close()
		out = file
	}
	enc, err := report.NewEncoder(opts.Format, opts.Report == "gather")
	if err != nil {
		return usageErr("%v", err)
	}
	w := &report.Writer{Out: out, Encoder: enc, Gather: opts.Report == "gather"}

	spec := runSpec{
		Limits: opts.limits(), Fetch: opts.fetchOptions(), Window: opts.window(),
		Deadline: opts.Deadline, FailFast: opts.FailFast, Source: src, Writer: w,
	}
	if err := attachStore(ctx, opts, &spec); err != nil {
		return err
	}
	warnOpenFiles(opts.Concurrency, opts.IO.ErrOut)
	if !opts.Quiet {
		warnEncoding(opts.Headers.h, opts.IO.ErrOut)
	}
	bar := newProgress(opts.IO, opts.Progress, -1)
	if bar != nil {
		w.Progress = bar
		go bar.setTotal(countTargets(opts.Files))
	}
	outcome := execute(ctx, spec)
	if bar != nil {
		bar.finish()
	}
	if file, ok := out.(*os.File); ok && opts.Output != "" {
		if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
			if err := file.Sync(); err != nil && outcome.WriteErr == nil {
				outcome.WriteErr = err
			}
		}
	}
	return exitFor(outcome, opts.IO.ErrOut, opts.Quiet)
}
