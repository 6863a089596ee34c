package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/runstats"
)

// ReportOptions are the flags and arguments of fanout report.
type ReportOptions struct {
	IO     *iostreams.IOStreams
	Files  []string
	DBs    []string
	Format string
	HTML   string

	formatSet bool
}

// NewCmdReport returns the report command.
func NewCmdReport(streams *iostreams.IOStreams) *cobra.Command {
	opts := &ReportOptions{IO: streams, Format: "text"}
	c := &cobra.Command{
		Use:   "report [FILE|DB ...]",
		Short: "Summarize finished runs: totals, per-host tables, errors by kind, an HTML page",
		Long: "Read the JSON-lines outputs of finished runs (any number, such as one per shard; \"-\" or none:\n" +
			"standard input) and --db stores, and print one summary of them all: the gather summary's\n" +
			"figures, the slowest and most-failing hosts, and errors by kind with examples. When a URL has\n" +
			"several records (an interrupted run and its --resume), its final record wins over canceled.",
		Example: "  fanout report out.*.jsonl\n" +
			"  fanout report --db run.db --format json | jq .summary.latency_ms\n" +
			"  fanout report --html run.html out.jsonl",
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.formatSet = c.Flags().Changed("format")
			if err := opts.Validate(); err != nil {
				return err
			}
			return reportRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&opts.DBs, "db", nil, "read this --db store (SQLite) too, repeatable")
	f.StringVarP(&opts.Format, "format", "f", opts.Format, "text (for people) or json (for scripts)")
	f.StringVar(&opts.HTML, "html", "", "write the report as one self-contained HTML page to FILE (\"-\": standard output; stdout then gets the report only with --format)")
	setFlagHelp(c, nil, map[string][]string{"format": {"text\tfor people", "json\tfor scripts"}})
	return c
}

// Validate checks the options, naming the flag at fault.
func (o *ReportOptions) Validate() error {
	if o.Format != "text" && o.Format != "json" {
		return exit.Usagef("--format must be text or json, not %q", o.Format)
	}
	if o.HTML == "-" && o.formatSet {
		return exit.Usagef("--html - writes the page to standard output: --format would write there too")
	}
	return nil
}

func reportRun(ctx context.Context, opts *ReportOptions) error {
	names := append(slices.Clone(opts.Files), opts.DBs...)
	if len(names) == 0 {
		names = []string{"-"}
	}
	if err := input.CheckOverwrite(names, opts.IO.In, []input.Output{{Name: "--html", Path: opts.HTML}}); err != nil {
		return exit.Usagef("%v", err)
	}
	rep, err := readReport(ctx, opts)
	if err != nil {
		return err
	}
	if opts.HTML == "-" {
		if err := rep.WriteHTML(opts.IO.Out); err != nil && !exit.BrokenPipe(err) {
			return exit.Fail(fmt.Errorf("writing the report: %w", err))
		}
		return nil
	}
	if opts.HTML != "" {
		if err := writeHTMLFile(opts.HTML, rep); err != nil {
			return err
		}
		if !opts.formatSet {
			return nil
		}
	}
	if opts.Format == "json" {
		err = rep.WriteJSON(opts.IO.Out)
	} else {
		err = rep.WriteText(opts.IO.Out)
	}
	if err != nil && !exit.BrokenPipe(err) {
		return exit.Fail(fmt.Errorf("writing the report: %w", err))
	}
	return nil
}

// readReport reads the report's inputs (the files, then the --db stores;
// standard input without either), says on stderr what it skipped or found
// twice, and refuses inputs that hold no records (runstats.CheckInputs).
func readReport(ctx context.Context, opts *ReportOptions) (*runstats.Report, error) {
	var inputs []runstats.Input
	for _, name := range opts.Files {
		inputs = append(inputs, runstats.Input{Name: name})
	}
	for _, name := range opts.DBs {
		inputs = append(inputs, runstats.Input{Name: name, DB: true})
	}
	if len(inputs) == 0 {
		inputs = []runstats.Input{{Name: "-"}}
	}
	agg := runstats.NewAggregator()
	st, err := runstats.Read(ctx, agg, inputs, opts.IO.In)
	if err != nil {
		return nil, exit.Fail(err)
	}
	warnings, err := runstats.CheckInputs(ctx, st)
	for _, w := range warnings {
		fmt.Fprintln(opts.IO.ErrOut, "fanout: "+w)
	}
	if err != nil {
		return nil, exit.Fail(err)
	}
	rep := agg.Report()
	for _, in := range inputs {
		rep.Sources = append(rep.Sources, in.Name)
	}
	return rep, nil
}

// writeHTMLFile writes rep's HTML page to path.
func writeHTMLFile(path string, rep *runstats.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return exit.Fail(fmt.Errorf("cannot write --html: %w", err))
	}
	return writePage(f, path, rep)
}

// writePage writes rep's HTML page to f, the --html file path, and closes
// f.
func writePage(f *os.File, path string, rep *runstats.Report) error {
	err := rep.WriteHTML(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return exit.Fail(fmt.Errorf("writing --html %s: %w", path, err))
	}
	return nil
}
