package cmd

import (
	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/internal/usage"
	"github.com/fanout-dev/fanout/record"
)

// scrapeFlagGroups orders scrape's flags for people: what limits the run,
// what each request is, where results go, how the run is driven. A flag in
// no group is listed under "Other flags", so none is ever hidden.
// Names of flags other branches add (--fields, --robots, --resolver, -x,
// --shard…) are listed already: a name with no flag is passed over.
var scrapeFlagGroups = []usage.Group{
	{Title: "Input", Names: []string{"url", "shard", "plan"}},
	{Title: "Limits (politeness)", Names: []string{"concurrency", "rate", "burst", "per-host", "host-rate", "throttle", "robots",
		"window"}},
	{Title: "Requests", Names: []string{"timeout", "retries", "max-retry-wait", "max-body", "max-redirects", "user-agent", "header",
		"insecure", "http1", "method", "proxy", "resolver"}},
	{Title: "Output", Names: []string{"output", "format", "report", "fields", "header-field", "extract", "match-status", "filter-status",
		"db", "warc", "warc-max-size", "resume", "quiet", "verbose", "progress", "html"}},
	{Title: "Run control", Names: []string{"deadline", "fail-fast"}},
}

// placeholders name the value of a flag in help where its type says too
// little; other flags get one from their type (N, DURATION, …: usage.Page).
var placeholders = map[string]string{
	"output": "FILE", "db": "FILE", "warc": "FILE", "warc-max-size": "SIZE", "format": "FORMAT", "report": "MODE", "progress": "MODE",
	"user-agent": "AGENT", "rate": "RATE", "host-rate": "RATE", "url": "URL", "target": "URL",
	"since": "DATE", "from-robots": "HOST", "throttle": "MODE",
	"listen": "ADDR", "cpuprofile": "FILE", "error-rate": "SHARE", "drop-rate": "SHARE",
	"header": "'NAME: VALUE'", "method": "METHOD",
	"proxy": "URL", "resolver": "ADDR", "shard": "I/N", "fields": "LIST", "header-field": "NAME", "match-status": "LIST", "filter-status": "LIST", "extract": "NAME=SELECTOR", "robots": "MODE",
	"html": "FILE", "cert-file": "FILE", "scope": "MODE", "strip-query": "NAME",
}

// flagCompletions are the values shell completion offers for the flags
// that take one of a few words ("word\tdescription"), in every command
// that has them; a command's own list (setFlagHelp) comes first.
var flagCompletions = map[string][]string{
	"method":   {"GET\tthe page, read", "HEAD\tthe answer's status and headers, no body"},
	"report":   {"stream\ta result per URL as it completes", "gather\tone document in input order, with the summary"},
	"progress": {"auto\ta bar when stderr is a terminal", "always\ta bar", "never\tnothing", "log\ta plain line every few seconds"},
	"throttle": {"auto\teach host's window adapts to its answers", "off\tthe per-host cap whenever there is work"},
	"robots":   {"ignore\trobots.txt is not read", "report\trobots_txt in each record", "obey\tdisallowed URLs are not fetched"},
}

// scrapeCompletions are scrape's own: its formats.
var scrapeCompletions = map[string][]string{
	"format": {"jsonl\tJSON lines (also: json)", "csv\ta header row, then a row per URL", "text\taligned columns for people"},
}

// setScrapeHelp gives scrape its grouped help and its flags' completions.
func setScrapeHelp(c *cobra.Command) {
	setFlagHelp(c, scrapeFlagGroups, scrapeCompletions)
	c.Annotations = map[string]string{exitStatusShown: "yes"}
}

// setFlagHelp makes c's help list its flags in groups (all in one list if
// none), with placeholders, and registers completions: those given, then
// flagCompletions, and --fields' names.
func setFlagHelp(c *cobra.Command, groups []usage.Group, completions map[string][]string) {
	complete := func(name string, values []string) {
		if c.Flags().Lookup(name) != nil {
			c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	for name, values := range completions {
		complete(name, values)
	}
	for name, values := range flagCompletions {
		if completions[name] == nil {
			complete(name, values)
		}
	}
	if c.Flags().Lookup("fields") != nil {
		c.RegisterFlagCompletionFunc("fields", completeFields)
	}
	c.SetUsageFunc(func(c *cobra.Command) error {
		return usagePage(c, groups).Write(c.OutOrStderr(), c)
	})
}

// exitStatusShown marks, in a command's annotations, that its help ends
// with the exit statuses.
const exitStatusShown = "help.exit-status"

// usagePage is c's usage: its flags in groups, with fanout's placeholders,
// and (if exitStatusShown) the exit statuses at the end.
func usagePage(c *cobra.Command, groups []usage.Group) usage.Page {
	p := usage.Page{Groups: groups, Placeholders: placeholders}
	if c.Annotations[exitStatusShown] != "" {
		p.Footer = exitStatusHelp
	}
	return p
}

// serveEndpoints lists what fanout serve answers, for its help.
func serveEndpoints() string {
	return "  /page/N     generated page N, titled \"Page N\", of --page-size bytes, after\n" +
		"              --latency (plus up to --jitter); --error-rate of them answer 500,\n" +
		"              --drop-rate drop the connection\n" +
		"  /site/p/N   a site graph to crawl (--site-pages pages, from /site/p/0), after\n" +
		"              --latency: relative and absolute links, <base>, fragments,\n" +
		"              redirects (/site/r/N), 404s, a calendar trap (/site/cal/N),\n" +
		"              nofollow, links into /private/\n" +
		"  /robots.txt disallows /private/\n" +
		"  any other path answers 404"
}

// exitStatusHelp is the help's section on exit statuses (README.md's table).
const exitStatusHelp = `
Exit status:
  0         the run completed; URLs that failed are data, in their records
  1         --fail-fast tripped, --deadline passed, or the run could not start
            (an unreadable input or output, a store in use)
  2         a usage error: a bad flag or value (the message names it)
  130, 143  stopped by SIGINT (Ctrl-C) or SIGTERM; what finished is written
`

// completeFields completes --fields (record.CompleteFieldList).
func completeFields(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
	return record.CompleteFieldList(typed), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
