package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/crawl"
	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/cmdline"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/progress"
	"github.com/fanout-dev/fanout/report"
	"github.com/fanout-dev/fanout/store"
)

// ScrapeOptions are the flags and arguments of fanout scrape.
type ScrapeOptions struct {
	IO *iostreams.IOStreams
	// Args are the list files, and the URLs: -u, and the arguments that
	// are URLs or hosts and not files (input.SplitArgs).
	input.Args

	FetchFlags // -t, --retries, -A, -H, -x, --resolver… (fetchflags.go)
	LimitFlags // -c, --rate, --per-host, --window… (limitflags.go)
	RunFlags   // --deadline, --fail-fast, --progress, --fields, -e, --robots (runflags.go)

	Output string
	Format string
	Report string
	DB     string
	Resume bool
	Quiet  bool
	// Match and Drop are --match-status and --filter-status: which
	// records are written (all are counted and stored).
	Match, Drop statusList
	Fleet       fleetOptions // --shard, --plan, --html (shardflags.go)
	Warc        warcOptions  // --warc, --warc-max-size (warcflags.go)

	resume string // the command line that resumes this run, with --db
	// resumeNote says what secrets resume holds, or is "".
	resumeNote string
	formatSet  bool        // -f was given
	crawl      *CrawlFlags // set by fanout crawl: the source follows links (crawlflags.go)
}

// NewScrapeOptions returns the defaults.
func NewScrapeOptions(streams *iostreams.IOStreams) *ScrapeOptions {
	return &ScrapeOptions{
		IO: streams, FetchFlags: newFetchFlags(), LimitFlags: newLimitFlags(), RunFlags: newRunFlags(),
		Format: "jsonl", Report: "stream",
	}
}

