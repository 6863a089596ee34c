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
	{"Input", []string{"url", "shard", "plan"}},
	{"Limits (politeness)", []string{"concurrency", "rate", "burst", "per-host", "host-rate", "throttle", "robots", "window"}},
	{"Requests", []string{"timeout", "retries", "max-retry-wait", "max-body", "max-redirects", "user-agent", "header",
		"insecure", "http1", "method", "proxy", "resolver"}},
	{"Output", []string{"output", "format", "report", "fields", "header-field", "extract", "match-status", "filter-status", "db", "resume", "quiet", "verbose", "progress", "html"}},
	{"Run control", []string{"deadline", "fail-fast"}},
}

// placeholders name the value of a flag in help where its type says too
// little; other flags get one from their type (N, DURATION, …).
var placeholders = map[string]string{
	"output": "FILE", "db": "FILE", "format": "FORMAT", "report": "MODE", "progress": "MODE",
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
func setFlagHelp(c *cobra.Command, groups []flagGroup, completions map[string][]string) {
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
		return writeUsage(c.OutOrStderr(), c, groups)
	})
}

// exitStatusShown marks, in a command's annotations, that its help ends
// with the exit statuses.
const exitStatusShown = "help.exit-status"

// writeUsage writes c's usage, wrapped to the width of w: the usage line,
// examples, subcommands, then its flags in groups, aligned across groups,
// and (if exitStatusShown) the exit statuses.
func writeUsage(w io.Writer, c *cobra.Command, groups []flagGroup) error {
	width := helpWidth(w)
	fmt.Fprintf(w, "Usage:\n  %s\n", c.UseLine())
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "  %s COMMAND\n", c.CommandPath())
	}
	if c.Example != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", c.Example)
	}
	if c.HasAvailableSubCommands() {
		writeCommands(w, c, width)
	}
	writeFlags(w, c, groups, width)
	if c.Annotations[exitStatusShown] != "" {
		fmt.Fprint(w, exitStatusHelp)
	}
	return nil
}

// writeFlags lists c's flags in groups (then the rest), each flag's text
// wrapped to width beside the names, or under them when the names leave
// too little room.
func writeFlags(w io.Writer, c *cobra.Command, groups []flagGroup, width int) {
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
	pad := 0
	for _, flags := range lists {
		for _, f := range flags {
			pad = max(pad, len(flagName(f)))
		}
	}
	indent := 2 + pad + 3
	if width-indent < 30 {
		indent = 10 // the text goes under the names
	}
	for i, flags := range lists {
		if len(flags) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", groups[i].title)
		for _, f := range flags {
			text := hang(flagUsage(f), indent, width)
			if indent == 10 {
				fmt.Fprintf(w, "  %s\n%s%s\n", flagName(f), strings.Repeat(" ", indent), text)
				continue
			}
			fmt.Fprintf(w, "  %-*s   %s\n", pad, flagName(f), text)
		}
	}
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
