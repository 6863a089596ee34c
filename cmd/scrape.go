package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/report"
)

// ScrapeOptions are the flags and arguments of fanout scrape.
type ScrapeOptions struct {
	IO    *IOStreams
	Files []string
	URLs  []string // -u, and arguments that are http(s) URLs and not files

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
	Proxy     proxyURL
	Resolvers resolverList
	Page      PageOptions // --fields, -e, --robots (extractflags.go)

	Output   string
	Format   string
	Report   string
	DB       string
	Resume   bool
	Progress string
	Quiet    bool
	Fleet    fleetOptions // --shard, --plan, --html (shardflags.go)

	resume string // the command line that resumes this run, with --db
}

// NewScrapeOptions returns the defaults.
func NewScrapeOptions(streams *IOStreams) *ScrapeOptions {
	return &ScrapeOptions{
		IO: streams, Concurrency: 50, Burst: 1, PerHost: 8, Timeout: 10 * time.Second,
		Retries: 2, MaxRetryWait: 30 * time.Second, MaxBody: fetcher.DefaultMaxBody,
		MaxRedirects: 10, Format: "jsonl", Report: "stream",
		Progress: "auto", UserAgent: userAgent(readVersion()),
	}
}

// NewCmdScrape returns the scrape command. runF replaces the run function in
// tests; nil runs scrapeRun.
func NewCmdScrape(streams *IOStreams, runF func(context.Context, *ScrapeOptions) error) *cobra.Command {
	opts := NewScrapeOptions(streams)
	c := &cobra.Command{
		Use:   "scrape [FILE|URL ...]",
		Short: "Fetch every URL listed, one per line, and report each result",
		Long: "Fetch every URL listed in FILEs, one per line, and write one result per URL (JSON lines\n" +
			"by default). Blank lines and lines starting with # are skipped. With no FILE, or FILE \"-\",\n" +
			"the list is read from standard input. URLs may also be given with -u URL, or as arguments:\n" +
			"an argument that starts with http:// or https:// and is not an existing file is a URL.",
		Example: "  fanout scrape urls.txt | jq -r 'select(.status == 200) | .title // empty'\n" +
			"  fanout scrape https://example.com/ -f text\n" +
			"  cat urls.txt | fanout scrape --report gather - | jq .summary\n" +
			"  fanout scrape -o results.csv urls.txt            # the format follows -o's extension",
		RunE: func(c *cobra.Command, args []string) error {
			opts.resolve(c, args)
			if err := opts.Validate(); err != nil {
				return err
			}
			if opts.DB != "" {
				opts.resume = resumeCommand(c.Flags(), args, opts.appendTarget())
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return scrapeRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	addRunFlags(f, opts)
	f.BoolVar(&opts.FailFast, "fail-fast", false, "the first failed URL cancels the rest; exit status 1")
	f.StringVarP(&opts.Output, "output", "o", "", "write results to FILE instead of standard output")
	f.StringVarP(&opts.Format, "format", "f", opts.Format, "result format: jsonl (or json), csv or text (default: from -o's extension, else jsonl)")
	f.StringVar(&opts.Report, "report", opts.Report, "stream: a result per URL as it completes; gather: one document in input order with the summary")
	f.StringVar(&opts.DB, "db", "", "also store every result in this SQLite file")
	f.BoolVar(&opts.Resume, "resume", false, "with --db: skip URLs that already have a final result there")
	f.StringVar(&opts.Progress, "progress", opts.Progress, "progress on stderr: auto (a bar when stderr is a terminal), always, never, log (a line every 5s)")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no summary line on stderr unless the run stops early")
	f.StringArrayVarP(&opts.URLs, "url", "u", nil, "fetch this URL too, repeatable (no list file needed)")
	addFleetFlags(f, &opts.Fleet)
	addPageFlags(f, &opts.Page)
	setScrapeHelp(c)
	return c
}

// appendTarget is the --output file a resumed run appends to: set only
// for a JSON-lines stream, whose records can follow the stopped run's.
func (o *ScrapeOptions) appendTarget() string {
	if o.Output == "" || o.Format != "jsonl" || o.Report != "stream" {
		return ""
	}
	return o.Output
}

// Validate checks the options, naming the flag at fault.
func (o *ScrapeOptions) Validate() error {
	switch {
	case o.Concurrency < 1 || o.Concurrency > 1_000_000:
		return usageErr("--concurrency must be between 1 and 1000000, not %d", o.Concurrency)
	case o.Burst < 1:
		return usageErr("--burst must be at least 1, not %d", o.Burst)
	case o.PerHost < 0:
		return usageErr("--per-host must not be negative")
	case o.HostRate < 0:
		return usageErr("--host-rate must not be negative")
	case o.Deadline < 0:
		return usageErr("--deadline must not be negative")
	case o.Window < 0:
		return usageErr("--window must not be negative")
	case !slices.Contains(report.Formats, o.Format):
		return usageErr("--format must be jsonl (or json), csv or text, not %q", o.Format)
	case o.Report != "stream" && o.Report != "gather":
		return usageErr("--report must be stream or gather, not %q", o.Report)
	case !slices.Contains(progressModes, o.Progress):
		return usageErr("--progress must be auto, always, never or log, not %q", o.Progress)
	case o.Resume && o.DB == "":
		return usageErr("--resume needs --db")
	}
	return validateFetch(o.Rate, o.Timeout, o.Retries, o.MaxRetryWait, o.MaxRedirects)
}

// validateFetch checks the flags that every command that fetches shares
// (scrape, bench, sitemap), naming the flag at fault.
func validateFetch(rate float64, timeout time.Duration, retries int, maxRetryWait time.Duration, maxRedirects int) error {
	switch {
	case rate < 0:
		return usageErr("--rate must not be negative")
	case timeout <= 0:
		return usageErr("--timeout must be positive, not %s", timeout)
	case retries < 0 || retries > 100:
		return usageErr("--retries must be between 0 and 100, not %d", retries)
	case maxRetryWait <= 0:
		return usageErr("--max-retry-wait must be positive")
	case maxRedirects < 0:
		return usageErr("--max-redirects must not be negative")
	}
	return nil
}

func scrapeRun(ctx context.Context, opts *ScrapeOptions) error {
	outputs := []namedPath{{"--output", opts.Output}, {"--db", opts.DB}, {"--html", opts.Fleet.HTML}}
	if err := checkOverwrite(opts.Files, opts.IO.In, outputs); err != nil {
		return err
	}
	if done, err := opts.Fleet.prepare(opts); done || err != nil {
		return err
	}
	defer opts.Fleet.closePage()
	src, closeSrc, err := openSource(opts)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer closeSrc()
	st, err := openStore(opts)
	if err != nil {
		return err
	}

	out := opts.IO.Out
	if opts.Output != "" {
		file, err := os.Create(opts.Output)
		if err != nil {
			closeStore(st)
			return &ExitError{Code: ExitFailure, Err: fmt.Errorf("cannot write --output: %w", err)}
		}
		defer file.Close()
		out = file
	}
	enc, err := report.NewEncoderFields(opts.Format, opts.Report == "gather", opts.Page.columns(opts.Format))
	if err != nil {
		closeStore(st)
		return usageErr("%v", err)
	}
	w := &report.Writer{Out: out, Encoder: enc, Gather: opts.Report == "gather"}
	cfg := opts.pipelineConfig()
	cfg.Source = src
	attachStore(st, opts, w, &cfg)
	warnOpenFiles(opts.Concurrency, opts.IO.ErrOut)
	if !opts.Quiet {
		warnEncoding(opts.Headers.h, opts.IO.ErrOut)
	}
	bar := attachProgress(opts, w)
	if !opts.Quiet {
		cfg.Slowed = noteSlowed(opts.IO.ErrOut, bar)
	}
	opts.Fleet.wire(&cfg, w)
	res := runPipeline(ctx, cfg, w)
	defer res.Summary.Close() // its error list's temporary file, in gather mode
	if bar != nil {
		bar.finish()
	}
	if file, ok := out.(*os.File); ok && opts.Output != "" {
		if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
			if err := file.Sync(); err != nil && res.Outcome.WriteErr == nil {
				res.Outcome.WriteErr = err
			}
		}
	}
	if opts.Report == "gather" && opts.Format == "csv" {
		summaryToStderr(opts.IO.ErrOut, res.Summary)
	}
	if err := opts.Fleet.writeHTML(res.Summary); err != nil {
		return err
	}
	return exitFor(res, opts.IO.ErrOut, opts.Quiet, opts.resume)
}
