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
	"syscall"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/internal/buildinfo"
)

// Exit statuses (README.md, "Exit status").
const (
	ExitOK      = 0
	ExitFailure = 1 // --fail-fast tripped, --deadline passed, or the run could not start
	ExitUsage   = 2
)

// ExitError ends a command with Code, printing Err (if any) as one line.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

func usageErr(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// SignalError is the cause of a context canceled by a signal.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "stopped by " + e.Signal.String() }

// Code is 128 plus the signal's number: 130 for SIGINT, 143 for SIGTERM,
// 129 for SIGHUP.
func (e *SignalError) Code() int {
	if s, ok := e.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitFailure
}

// NewRootCmd returns the fanout command with its subcommands.
func NewRootCmd(streams *IOStreams) *cobra.Command {
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
	root.SetFlagErrorFunc(flagError)
	root.SetHelpFunc(writeHelp)
	root.SetUsageFunc(func(c *cobra.Command) error { return writeUsage(c.OutOrStderr(), c, nil) })
	root.AddCommand(NewCmdScrape(streams, nil), NewCmdCrawl(streams), NewCmdBench(streams, nil), NewCmdServe(streams),
		NewCmdVersion(streams, version), NewCmdReport(streams), NewCmdSitemap(streams))
	return root
}

// Execute runs fanout with args and returns the exit status. ctx carries a
// *SignalError cause when a signal stops the run.
func Execute(ctx context.Context, streams *IOStreams, args []string) int {
	root := NewRootCmd(streams)
	root.SetArgs(args)
	c, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var exit *ExitError
	if !errors.As(err, &exit) {
		exit = &ExitError{Code: ExitUsage, Err: err} // cobra's own: unknown command, bad arguments
	}
	if exit.Err != nil {
		fmt.Fprintf(streams.ErrOut, "fanout: %v\n", exit.Err)
		if exit.Code == ExitUsage {
			fmt.Fprintf(streams.ErrOut, "Run '%s --help' for usage.\n", c.CommandPath())
		}
	}
	return exit.Code
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
	} else if isFile || isURLArg(args[0]) || strings.ContainsAny(args[0], "./") {
		msg += "\ndid you mean: fanout scrape " + strings.Join(args, " ")
	}
	return &ExitError{Code: ExitUsage, Err: errors.New(msg)}
}
