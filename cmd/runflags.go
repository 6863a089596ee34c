package cmd

import (
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/flagvalue"
	"github.com/fanout-dev/fanout/pipeline"
)

// RunFlags shape a run of the pipeline beyond its requests and limits:
// when it ends, what is read from each page, what is shown while it runs.
// scrape and bench embed them. A new flag that shapes a run goes here, or
// in FetchFlags or LimitFlags when it is about requests or limits (see
// docs/ARCHITECTURE.md).
type RunFlags struct {
	Deadline time.Duration
	FailFast bool
	Progress string
	Page     PageOptions // --fields, -e, --robots (extractflags.go)
}

// newRunFlags returns the defaults.
func newRunFlags() RunFlags {
	return RunFlags{Progress: "auto"}
}

// AddFlags registers the group's flags on f; each default is o's value.
func (o *RunFlags) AddFlags(f *pflag.FlagSet) {
	f.Var((*flagvalue.Duration)(&o.Deadline), "deadline", "bound on the whole run; what has not finished then is canceled (0: none)")
	f.BoolVar(&o.FailFast, "fail-fast", o.FailFast, "the first failed URL cancels the rest; exit status 1")
	f.StringVar(&o.Progress, "progress", o.Progress, "progress on stderr: auto (a bar when stderr is a terminal), always, never, log (a line every 5s)")
	addPageFlags(f, &o.Page)
}

// Validate checks the group's values, naming the flag at fault.
func (o *RunFlags) Validate() error {
	switch {
	case o.Deadline < 0:
		return exit.Usagef("--deadline must not be negative")
	case !slices.Contains(progressModes, o.Progress):
		return exit.Usagef("--progress must be auto, always, never or log, not %q", o.Progress)
	}
	return nil
}

// Options is the run the three groups ask for, without its source and
// consumer.
func (o *RunFlags) Options(limits *LimitFlags, fetch *FetchFlags) pipeline.Config {
	cfg := pipeline.Config{
		Limits: limits.Options(), Fetch: fetch.Options(),
		Window: limits.Window, Deadline: o.Deadline, FailFast: o.FailFast,
	}
	o.Page.apply(&cfg) // --fields, -e, --robots (extractflags.go)
	return cfg
}
