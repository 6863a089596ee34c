package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

// BenchOptions are the flags of fanout bench.
type BenchOptions struct {
	IO         *IOStreams
	FetchFlags // -t, --retries, -A, -H… (fetchflags.go)
	LimitFlags // -c, --rate, --per-host… (limitflags.go)
	RunFlags   // --deadline, --progress, --fields… (runflags.go)

	Pages      int
	PageSize   byteSize
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
func NewCmdBench(streams *IOStreams, runF func(context.Context, *BenchOptions) error) *cobra.Command {
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
	f.Var((*seconds)(&opts.Latency), "latency", "server delay before each response")
	f.Var((*seconds)(&opts.Jitter), "jitter", "plus a uniform random delay up to this")
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
		return usageErr("--pages must be at least 1")
	case o.Hosts < 1 || o.Hosts > 256:
		return usageErr("--hosts must be between 1 and 256")
	case !(o.ErrorRate >= 0 && o.DropRate >= 0 && o.DropRate+o.ErrorRate <= 1): // NaN fails too
		return usageErr("--error-rate and --drop-rate must be shares between 0 and 1")
	case o.FailFirst < 0:
		return usageErr("--fail-first must not be negative")
	case o.Pieces < 0:
		return usageErr("--pieces must not be negative")
	case o.Capacity < 0:
		return usageErr("--capacity must not be negative")
	case o.Latency < 0 || o.Jitter < 0:
		return usageErr("--latency and --jitter must not be negative")
	case o.Format != "text" && o.Format != "json":
		return usageErr("--format must be text or json, not %q", o.Format)
	case o.DeadHosts < 0 || o.DeadHosts > 255<<16:
		return usageErr("--dead-hosts must be between 0 and %d", 255<<16)
	case o.TLS && (len(o.Targets) > 0 || o.DeadHosts > 0):
		return usageErr("--tls serves the built-in site: it does not go with --target or --dead-hosts (use https:// targets)")
	case o.DeadHosts > 0:
		o.Pages = o.DeadHosts
	}
	for _, t := range o.Targets {
		if !input.IsHTTP(t) {
			return usageErr("--target %q is not an http(s) URL", t)
		}
	}
	return validateGroups(&o.LimitFlags, &o.FetchFlags, &o.RunFlags)
}

