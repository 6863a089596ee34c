package cmd

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/cmdline"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/report"
	"github.com/fanout-dev/fanout/runstats"
	"github.com/fanout-dev/fanout/shard"
)

// fleetOptions are scrape's --shard, --plan and --html: running one list
// on several processes, and the report page at the end of a run.
type fleetOptions struct {
	Shard shardValue
	Plan  bool
	HTML  string

	flags *pflag.FlagSet
	agg   *runstats.Aggregator
	page  *os.File                  // --html, created before the run
	key   func(input.Target) string // the shard key; nil: shard.TargetKey (crawl: its scope key)
}

// addFleetFlags registers the fleet flags on f.
func addFleetFlags(f *pflag.FlagSet, o *fleetOptions) {
	o.flags = f
	f.Var(&o.Shard, "shard", "keep only the URLs whose host falls in shard i of N (i/N; N alone takes i from JOB_COMPLETION_INDEX)")
	f.BoolVar(&o.Plan, "plan", false, "with --shard: print the hosts and URL counts of every shard, and fetch nothing")
	f.StringVar(&o.HTML, "html", "", "at the end of the run, write the report page (as fanout report --html) to FILE")
}

// shardValue is the --shard flag: "i/N", or "N" with the index from
// JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs), read when the flag is set.
type shardValue struct{ spec shard.Spec }

func (v *shardValue) String() string { return v.spec.String() }

func (v *shardValue) Type() string { return "i/N" }

func (v *shardValue) Set(s string) error {
	spec, err := shard.Parse(s, os.Getenv("JOB_COMPLETION_INDEX"))
	if err != nil {
		return err
	}
	v.spec = spec
	return nil
}

// planRun prints the split of the input over the shards, without fetching.
// The input is the run's: the files, -u URLs and URL arguments
// (openSource), so the plan is that of the run it stands for.
func planRun(opts *ScrapeOptions) error {
	spec := opts.Fleet.Shard.spec
	if spec.Count == 0 {
		return exit.Usagef("--plan needs --shard")
	}
	src, closeSrc, err := openSource(opts)
	if err != nil {
		return exit.Fail(err)
	}
	defer closeSrc()
	plan, err := shard.PlanOf(src, spec.Count)
	if err != nil {
		return exit.Fail(fmt.Errorf("reading input: %w", err))
	}
	if err := plan.WriteText(opts.IO.Out, spec.Index); err != nil && !exit.BrokenPipe(err) {
		return exit.Fail(err)
	}
	return nil
}

// prepare runs --plan instead of the run (done is then true), or creates
// the --html file before the run starts, so a path that cannot be written
// stops the run before any request, as --output does. closePage must
// follow.
func (o *fleetOptions) prepare(opts *ScrapeOptions) (done bool, err error) {
	if o.Plan {
		return true, planRun(opts)
	}
	if o.HTML == "" {
		return false, nil
	}
	if o.page, err = os.Create(o.HTML); err != nil {
		return false, exit.Fail(fmt.Errorf("cannot write --html: %w", err))
	}
	o.agg = runstats.NewAggregator()
	return false, nil
}

// closePage closes the --html file if writeHTML did not.
func (o *fleetOptions) closePage() {
	if o.page != nil {
		o.page.Close()
	}
}

// wire applies the fleet flags to a run: the shard filter on its source,
// and the report page's aggregator beside the writer's progress.
func (o *fleetOptions) wire(cfg *pipeline.Config, w *report.Writer) {
	if o.Shard.spec.Count > 1 {
		cfg.Source = shard.Filter(cfg.Source, o.Shard.spec, o.key)
	}
	if o.agg != nil {
		w.Progress = report.Tee(w.Progress, o.agg)
	}
}

// writeHTML writes the --html page of the run that ended with sum, and
// closes the file.
func (o *fleetOptions) writeHTML(sum *report.Summary) error {
	if o.page == nil {
		return nil
	}
	rep := o.agg.Report()
	if sum != nil {
		rep.Summary.Elapsed = sum.Elapsed
	}
	o.flags.Visit(func(f *pflag.Flag) {
		rep.Flags = append(rep.Flags, runstats.Flag{Name: f.Name, Value: cmdline.Shown(f)})
	})
	page := o.page
	o.page = nil
	return writePage(page, o.HTML, rep)
}
