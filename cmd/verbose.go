package cmd

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/progress"
)

// addVerboseFlag registers -v, --verbose on scrape, crawl and sitemap (not
// bench: a load test's thousands of lines would be its bottleneck). On the
// root command -v stays --version, as cobra makes it (see root's help).
func (o *FetchFlags) addVerboseFlag(f *pflag.FlagSet) {
	f.BoolVarP(&o.Verbose, "verbose", "v", o.Verbose, "a line on stderr per attempt: method, URL, address, protocol, status or error, time taken, and a retry's reason and wait")
}

// attemptLogger is fetcher.Options.Attempted for -v: each attempt's line
// (fetcher.Attempt.String) on errOut, through bar when there is one so that it never
// lands inside a frame, or nil when verbose is off.
func attemptLogger(verbose bool, errOut io.Writer, bar *progress.Bar) func(fetcher.Attempt) {
	if !verbose {
		return nil
	}
	note := progress.Notes(errOut, bar)
	return func(a fetcher.Attempt) { note("fanout: " + a.String()) }
}
