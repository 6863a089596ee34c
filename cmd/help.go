package cmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagGroup is a titled part of a command's flags in its help.
type flagGroup struct {
	title string
	names []string
}

// scrapeFlagGroups orders scrape's flags for people: what limits the run,
// what each request is, where results go, how the run is driven. A flag in
// no group is listed under "Other flags", so none is ever hidden.
// Names of flags other branches add (--fields, --robots, --resolver, -x,
// --shard…) are listed already: a name with no flag is passed over.
var scrapeFlagGroups = []flagGroup{
	{"Input", []string{"url", "shard"}},
	{"Limits (politeness)", []string{"concurrency", "rate", "burst", "per-host", "host-rate", "throttle", "robots", "window"}},
	{"Requests", []string{"timeout", "retries", "max-retry-wait", "max-body", "max-redirects", "user-agent", "header",
		"insecure", "http1", "proxy", "resolver"}},
	{"Output", []string{"output", "format", "report", "fields", "extract", "db", "resume", "quiet", "progress", "html"}},
	{"Run control", []string{"deadline", "fail-fast"}},
}

// placeholders name the value of a flag in help where its type says too
// little; other flags get one from their type (N, DURATION, …).
var placeholders = map[string]string{
	"output": "FILE", "db": "FILE", "format": "FORMAT", "report": "MODE", "progress": "MODE",
	"user-agent": "STRING", "rate": "R", "host-rate": "R", "url": "URL", "target": "URL",
	"listen": "ADDR", "cpuprofile": "FILE", "error-rate": "SHARE", "drop-rate": "SHARE",
	"header": "'NAME: VALUE'",
	"proxy":  "URL", "resolver": "ADDR", "shard": "I/N", "fields": "LIST", "extract": "NAME=SELECTOR", "robots": "MODE",
	"html": "FILE", "scope": "MODE", "strip-query": "NAME",
}

// scrapeCompletions are the values shell completion offers for scrape's
// flags that take one of a few words.
var scrapeCompletions = map[string][]string{
	"format":   {"jsonl\tJSON lines (also: json)", "csv\ta header row, then a row per URL", "text\taligned columns for people"},
	"report":   {"stream\ta result per URL as it completes", "gather\tone document in input order, with the summary"},
	"progress": {"auto\ta bar when stderr is a terminal", "always\ta bar", "never\tnothing", "log\ta plain line every few seconds"},
	"throttle": {"auto\teach host's window adapts to its answers", "off\t--per-host whenever there is work"},
}

// setScrapeHelp gives scrape its grouped help and its flags' completions.
func setScrapeHelp(c *cobra.Command) {
	setFlagHelp(c, scrapeFlagGroups, scrapeCompletions)
}

// setFlagHelp makes c's help list its flags in groups (all in one list if
// none), with placeholders, and registers the completions given for flags
// that take one of a few words ("word\tdescription").
func setFlagHelp(c *cobra.Command, groups []flagGroup, completions map[string][]string) {
	for name, values := range completions {
		if c.Flags().Lookup(name) != nil {
			c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	c.SetUsageFunc(func(c *cobra.Command) error {
		return writeUsage(c.OutOrStderr(), c, groups)
	})
}

// writeUsage writes c's usage: the usage line, examples, then its flags in
// groups, aligned across groups.
func writeUsage(w io.Writer, c *cobra.Command, groups []flagGroup) error {
	fmt.Fprintf(w, "Usage:\n  %s\n", c.UseLine())
	if c.Example != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", c.Example)
	}
	listed := map[string]bool{}
	var lists [][]*pflag.Flag
	for _, g := range groups {
		var flags []*pflag.Flag
		for _, name := range g.names {
			if f := c.Flags().Lookup(name); f != nil {
				flags = append(flags, f)
				listed[name] = true
			}
		}
		lists = append(lists, flags)
	}
	var rest []*pflag.Flag
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !listed[f.Name] && !f.Hidden {
			rest = append(rest, f)
		}
	})
	title := "Other flags"
	if len(groups) == 0 {
		title = "Flags"
	}
	groups = append(groups, flagGroup{title: title})
	lists = append(lists, rest)
	width := 0
	for _, flags := range lists {
		for _, f := range flags {
			width = max(width, len(flagName(f)))
		}
	}
	for i, flags := range lists {
		if len(flags) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", groups[i].title)
		for _, f := range flags {
			fmt.Fprintf(w, "  %-*s   %s\n", width, flagName(f), flagUsage(f))
		}
	}
	return nil
}

// flagName is "-c, --concurrency N": the short name if any, the long name
// and the placeholder of its value.
func flagName(f *pflag.Flag) string {
	name := "    --" + f.Name
	if f.Shorthand != "" {
		name = "-" + f.Shorthand + ", --" + f.Name
	}
	if p := placeholder(f); p != "" {
		name += " " + p
	}
	return name
}

// placeholder names a flag's value: from placeholders, else from its type;
// "" for a switch.
func placeholder(f *pflag.Flag) string {
	if p, ok := placeholders[f.Name]; ok {
		return p
	}
	if strings.Contains(f.Usage, "`") {
		name, _ := pflag.UnquoteUsage(f)
		return name
	}
	switch t := f.Value.Type(); t {
	case "bool":
		return ""
	case "int", "int64", "uint", "float64":
		return "N"
	case "duration":
		return "DURATION"
	case "string", "stringArray", "stringSlice":
		return "STRING"
	default:
		return strings.ToUpper(strings.Trim(t, "'"))
	}
}

// flagUsage is the flag's text and, when it is not the zero value, its
// default.
func flagUsage(f *pflag.Flag) string {
	_, usage := pflag.UnquoteUsage(f)
	switch f.DefValue {
	case "", "0", "0s", "false", "[]":
		return usage
	}
	if strings.Contains(usage, "(default") {
		return usage
	}
	return fmt.Sprintf("%s (default %s)", usage, f.DefValue)
}

// serveEndpoints lists what fanout serve answers, for its help.
func serveEndpoints() string {
	return "  /page/N   generated page N, titled \"Page N\", of --page-size bytes, after --latency (plus\n" +
		"            up to --jitter); --error-rate of them answer 500, --drop-rate drop the connection\n" +
		"  /site/p/N a site graph to crawl (--site-pages pages, from /site/p/0), after --latency:\n" +
		"            relative and absolute links, <base>, fragments, redirects (/site/r/N), 404s,\n" +
		"            a calendar trap (/site/cal/N), nofollow, links into /private/\n" +
		"  /robots.txt disallows /private/\n" +
		"  any other path answers 404"
}
