// Package cmd is fanout's command line: cobra commands whose flags fill an
// options struct, validated in one place, and run functions that take only
// the options and the streams. It wires the packages of the path of one URL
// together and maps every outcome to an exit status.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/buildinfo"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/internal/usage"
)

// NewRootCmd returns the fanout command with its subcommands.
func NewRootCmd(streams *iostreams.IOStreams) *cobra.Command {
	version := buildinfo.Read()
	root := &cobra.Command{
		Use:   "fanout",
		Short: "Fetch long lists of URLs concurrently, politely and safely, and report each page's title",
		Long: "fanout fetches URLs concurrently within global and per-host limits, extracts each page's\n" +
			"title, and reports one result per URL as JSON lines, CSV or text.",
		Example: "  fanout scrape urls.txt > results.jsonl          # a list, one URL per line\n" +
			"  fanout scrape -f text example.com https://example.org/a\n" +
			"  fanout serve &                                   # a local site to try it on:\n" +
			"  fanout scrape -f text 127.0.0.1:8080/page/1 127.0.0.1:8080/page/2",
		Annotations:   map[string]string{exitStatusShown: "yes"},
		Version:       version.String(),
		Args:          cobra.ArbitraryArgs,
		RunE:          rootRun,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	// -v before any command is --version, as cobra and most tools make
	// it, so `fanout -v` keeps working; after scrape, crawl or sitemap it
	// is --verbose (verbose.go). The help says both.
	root.Flags().BoolP("version", "v", false, "print the version (after scrape, crawl or sitemap, -v is --verbose)")
	root.SuggestionsMinimumDistance = 2
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(usage.FlagErrorFunc(flagAliases))
	root.SetHelpFunc(usage.WriteHelp)
	root.SetUsageFunc(func(c *cobra.Command) error { return usagePage(c, nil).Write(c.OutOrStderr(), c) })
	root.AddCommand(NewCmdScrape(streams, nil), NewCmdCrawl(streams), NewCmdBench(streams, nil), NewCmdServe(streams),
		NewCmdVersion(streams, version), NewCmdReport(streams), NewCmdSitemap(streams))
	return root
}

// flagAliases are fanout's names for other tools' flags (curl's first),
// suggested when one of those is given.
var flagAliases = map[string]string{
	"max-time": "timeout", "connect-timeout": "timeout", "retry": "retries",
	"parallel": "concurrency", "threads": "concurrency", "workers": "concurrency", "output-file": "output",
}

// Execute runs fanout with args and returns the exit status. ctx carries a
// *exit.Signal cause when a signal stops the run.
func Execute(ctx context.Context, streams *iostreams.IOStreams, args []string) int {
	root := NewRootCmd(streams)
	root.SetArgs(args)
	c, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exit.OK
	}
	var end *exit.Error
	if !errors.As(err, &end) {
		end = &exit.Error{Code: exit.Usage, Err: err} // cobra's own: unknown command, bad arguments
	}
	if end.Err != nil {
		fmt.Fprintf(streams.ErrOut, "fanout: %v\n", end.Err)
		if end.Code == exit.Usage {
			fmt.Fprintf(streams.ErrOut, "Run '%s --help' for usage.\n", c.CommandPath())
		}
	}
	return end.Code
}

// rootRun is fanout with no subcommand: help, or for an argument that is a
// list file or a URL, the scrape command that was probably meant.
func rootRun(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return c.Help()
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	st, err := os.Stat(args[0])
	isFile := err == nil && !st.IsDir()
	if s := c.SuggestionsFor(args[0]); len(s) > 0 && !isFile {
		msg += "\ndid you mean: fanout " + strings.Join(s, " or fanout ")
	} else if isFile || input.IsURLArg(args[0]) || strings.ContainsAny(args[0], "./") {
		msg += "\ndid you mean: fanout scrape " + strings.Join(args, " ")
	}
	return &exit.Error{Code: exit.Usage, Err: errors.New(msg)}
}
