package cmd

import (
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/crawl"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/store"
)

// CrawlFlags are what fanout crawl adds to a run: which links it follows
// and how far. The seeds are the run's input, read as scrape reads it.
type CrawlFlags struct {
	Scope          string
	Allow, Deny    regexpList
	Depth          int
	MaxPages       int
	CheckExternal  bool
	CheckResources bool
	StripQuery     []string
	FrontierMem    int // entries held in memory before the frontier spills (tests)
}

// newCrawlFlags returns the defaults.
func newCrawlFlags() CrawlFlags {
	return CrawlFlags{Scope: string(crawl.ScopeHost), Depth: crawl.DefaultMaxDepth, MaxPages: crawl.DefaultMaxPages}
}

// AddFlags registers the group's flags on f; each default is o's value.
func (o *CrawlFlags) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Scope, "scope", o.Scope, "links followed: host (the seed's host:port), domain (its registrable domain, subdomains included), prefix (under the seed's directory)")
	f.Var(&o.Allow, "allow", "follow only links whose normal form matches REGEX, repeatable")
	f.Var(&o.Deny, "deny", "never follow links whose normal form matches REGEX, repeatable (beats --allow)")
	f.IntVar(&o.Depth, "depth", o.Depth, "links followed from a seed at most (seeds are depth 0)")
	f.IntVar(&o.MaxPages, "max-pages", o.MaxPages, "URLs fetched at most, checks included; the crawl stops there")
	f.BoolVar(&o.CheckExternal, "check-external", o.CheckExternal, "fetch each out-of-scope link once to see whether it works, never following it")
	f.BoolVar(&o.CheckResources, "check-resources", o.CheckResources, "also fetch each img, script, stylesheet, source and iframe once, never following it")
	f.StringArrayVar(&o.StripQuery, "strip-query", nil, "remove query parameter NAME before comparing links, repeatable; NAME* is a prefix (utm_*)")
}

// Validate checks the group's values, naming the flag at fault.
func (o *CrawlFlags) Validate() error {
	if _, err := crawl.ParseScope(o.Scope); err != nil {
		return exit.Usagef("--scope: %v", err)
	}
	switch {
	case o.Depth < 0:
		return exit.Usagef("--depth must not be negative")
	case o.MaxPages < 1:
		return exit.Usagef("--max-pages must be at least 1, not %d", o.MaxPages)
	}
	for _, s := range o.StripQuery {
		if s == "" || s == "*" {
			return exit.Usagef("--strip-query needs a parameter name or a prefix such as utm_*, not %q", s)
		}
	}
	return nil
}

// shardKey is a seed's shard key by scope (--shard): a site's whole crawl
// stays in one process.
func (o *CrawlFlags) shardKey(t input.Target) string {
	if t.URL == nil {
		return ""
	}
	mode, _ := crawl.ParseScope(o.Scope)
	return crawl.Key(mode, t.URL)
}

// wire makes the run a crawl: the seeds are read from cfg.Source, the
// source becomes the crawler, and every result goes back to it for its
// links. With a store, the crawl keeps its state there, and resume takes
// back a stopped crawl's. The caller closes the crawler once the run is
// over.
func (o *CrawlFlags) wire(cfg *pipeline.Config, st *store.SQLite, resume bool) (*crawl.Crawler, error) {
	var recorded func(string) (bool, error)
	if resume && st != nil {
		recorded = st.Done
	}
	seeds, err := crawl.ReadSeeds(cfg.Source, recorded)
	if err != nil {
		return nil, err
	}
	mode, _ := crawl.ParseScope(o.Scope)
	var keep crawl.Store
	if st != nil {
		if err := st.BeginCrawl(resume); err != nil {
			return nil, err
		}
		keep = st
	}
	cfg.Skip = nil // the crawl table says what is done, not the results
	ccfg := crawl.Config{
		Scope: crawl.Scope{Mode: mode}, Allow: o.Allow.res, Deny: o.Deny.res,
		MaxDepth: o.Depth, MaxPages: o.MaxPages, StripQuery: o.StripQuery,
		CheckExternal: o.CheckExternal, CheckResources: o.CheckResources,
		ObeyNofollow: cfg.Fetch.ObeyRobots, Frontier: &crawl.Frontier{Mem: o.FrontierMem},
		MaxInFlight: 2 * max(cfg.Window, limiter.Window(cfg.Limits.Concurrency)),
		Store:       keep, Resume: resume,
	}
	c, err := crawl.New(ccfg, seeds)
	if err != nil {
		return nil, err
	}
	cfg.Fetch.Fields = ccfg.Reads(cfg.Fetch.Fields)
	cfg.Source, cfg.Done = c, c.Done
	return c, nil
}

// regexpList is a repeatable regular-expression flag.
type regexpList struct {
	specs []string
	res   []*regexp.Regexp
}

func (l *regexpList) String() string { return strings.Join(l.specs, " ") }

func (l *regexpList) Type() string { return "REGEX" }

func (l *regexpList) Set(s string) error {
	re, err := regexp.Compile(s)
	if err != nil {
		return err
	}
	l.specs, l.res = append(l.specs, s), append(l.res, re)
	return nil
}
