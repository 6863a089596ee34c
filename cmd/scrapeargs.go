package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/progress"
	"github.com/fanout-dev/fanout/report"
)

// resolve completes the options from the arguments and from what the user
// did not say: URLs among the arguments, the format from -o's extension
// unless -f was given (and one document for a .json file unless --report
// was given), and "json" as a name for JSON lines.
func (o *ScrapeOptions) resolve(c *cobra.Command, args []string) {
	files, urls := input.SplitArgs(args)
	o.Files = files
	o.URLs = append(o.URLs, urls...)
	o.formatSet = c.Flags().Changed("format")
	o.Warc.noteInfo(c, args)
	format, gather, ok := report.FormatOf(o.Output)
	if ok && !o.formatSet {
		o.Format = format
	}
	if gather && !c.Flags().Changed("report") {
		o.Report = "gather"
	}
	if o.Format == "json" {
		o.Format = "jsonl"
	}
}

// openSource opens what scrape reads (input.Args.Open). When standard
// input is a terminal and is to be read, it says so on stderr, so a user
// who typed no file is not left waiting in silence.
func openSource(opts *ScrapeOptions) (input.Source, func(), error) {
	src, closeSrc, err := opts.Args.Open(opts.IO.In)
	if err != nil {
		return nil, nil, err
	}
	if readsTerminal(opts) {
		fmt.Fprintln(opts.IO.ErrOut, "fanout: reading URLs from standard input, one per line (Ctrl-D ends; fanout scrape --help for files and -u URL)")
	}
	return src, closeSrc, nil
}

// readsTerminal says whether the run reads URLs typed at a terminal:
// standard input is one, and it is read.
func readsTerminal(opts *ScrapeOptions) bool {
	return opts.IO.InIsTTY && opts.ReadsStdin()
}

// targetCount is how many targets the run will have, or -1 when that is not
// known (standard input, a crawl).
func targetCount(opts *ScrapeOptions) int64 {
	if opts.crawl != nil {
		return -1 // a crawl finds its URLs as it goes
	}
	return opts.Args.Count()
}

// attachProgress starts the progress display, if any, and tells w and cfg
// of it. When the results go to the same terminal as the bar, w writes them
// through the bar, which makes way for them. URLs --resume skips count as
// done. While URLs are typed at the terminal, the bar waits for the end of
// the input (Ctrl-D), so that it never lands on the line being typed.
func attachProgress(opts *ScrapeOptions, w *report.Writer, cfg *pipeline.Config) *progress.Bar {
	bar := newProgress(opts.IO, opts.Progress, -1)
	if bar == nil {
		return nil
	}
	w.Progress = bar
	if opts.Output == "" && opts.IO.OutIsTTY {
		w.Out = bar.ResultsWriter(w.Out)
	}
	if skip := cfg.Skip; skip != nil {
		cfg.Skip = func(t input.Target) bool {
			if skip(t) {
				bar.Skip()
				return true
			}
			return false
		}
	}
	if readsTerminal(opts) {
		bar.Hold()
		cfg.Source = input.OnEnd(cfg.Source, bar.Release)
	}
	go bar.SetTotal(targetCount(opts))
	cfg.Source = bar.CountHosts(cfg.Source) // the eta of hosts held to a pace
	if opts.HostRate > 0 {
		bar.PaceAll(time.Duration(float64(time.Second) / opts.HostRate))
	}
	return bar
}
