package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/bench"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/flagvalue"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/limiter"
)

// BenchOptions are the flags of fanout bench.
type BenchOptions struct {
	IO         *iostreams.IOStreams
	FetchFlags // -t, --retries, -A, -H… (fetchflags.go)
	LimitFlags // -c, --rate, --per-host… (limitflags.go)
	RunFlags   // --deadline, --progress, --fields… (runflags.go)

	Pages      int
	PageSize   flagvalue.Bytes
	Latency    time.Duration
	Jitter     time.Duration
	ErrorRate  float64
	DropRate   float64
	FailFirst  int
	Hosts      int
	Pieces     int
	Capacity   int // the site copes with so many requests at once (benchsite.Options.Capacity)
	Targets    []string
	DeadHosts  int
	Format     string
	CPUProfile string
	TLS        bool // serve the site over HTTPS (a certificate made at start)
	HTTP2      bool // with TLS, the site offers h2 as well as http/1.1
}

// NewCmdBench returns the bench command. runF replaces benchRun in tests.
func NewCmdBench(streams *iostreams.IOStreams, runF func(context.Context, *BenchOptions) error) *cobra.Command {
	opts := &BenchOptions{IO: streams, FetchFlags: newFetchFlags(), LimitFlags: newLimitFlags(), RunFlags: newRunFlags(),
		Pages: 2000, PageSize: 2048, Hosts: 1, Format: "text", HTTP2: true}
	opts.Concurrency = 64
	opts.PerHost = 0            // the bench site is ours: no politeness limit unless asked
	opts.Throttle = throttleOff // nor an adaptive one
	opts.Retries = 0
	c := &cobra.Command{
		Use:   "bench",
		Short: "Run the whole scrape pipeline against a built-in local site and report its speed",
		Long: "bench serves N generated pages in-process on 127.0.0.1 (over HTTPS with --tls), or uses --target,\n" +
			"and runs the real scrape pipeline against them: the same limits, fetcher, title extraction\n" +
			"and JSON encoding (to nowhere). It reports throughput, latency and the efficiency against\n" +
			"the floor that latency, concurrency and rate allow.",
		Example: "  fanout bench\n  fanout bench -n 10000 -c 1000 --latency 100ms --hosts 4\n  fanout bench --format json | jq .requests_per_sec",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return benchRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.IntVarP(&opts.Pages, "pages", "n", opts.Pages, "pages (requests) to fetch")
	f.Var(&opts.PageSize, "page-size", "bytes of each generated page")
	f.Var((*flagvalue.Duration)(&opts.Latency), "latency", "server delay before each response")
	f.Var((*flagvalue.Duration)(&opts.Jitter), "jitter", "plus a uniform random delay up to this")
	f.Float64Var(&opts.ErrorRate, "error-rate", 0, "share of responses that are 500 (0 to 1)")
	f.Float64Var(&opts.DropRate, "drop-rate", 0, "share of connections dropped without a response (0 to 1)")
	f.IntVar(&opts.FailFirst, "fail-first", 0, "reset the connection of each page's first N requests at once, before --latency (with --retries N, every page succeeds)")
	f.IntVar(&opts.Capacity, "capacity", 0, capacityHelp)
	f.IntVar(&opts.Pieces, "pieces", 0, "the site sends every body in flushed pieces of at most N bytes (0: whole)")
	f.IntVar(&opts.Hosts, "hosts", opts.Hosts, "distinct local servers (host:ports) the pages are spread over")
	f.StringArrayVar(&opts.Targets, "target", nil, "bench against this URL instead ({n} becomes the page number); repeat to spread pages over several")
	f.StringVar(&opts.Format, "format", opts.Format, "report format: text or json")
	f.BoolVar(&opts.TLS, "tls", false, "serve the site over HTTPS, with a certificate made at start (ECDSA, for 127.0.0.1 and localhost)")
	f.BoolVar(&opts.HTTP2, "h2", opts.HTTP2, "with --tls, the site offers HTTP/2 as well as HTTP/1.1 (--h2=false: HTTP/1.1 only)")
	f.StringVar(&opts.CPUProfile, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	f.IntVar(&opts.DeadHosts, "dead-hosts", 0, "instead of the site: N URLs on N distinct hosts that refuse connections (127.A.B.C:1), to measure memory")
	opts.LimitFlags.AddFlags(f)
	opts.FetchFlags.AddFlags(f)
	opts.RunFlags.AddFlags(f)
	setFlagHelp(c, nil, map[string][]string{"format": {"text\tfor people", "json\tfor scripts"}})
	return c
}

// Validate checks the options, naming the flag at fault.
func (o *BenchOptions) Validate() error {
	switch {
	case o.Pages < 1:
		return exit.Usagef("--pages must be at least 1")
	case o.Hosts < 1 || o.Hosts > 256:
		return exit.Usagef("--hosts must be between 1 and 256")
	case !(o.ErrorRate >= 0 && o.DropRate >= 0 && o.DropRate+o.ErrorRate <= 1): // NaN fails too
		return exit.Usagef("--error-rate and --drop-rate must be shares between 0 and 1")
	case o.FailFirst < 0:
		return exit.Usagef("--fail-first must not be negative")
	case o.Pieces < 0:
		return exit.Usagef("--pieces must not be negative")
	case o.Capacity < 0:
		return exit.Usagef("--capacity must not be negative")
	case o.Latency < 0 || o.Jitter < 0:
		return exit.Usagef("--latency and --jitter must not be negative")
	case o.Format != "text" && o.Format != "json":
		return exit.Usagef("--format must be text or json, not %q", o.Format)
	case o.DeadHosts < 0 || o.DeadHosts > 255<<16:
		return exit.Usagef("--dead-hosts must be between 0 and %d", 255<<16)
	case o.TLS && (len(o.Targets) > 0 || o.DeadHosts > 0):
		return exit.Usagef("--tls serves the built-in site: it does not go with --target or --dead-hosts (use https:// targets)")
	case o.DeadHosts > 0:
		o.Pages = o.DeadHosts
	}
	for _, t := range o.Targets {
		if !input.IsHTTP(t) {
			return exit.Usagef("--target %q is not an http(s) URL", t)
		}
	}
	return validateGroups(&o.LimitFlags, &o.FetchFlags, &o.RunFlags)
}

func benchRun(ctx context.Context, opts *BenchOptions) error {
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return exit.Fail(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return exit.Fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	warn(opts.IO.ErrOut, limiter.OpenFilesNote(opts.Concurrency))
	cfg := opts.config()
	bar := newProgress(opts.IO, opts.Progress, int64(opts.Pages))
	if bar != nil {
		cfg.Progress = bar
	}
	watchThrottle(bar, opts.Throttle, &cfg.Pipeline)
	res, err := bench.Run(ctx, cfg)
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return exit.Fail(err)
	}
	if opts.Throttle == throttleAuto {
		res.Throttle = res.Outcome.Throttle.Line()
	}
	if opts.Format == "json" {
		err = json.NewEncoder(opts.IO.Out).Encode(res)
	} else {
		err = res.WriteText(opts.IO.Out)
	}
	switch {
	case err != nil && !exit.BrokenPipe(err):
		return exit.Fail(err)
	case exit.Stopped(ctx) != nil:
		return exit.Stopped(ctx)
	case res.Stop != nil: // --fail-fast, whose help promises status 1
		return exit.Fail(fmt.Errorf("--fail-fast: %w", res.Stop))
	case opts.DeadHosts > 0:
		return nil // failures are the scenario
	}
	if err := res.NoSuccess(); err != nil {
		return exit.Fail(err)
	}
	return nil
}

// config is the bench run the options ask for.
func (o *BenchOptions) config() bench.Config {
	return bench.Config{
		Pages: o.Pages, PageSize: int(o.PageSize), PageSizeName: o.PageSize.String(), Latency: o.Latency, Jitter: o.Jitter,
		ErrorRate: o.ErrorRate, DropRate: o.DropRate, FailFirst: o.FailFirst, Pieces: o.Pieces, Capacity: o.Capacity,
		Hosts: o.Hosts, Targets: o.Targets, DeadHosts: o.DeadHosts, TLS: o.TLS, HTTP2: o.HTTP2,
		Pipeline: o.RunFlags.Options(&o.LimitFlags, &o.FetchFlags),
	}
}