func benchRun(ctx context.Context, opts *BenchOptions) error {
	sites, err := startBenchSites(opts)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	defer sites.Close()
	if opts.CPUProfile != "" {
		f, err := os.Create(opts.CPUProfile)
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		defer pprof.StopCPUProfile()
	}
	warnOpenFiles(opts.Concurrency, opts.IO.ErrOut)
	w := &report.Writer{Out: io.Discard, Encoder: mustEncoder("jsonl")}
	bar := newProgress(opts.IO, opts.Progress, int64(opts.Pages))
	if bar != nil {
		w.Progress = bar
	}
	cfg := opts.RunFlags.Options(&opts.LimitFlags, &opts.FetchFlags)
	cfg.Fetch.RootCAs = sites.roots
	cfg.Source = input.Lines(opts.Pages, sites.urlOf)
	watchThrottle(bar, opts.Throttle, &cfg)
	heap := startHeapSampler(50 * time.Millisecond)
	outcome := runPipeline(ctx, cfg, w)
	if bar != nil {
		bar.Finish()
	}
	res := newBenchResult(opts, outcome.Summary)
	res.PeakHeapBytes, res.PeakRSSBytes = heap.Stop(), peakRSS()
	res.Servers = sites.stats()
	res.setThrottle(opts, sites, outcome)
	if opts.Format == "json" {
		err = json.NewEncoder(opts.IO.Out).Encode(res)
	} else {
		err = res.writeText(opts.IO.Out)
	}
	if err != nil && !isBrokenPipe(err) {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	if outcome.Signal != nil {
		return &ExitError{Code: outcome.Signal.Code()}
	}
	if opts.DeadHosts > 0 {
		return nil // failures are the scenario
	}
	return res.noSuccess()
}

func mustEncoder(format string) report.Encoder {
	enc, err := report.NewEncoder(format, false)
	if err != nil {
		panic(err)
	}
	return enc
}

// benchResult is what bench reports; its JSON form is for scripts.
type benchResult struct {
	Requests       int                `json:"requests"`
	URLs           int                `json:"urls"`
	OK             int                `json:"ok"`         // as the summary's: answered 2xx or 3xx
	Status4xx      int                `json:"status_4xx"` // answered 4xx, as the summary's
	Status5xx      int                `json:"status_5xx"`
	ByError        map[string]int     `json:"by_error"`
	ByStatus       map[string]int     `json:"by_status"`
	Bytes          int64              `json:"bytes"`
	ElapsedMS      float64            `json:"elapsed_ms"`
	RequestsPerSec float64            `json:"requests_per_sec"`
	LatencyMS      map[string]float64 `json:"latency_ms"`
	Histogram      []histBar          `json:"histogram"`
	FloorMS        float64            `json:"floor_ms"`
	Efficiency     float64            `json:"efficiency"`
	Concurrency    int                `json:"concurrency"`
	Rate           float64            `json:"rate,omitempty"`
	ServerLatency  float64            `json:"server_latency_ms"`
	Ran            benchSetup         `json:"ran"`
	PeakHeapBytes  uint64             `json:"peak_heap_bytes"`     // live heap objects, sampled every 50ms
	PeakRSSBytes   uint64             `json:"peak_rss_bytes"`      // the whole process's, 0 where unknown
	Servers        []benchServer      `json:"servers,omitempty"`   // what each in-process server saw (none with --target)
	Site           *siteLoad          `json:"site_load,omitempty"` // with --capacity: what the site saw
	Throttle       string             `json:"throttle,omitempty"`  // with --throttle auto: what it did, in words
}

type histBar struct {
	UpToMS float64 `json:"up_to_ms"`
	Count  uint64  `json:"count"`
}

func newBenchResult(opts *BenchOptions, s *report.Summary) *benchResult {
	r := &benchResult{
		Requests: s.Requests, URLs: s.Total, OK: s.OK, Status4xx: s.Status4xx, Status5xx: s.Status5xx, ByError: map[string]int{}, ByStatus: map[string]int{},
		Bytes: s.Bytes, ElapsedMS: report.Millis(s.Elapsed), RequestsPerSec: s.RequestsPerSec(),
		Concurrency: opts.Concurrency, Rate: opts.Rate, ServerLatency: report.Millis(opts.Latency),
		LatencyMS: map[string]float64{
			"min": report.Millis(s.Latency.Min()), "mean": report.Millis(s.Latency.Mean()),
			"p50": report.Millis(s.Latency.Quantile(0.5)), "p90": report.Millis(s.Latency.Quantile(0.9)),
			"p95": report.Millis(s.Latency.Quantile(0.95)), "p99": report.Millis(s.Latency.Quantile(0.99)), "max": report.Millis(s.Latency.Max()),
		},
	}
	r.Ran = newBenchSetup(opts)
	for code, n := range s.ByStatus {
		r.ByStatus[strconv.Itoa(code)] = n
	}
	for kind, n := range s.ByError {
		r.ByError[string(kind)] = n
	}
	for _, b := range s.Latency.Bars(10) {
		r.Histogram = append(r.Histogram, histBar{report.Millis(b.Upper), b.Count})
	}
	floor := benchFloor(opts)
	r.FloorMS = report.Millis(floor)
	if s.Elapsed > 0 && floor > 0 {
		r.Efficiency = math.Round(float64(floor)/float64(s.Elapsed)*1000) / 1000
	}
	return r
}

// benchFloor is the least time the run could take: ceil(n/c)·L for server
// latency L at concurrency c (per-host limits and --capacity counted), or
// n/rate.
func benchFloor(opts *BenchOptions) time.Duration {
	c := opts.Concurrency
	if hosts := max(len(opts.Targets), opts.Hosts); opts.PerHost > 0 {
		c = min(c, opts.PerHost*hosts)
	}
	if opts.Capacity > 0 {
		c = min(c, opts.Capacity) // more in flight waits longer: the site answers Capacity per --latency at best
	}
	floor := time.Duration(math.Ceil(float64(opts.Pages)/float64(c))) * opts.Latency // with --target, --latency says the server's
	if opts.Rate > 0 {
		floor = max(floor, time.Duration(float64(opts.Pages-opts.Burst)/opts.Rate*float64(time.Second)))
	}
	return floor
}

func (r *benchResult) writeText(w io.Writer) error {
	fmt.Fprintln(w, r.Ran)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "requests\t%d\t(%d URLs, %d ok (2xx/3xx), %d 4xx, %d 5xx)\n", r.Requests, r.URLs, r.OK, r.Status4xx, r.Status5xx)
	fmt.Fprintf(tw, "elapsed\t%.3fs\t\n", r.ElapsedMS/1000)
	fmt.Fprintf(tw, "requests/sec\t%.1f\t\n", r.RequestsPerSec)
	fmt.Fprintf(tw, "bytes\t%d\t\n", r.Bytes)
	for _, code := range slices.Sorted(maps.Keys(r.ByStatus)) {
		fmt.Fprintf(tw, "status %s\t%d\t\n", code, r.ByStatus[code])
	}
	for _, kind := range record.Kinds {
		if n := r.ByError[string(kind)]; n > 0 {
			fmt.Fprintf(tw, "error %s\t%d\t\n", kind, n)
		}
	}
	l := r.LatencyMS
	fmt.Fprintf(tw, "latency ms\tmin %.2f\tmean %.2f\tp50 %.2f\tp90 %.2f\tp95 %.2f\tp99 %.2f\tmax %.2f\n",
		l["min"], l["mean"], l["p50"], l["p90"], l["p95"], l["p99"], l["max"])
	writeServers(tw, r.Servers)
	r.writeThrottle(tw)
	fmt.Fprintf(tw, "peak heap\t%.1f MB\tpeak RSS %.1f MB\n", float64(r.PeakHeapBytes)/1e6, float64(r.PeakRSSBytes)/1e6)
	if r.FloorMS > 0 {
		fmt.Fprintf(tw, "floor\t%.3fs\tefficiency %.1f%%\n", r.FloorMS/1000, r.Efficiency*100)
	}
	tw.Flush()
	var peak uint64
	for _, b := range r.Histogram {
		peak = max(peak, b.Count)
	}
	for _, b := range r.Histogram {
		width := 0
		if peak > 0 {
			width = int(40 * b.Count / peak)
		}
		fmt.Fprintf(w, "  <= %9.2f ms %8d %s\n", b.UpToMS, b.Count, strings.Repeat("#", width))
	}
	return nil
}
