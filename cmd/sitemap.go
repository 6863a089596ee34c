package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/report"
	"github.com/fanout-dev/fanout/sitemap"
)

// SitemapOptions are the flags and arguments of fanout sitemap.
type SitemapOptions struct {
	IO         *iostreams.IOStreams
	Source     string // a URL, a file name or "-"; "" with FromRobots
	FromRobots string
	Format     string
	Since      string
	since      time.Time
	Output     string
	robotsURL  *url.URL // --from-robots's robots.txt

	FetchFlags // -t, --retries, --max-body (per sitemap file), -A, -H… (fetchflags.go)
	LimitFlags // -c, --rate, --per-host… but --window (limitflags.go)
}

// newSitemapOptions returns sitemap's defaults: a patient, gentle reader
// of a few large files (two requests at a time, 30s each, files up to
// sitemap.MaxBytes).
func newSitemapOptions(streams *iostreams.IOStreams) *SitemapOptions {
	o := &SitemapOptions{IO: streams, Format: "text", FetchFlags: newFetchFlags(), LimitFlags: newLimitFlags()}
	o.Concurrency, o.PerHost = 2, 2
	o.Throttle = throttleOff // one file at a time: no window to adapt
	o.Timeout, o.MaxBody = 30*time.Second, sitemap.MaxBytes
	return o
}

// NewCmdSitemap returns the sitemap command.
func NewCmdSitemap(streams *iostreams.IOStreams) *cobra.Command {
	opts := newSitemapOptions(streams)
	c := &cobra.Command{
		Use:   "sitemap [URL|FILE]",
		Short: "List the URLs of a sitemap or sitemap index, one per line",
		Long: "Read a sitemap or sitemap index (a URL, a file, or \"-\" for standard input; gzipped or not)\n" +
			"and write the URLs it lists, one per line, each once, following indexes two levels deep.\n" +
			"An argument that is not an existing file and is a host and path as a list line may be\n" +
			"(example.com/sitemap.xml) is fetched over https; a file of that name wins.\n" +
			"A sitemap is XML, a text file of one URL a line, or an RSS 2.0 or Atom 1.0 feed.\n" +
			"With --from-robots HOST, read the sitemaps that HOST's robots.txt names.",
		Example: "  fanout sitemap https://example.com/sitemap.xml | fanout scrape\n" +
			"  fanout sitemap --from-robots example.com --since 2024-05-01 -f jsonl",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Source = sitemap.Source(args[0])
			}
			if err := opts.Validate(); err != nil {
				return err
			}
			return sitemapRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.FromRobots, "from-robots", "", "read the sitemaps named in HOST's robots.txt (HOST, or a URL whose scheme and host are used)")
	f.StringVarP(&opts.Format, "format", "f", opts.Format, "text: one URL per line; jsonl: {\"url\", \"lastmod\"} per line")
	f.StringVar(&opts.Since, "since", "", "only URLs whose lastmod is this date or later (2024-05-01, 2024-05-01T12:00:00Z); URLs without one are kept")
	f.StringVarP(&opts.Output, "output", "o", "", "write to FILE instead of standard output")
	opts.LimitFlags.addAdmissionFlags(f)
	opts.FetchFlags.AddFlags(f)
	opts.addVerboseFlag(f)
	setFlagHelp(c, nil, map[string][]string{"format": {"text\tone URL per line", "jsonl\turl and lastmod per line"}})
	return c
}

// Validate checks the options, naming the flag at fault.
func (o *SitemapOptions) Validate() error {
	switch {
	case o.Source == "" && o.FromRobots == "":
		return exit.Usagef("give a sitemap URL or FILE, or --from-robots HOST")
	case o.Source != "" && o.FromRobots != "":
		return exit.Usagef("give a sitemap or --from-robots, not both")
	case o.Format != "text" && o.Format != "jsonl":
		return exit.Usagef("--format must be text or jsonl, not %q", o.Format)
	}
	if err := validateGroups(&o.LimitFlags, &o.FetchFlags); err != nil {
		return err
	}
	if o.FromRobots != "" {
		u, err := sitemap.RobotsURL(o.FromRobots)
		if err != nil {
			return exit.Usagef("--from-robots %v", err)
		}
		o.robotsURL = u
	}
	if o.Since != "" {
		t, err := sitemap.ParseTime(o.Since)
		if err != nil {
			return exit.Usagef("--since: %v", err)
		}
		o.since = t
	}
	return nil
}

func sitemapRun(ctx context.Context, opts *SitemapOptions) error {
	if opts.Source != "" {
		if err := input.CheckOverwrite([]string{opts.Source}, opts.IO.In, []input.Output{{Name: "--output", Path: opts.Output}}); err != nil {
			return exit.Usagef("%v", err)
		}
	}
	fetch := opts.FetchFlags.Options()
	fetch.Attempted = attemptLogger(opts.Verbose, opts.IO.ErrOut, nil)
	f := pipeline.NewFetcher(pipeline.Config{Limits: opts.LimitFlags.Options(), Fetch: fetch})
	defer f.Close()

	locs := []string{opts.Source}
	if opts.FromRobots != "" {
		var err error
		if locs, err = sitemap.FromRobots(ctx, f, opts.robotsURL); err != nil {
			return exit.Fail(err)
		}
	}
	out := opts.IO.Out
	if opts.Output != "" {
		file, err := os.Create(opts.Output)
		if err != nil {
			return exit.Fail(fmt.Errorf("cannot write --output: %w", err))
		}
		defer file.Close()
		out = file
	}
	bw := bufio.NewWriter(out)
	failed := 0
	walkOpts := sitemap.Options{Since: opts.since, MaxBytes: int64(opts.MaxBody), Warn: func(loc string, err error) {
		var cut *sitemap.LimitError
		if !errors.As(err, &cut) {
			failed++
		}
		fmt.Fprintf(opts.IO.ErrOut, "fanout: sitemap %s: %v\n", loc, err)
	}}
	err := sitemap.Walk(ctx, locs, sitemap.Opener(f, opts.Source, opts.IO.In), walkOpts, func(e sitemap.Entry) error {
		return sitemap.WriteEntry(bw, e, opts.Format)
	})
	if err == nil {
		err = bw.Flush()
	}
	switch {
	case err != nil && exit.BrokenPipe(err):
		return nil // the reader went away: stop quietly
	case exit.Stopped(ctx) != nil:
		return exit.Stopped(ctx)
	case ctx.Err() != nil:
		return exit.Fail(ctx.Err())
	case err != nil:
		return exit.Fail(fmt.Errorf("writing URLs: %w", err))
	case failed > 0:
		return exit.Fail(fmt.Errorf("%s could not be read", report.Plural(failed, "sitemap file")))
	}
	return nil
}
