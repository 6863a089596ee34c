package cmd

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/crawl"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/internal/usage"
)

// CrawlOptions are the flags and arguments of fanout crawl: scrape's, and
// which links to follow.
type CrawlOptions struct {
	*ScrapeOptions
	CrawlFlags // --scope, --depth, --max-pages… (crawlflags.go)
}

// NewCrawlOptions returns the defaults: scrape's, with robots.txt obeyed.
func NewCrawlOptions(streams *iostreams.IOStreams) *CrawlOptions {
	o := &CrawlOptions{ScrapeOptions: NewScrapeOptions(streams), CrawlFlags: newCrawlFlags()}
	o.Page.Robots, o.Page.crawl = "obey", true
	o.crawl = &o.CrawlFlags
	return o
}

// NewCmdCrawl returns the crawl command.
func NewCmdCrawl(streams *iostreams.IOStreams) *cobra.Command {
	opts := NewCrawlOptions(streams)
	c := &cobra.Command{
		Use:   "crawl SEED... [flags]",
		Short: "Follow links from the seeds, in scope and bounded, and report each URL fetched",
		Long: "Fetch each seed, then the pages it links to, breadth first, and write one result per URL\n" +
			"fetched, as scrape does, with its depth (seeds are 0) and the page it was first found on.\n" +
			"Seeds are URL arguments, -u URL, or lists in FILEs or on standard input, read as scrape\n" +
			"reads them. Links are <a>, <area> and <link rel=next|prev|alternate|canonical>, resolved\n" +
			"against <base href> and the page's final URL; each URL is fetched at most once, compared\n" +
			"after normalisation (case, default port, dot segments, percent-encoding; the fragment\n" +
			"dropped; the query kept, less --strip-query). robots.txt is obeyed unless --robots says\n" +
			fmt.Sprintf("otherwise, and so are meta robots and X-Robots-Tag nofollow. Every crawl is bounded:\n"+
				"--depth %d and --max-pages %d unless told otherwise.", crawl.DefaultMaxDepth, crawl.DefaultMaxPages),
		Example: "  fanout crawl https://example.com/ -f text\n" +
			"  fanout crawl https://example.com/ --check-external --check-resources -q |\n" +
			"    jq -c 'select(.error_kind or .status >= 400) | {url, status, from}'\n" +
			"  fanout crawl https://example.com/ \\\n" +
			"    --fields url,status,title,description,canonical,h1 |\n" +
			"    jq -c 'select(.status == 200 and .description == null)'",
		RunE: func(c *cobra.Command, args []string) error {
			opts.resolve(c, args)
			if err := opts.Validate(); err != nil {
				return err
			}
			opts.noteResume(c, args)
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(crawlGCPercent)
			}
			return scrapeRun(c.Context(), opts.ScrapeOptions)
		},
	}
	f := c.Flags()
	opts.CrawlFlags.AddFlags(f)
	opts.LimitFlags.AddFlags(f)
	opts.FetchFlags.AddFlags(f)
	opts.addVerboseFlag(f)
	opts.RunFlags.AddFlags(f)
	opts.addOutputFlags(f)
	f.BoolVar(&opts.Resume, "resume", false, "with --db: go on with the crawl stopped there (its frontier and seen set are in the store)")
	f.StringArrayVarP(&opts.URLs, "url", "u", nil, "a seed, repeatable")
	addFleetFlags(f, &opts.Fleet)
	opts.Fleet.key = opts.shardKey
	setFlagHelp(c, crawlFlagGroups, scrapeCompletions)
	return c
}

// crawlGCPercent is the garbage collector's target in a crawl, unless
// GOGC says otherwise: a crawl's live heap is mostly its seen set, which
// grows with the crawl, so the heap's goal is twice it rather than the
// thrice main sets for speed (docs/performance.md, "fanout crawl").
const crawlGCPercent = 100

// crawlFlagGroups are scrape's groups, after what the crawl follows.
var crawlFlagGroups = append([]usage.Group{
	{Title: "Crawl", Names: []string{"scope", "depth", "max-pages", "allow", "deny", "strip-query", "check-external", "check-resources"}},
}, scrapeFlagGroups...)

// Validate checks the options, naming the flag at fault.
func (o *CrawlOptions) Validate() error {
	if len(o.Files) == 0 && len(o.URLs) == 0 && o.IO.InIsTTY {
		return exit.Usagef("crawl needs at least one seed: a URL, -u URL, or a FILE of them")
	}
	if err := o.ScrapeOptions.Validate(); err != nil {
		return err
	}
	return o.CrawlFlags.Validate()
}