// NewCmdScrape returns the scrape command. runF replaces the run function in
// tests; nil runs scrapeRun.
func NewCmdScrape(streams *iostreams.IOStreams, runF func(context.Context, *ScrapeOptions) error) *cobra.Command {
	opts := NewScrapeOptions(streams)
	c := &cobra.Command{
		Use:   "scrape [FILE|URL ...]",
		Short: "Fetch every URL listed, one per line, and report each result",
		Long: "Fetch every URL listed in FILEs, one per line, and write one result per URL (JSON lines\n" +
			"by default). Blank lines and lines starting with # are skipped. With no FILE, or FILE \"-\",\n" +
			"the list is read from standard input. URLs may also be given with -u URL, or as arguments:\n" +
			"an argument that is not an existing file and is a URL or a host as a list line may be\n" +
			"(https://example.com/a, example.com, 127.0.0.1:8080/a) is fetched as one; a file of that\n" +
			"name wins (-u forces a URL).",
		Example: "  fanout scrape urls.txt | jq -r 'select(.status == 200) | .title // empty'\n" +
			"  fanout scrape -f text example.com https://example.org/a\n" +
			"  cat urls.txt | fanout scrape --report gather - | jq .summary\n" +
			"  fanout scrape -o results.csv urls.txt    # the format follows -o's extension",
		RunE: func(c *cobra.Command, args []string) error {
			opts.resolve(c, args)
			if err := opts.Validate(); err != nil {
				return err
			}
			opts.noteResume(c, args)
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return scrapeRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	opts.LimitFlags.AddFlags(f)
	opts.FetchFlags.AddFlags(f)
	opts.addVerboseFlag(f)
	opts.RunFlags.AddFlags(f)
	opts.addOutputFlags(f)
	f.BoolVar(&opts.Resume, "resume", false, "with --db: skip URLs that already have a final result there")
	f.StringArrayVarP(&opts.URLs, "url", "u", nil, "fetch this URL too, repeatable (no list file needed)")
	addFleetFlags(f, &opts.Fleet)
	setScrapeHelp(c)
	return c
}

// addOutputFlags adds where results go, for scrape and crawl.
func (opts *ScrapeOptions) addOutputFlags(f *pflag.FlagSet) {
	f.StringVarP(&opts.Output, "output", "o", "", "write results to FILE instead of standard output; its extension says the format: .jsonl, .json (one document), .csv, .txt")
	f.StringVarP(&opts.Format, "format", "f", opts.Format, "result format: jsonl (or json), csv or text (default: from -o's extension, else jsonl)")
	f.StringVar(&opts.Report, "report", opts.Report, "stream: a result per URL as it completes; gather: one document in input order with the summary")
	f.StringVar(&opts.DB, "db", "", "also store every result in this SQLite file")
	opts.Warc.addFlags(f)
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no summary line on stderr unless the run stops early")
	f.Var(&opts.Match, "match-status", "write only the records whose status is in LIST, codes and classes: 200,3xx (the summary, the store and fanout report still count every URL)")
	f.Var(&opts.Drop, "filter-status", "do not write the records whose status is in LIST (e.g. 404,5xx); counted as --match-status says")
}

// statusList is a --match-status or --filter-status value.
type statusList struct{ set report.StatusSet }

func (l *statusList) String() string { return l.set.String() }

func (l *statusList) Type() string { return "list" }

func (l *statusList) Set(s string) (err error) {
	l.set, err = report.ParseStatusSet(s)
	return err
}

// noteResume keeps, with --db, the command line that resumes the run c
// is about to start (printed if it stops early).
func (o *ScrapeOptions) noteResume(c *cobra.Command, args []string) {
	if o.DB != "" {
		o.resume = cmdline.Resume(c.Name(), c.Flags(), args, o.appendTarget())
		o.resumeNote = cmdline.SecretsNote(cmdline.Secrets(c.Flags()))
	}
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
	case !slices.Contains(report.Formats, o.Format):
		return exit.Usagef("--format must be jsonl (or json), csv or text, not %q", o.Format)
	case o.Report != "stream" && o.Report != "gather":
		return exit.Usagef("--report must be stream or gather, not %q", o.Report)
	case o.Resume && o.DB == "":
		return exit.Usagef("--resume needs --db")
	}
	if err := report.CheckOutput(o.Output, o.Format, o.formatSet, o.Report == "gather"); err != nil {
		return exit.Usagef("%v", err)
	}
	if err := o.Warc.validate(&o.FetchFlags); err != nil {
		return err
	}
	return validateGroups(&o.LimitFlags, &o.FetchFlags, &o.RunFlags)
}

// validateGroups checks each flag group in turn: the first fault is the
// error.
func validateGroups(groups ...interface{ Validate() error }) error {
	for _, g := range groups {
		if err := g.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// pipelineConfig is the run the options ask for, without its source.
func (o *ScrapeOptions) pipelineConfig() pipeline.Config {
	return o.RunFlags.Options(&o.LimitFlags, &o.FetchFlags)
}

func scrapeRun(ctx context.Context, opts *ScrapeOptions) error {
	outputs := []input.Output{{Name: "--output", Path: opts.Output}, {Name: "--db", Path: opts.DB},
		{Name: "--html", Path: opts.Fleet.HTML}, {Name: "--warc", Path: opts.Warc.File}}
	if err := input.CheckOverwrite(opts.Files, opts.IO.In, outputs); err != nil {
		return exit.Usagef("%v", err)
	}
	if done, err := opts.Fleet.prepare(opts); done || err != nil {
		return err
	}
	defer opts.Fleet.closePage()
	src, closeSrc, err := openSource(opts)
	if err != nil {
		return exit.Fail(err)
	}
	defer closeSrc()
	st, err := openStore(opts)
	if err != nil {
		return err
	}
	w, file, err := openWriter(opts)
	if err != nil {
		closeStore(st)
		return err
	}
	if file != nil {
		defer file.Close()
	}
	cfg := opts.pipelineConfig()
	cfg.Source = src
	attachStore(st, opts, w, &cfg)
	h, err := opts.wire(&cfg, w, st)
	if h.crawl != nil {
		defer h.crawl.Close()
	}
	if err != nil {
		closeStore(st)
		return exit.Fail(err)
	}
	return opts.finish(runPipeline(ctx, cfg, w), h, file)
}

// openWriter makes the writer of the run's records: the encoder of the
// run's format and columns, and --output created (file is nil without it:
// the records go to standard output).
func openWriter(opts *ScrapeOptions) (w *report.Writer, file *os.File, err error) {
	enc, err := report.NewEncoderFields(opts.Format, opts.Report == "gather", opts.Page.columns(opts.Method))
	if err != nil {
		return nil, nil, exit.Usagef("%v", err)
	}
	w = &report.Writer{Out: opts.IO.Out, Encoder: enc, Gather: opts.Report == "gather",
		Filter: report.StatusFilter{Match: opts.Match.set, Drop: opts.Drop.set}}
	if opts.Output != "" {
		if file, err = os.Create(opts.Output); err != nil {
			return nil, nil, exit.Fail(fmt.Errorf("cannot write --output: %w", err))
		}
		w.Out = file
	}
	return w, file, nil
}

// runHooks are what wire attached to a run that must end after it.
type runHooks struct {
	bar       *progress.Bar  // nil without a progress display
	crawl     *crawl.Crawler // fanout crawl's source, closed after the run
	closeWarc func() error   // writes the exchanges still held, closes --warc
}

// wire attaches to the run what the flags ask beyond its source, output
// and store: the warnings on stderr, the progress display, -v, the
// throttle's status, the fleet flags, the crawl and the WARC file.
func (opts *ScrapeOptions) wire(cfg *pipeline.Config, w *report.Writer, st *store.SQLite) (runHooks, error) {
	warn(opts.IO.ErrOut, limiter.OpenFilesNote(opts.Concurrency))
	if !opts.Quiet {
		warn(opts.IO.ErrOut, fetcher.UndecodedNote(opts.Headers.Header()))
	}
	h := runHooks{bar: attachProgress(opts, w, cfg)}
	if !opts.Quiet {
		cfg.Slowed = progress.SlowedNotes(opts.IO.ErrOut, h.bar)
	}
	cfg.Fetch.Attempted = attemptLogger(opts.Verbose, opts.IO.ErrOut, h.bar)
	watchThrottle(h.bar, opts.Throttle, cfg)
	opts.Fleet.wire(cfg, w)
	var err error
	if opts.crawl != nil {
		if h.crawl, err = opts.crawl.wire(cfg, st, opts.Resume); err != nil {
			return h, err
		}
	}
	h.closeWarc, err = opts.Warc.open(cfg)
	return h, err
}

// finish ends a run that ran: the WARC file closed, the bar finished,
// --output synced to disk (a failure to is the run's write error), a
// gathered CSV's summary on stderr, the --html page; then the exit status.
func (opts *ScrapeOptions) finish(res runResult, h runHooks, file *os.File) error {
	if err := h.closeWarc(); err != nil && res.Outcome.WriteErr == nil {
		res.Outcome.WriteErr = err
	}
	defer res.Summary.Close() // its error list's temporary file, in gather mode
	if h.bar != nil {
		h.bar.Finish()
	}
	if file != nil {
		if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
			if err := file.Sync(); err != nil && res.Outcome.WriteErr == nil {
				res.Outcome.WriteErr = err
			}
		}
	}
	if opts.Report == "gather" && opts.Format == "csv" {
		report.WriteCSVSummary(opts.IO.ErrOut, res.Summary)
	}
	if err := opts.Fleet.writeHTML(res.Summary); err != nil {
		return err
	}
	return exitFor(res, opts.IO.ErrOut, opts.Quiet, opts.resume, opts.resumeNote)
}
