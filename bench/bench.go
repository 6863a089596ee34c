// Package bench measures the whole scrape pipeline against a site it
// serves itself on 127.0.0.1 (or given targets, or hosts that refuse
// connections): Run runs it once and returns what it measured, the
// throughput, latency, memory and the efficiency against the floor that
// latency, concurrency and rate allow. It prints nothing; cmd/bench.go
// parses the flags, calls Run once and renders the Result (as vegeta's
// main calls its lib).
package bench

import (
	"context"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/report"
)

// Config is one bench run.
type Config struct {
	Pages        int           // pages (requests) fetched
	PageSize     int           // bytes of each generated page
	PageSizeName string        // PageSize as the user wrote it, for Setup
	Latency      time.Duration // the site's delay before each response (with Targets: what the user says the server's is)
	Jitter       time.Duration // plus a uniform random delay up to this
	ErrorRate    float64       // share of responses that are 500
	DropRate     float64       // share of connections dropped without a response
	FailFirst    int           // each page's first N requests reset at once
	Pieces       int           // bodies sent in flushed pieces of at most N bytes (0: whole)
	Capacity     int           // the site copes with so many requests at once (benchsite.Options.Capacity; 0: no limit)
	Hosts        int           // in-process servers the pages are spread over
	Targets      []string      // instead of the site: these URLs ({n} becomes the page number)
	DeadHosts    int           // instead of the site: Pages URLs on Pages hosts that refuse connections
	TLS, HTTP2   bool          // the site over HTTPS (a certificate made at start); h2 offered too

	// Pipeline is the run's limits, fetch options, deadline; Run sets its
	// Source and Consume (and trusts the site's certificate with TLS).
	Pipeline pipeline.Config
	// Progress, if set, is shown each result, as a scrape's bar is.
	Progress report.Progress
}

// Result is what a bench measured; its JSON form is for scripts.
type Result struct {
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
	Histogram      []HistBar          `json:"histogram"`
	FloorMS        float64            `json:"floor_ms"`
	Efficiency     float64            `json:"efficiency"`
	Concurrency    int                `json:"concurrency"`
	Rate           float64            `json:"rate,omitempty"`
	ServerLatency  float64            `json:"server_latency_ms"`
	Ran            Setup              `json:"ran"`
	PeakHeapBytes  uint64             `json:"peak_heap_bytes"`     // live heap objects, sampled every 50ms
	PeakRSSBytes   uint64             `json:"peak_rss_bytes"`      // the whole process's, 0 where unknown
	Servers        []Server           `json:"servers,omitempty"`   // what each in-process server saw (none with Targets)
	Site           *SiteLoad          `json:"site_load,omitempty"` // with Capacity: what the site saw
	// Throttle is what limiter.ThrottleAuto did, in words; Run leaves it
	// to the caller, who words it as its summary does (Outcome.Throttle).
	Throttle string `json:"throttle,omitempty"`

	// Outcome is how the pipeline's run ended; Stop is its error (a
	// pipeline.FailFastError).
	Outcome pipeline.Outcome `json:"-"`
	Stop    error            `json:"-"`
}

// HistBar is one bar of the latency histogram: URLs up to UpToMS.
type HistBar struct {
	UpToMS float64 `json:"up_to_ms"`
	Count  uint64  `json:"count"`
}

// Run starts the site (unless Targets or DeadHosts), runs the pipeline
// over Pages URLs once, encoding every result as scrape would (to
// nowhere), and returns what it measured. The error is one starting the
// site: then nothing ran. A run stopped early (by ctx, the deadline or
// fail-fast) returns what it measured until then, with Outcome and Stop
// saying how it ended.
func Run(ctx context.Context, cfg Config) (Result, error) {
	sites, err := startSites(cfg)
	if err != nil {
		return Result{}, err
	}
	defer sites.Close()
	enc, err := report.NewEncoder("jsonl", false)
	if err != nil {
		return Result{}, err
	}
	w := &report.Writer{Out: io.Discard, Encoder: enc, Progress: cfg.Progress}
	run := cfg.Pipeline
	run.Fetch.RootCAs = sites.roots
	run.Source = input.Lines(cfg.Pages, sites.urlOf)
	var sum *report.Summary
	run.Consume = w.Consumer(func(s *report.Summary) { sum = s })
	heap := startHeapSampler(50 * time.Millisecond)
	out, stop := pipeline.Run(ctx, run)
	res := newResult(cfg, sum)
	res.PeakHeapBytes, res.PeakRSSBytes = heap.Stop(), peakRSS()
	res.Servers = sites.stats()
	if cfg.Capacity > 0 && sites.site != nil {
		l := newSiteLoad(sites.site.Load())
		res.Site = &l
	}
	res.Outcome, res.Stop = out, stop
	return res, nil
}

func newResult(cfg Config, s *report.Summary) Result {
	lim := cfg.Pipeline.Limits
	r := Result{
		Requests: s.Requests, URLs: s.Total, OK: s.OK, Status4xx: s.Status4xx, Status5xx: s.Status5xx,
		ByError: map[string]int{}, ByStatus: map[string]int{},
		Bytes: s.Bytes, ElapsedMS: report.Millis(s.Elapsed), RequestsPerSec: s.RequestsPerSec(),
		Concurrency: lim.Concurrency, Rate: lim.Rate, ServerLatency: report.Millis(cfg.Latency),
		LatencyMS: map[string]float64{
			"min": report.Millis(s.Latency.Min()), "mean": report.Millis(s.Latency.Mean()),
			"p50": report.Millis(s.Latency.Quantile(0.5)), "p90": report.Millis(s.Latency.Quantile(0.9)),
			"p95": report.Millis(s.Latency.Quantile(0.95)), "p99": report.Millis(s.Latency.Quantile(0.99)), "max": report.Millis(s.Latency.Max()),
		},
	}
	r.Ran = newSetup(cfg)
	for code, n := range s.ByStatus {
		r.ByStatus[strconv.Itoa(code)] = n
	}
	for kind, n := range s.ByError {
		r.ByError[string(kind)] = n
	}
	for _, b := range s.Latency.Bars(10) {
		r.Histogram = append(r.Histogram, HistBar{report.Millis(b.Upper), b.Count})
	}
	floor := Floor(cfg)
	r.FloorMS = report.Millis(floor)
	if s.Elapsed > 0 && floor > 0 {
		r.Efficiency = math.Round(float64(floor)/float64(s.Elapsed)*1000) / 1000
	}
	return r
}

// Floor is the least time the run could take: ceil(n/c)·L for server
// latency L at concurrency c (per-host limits and Capacity counted), or
// n/rate.
func Floor(cfg Config) time.Duration {
	lim := cfg.Pipeline.Limits
	c := lim.Concurrency
	if hosts := max(len(cfg.Targets), cfg.Hosts); lim.PerHost > 0 {
		c = min(c, lim.PerHost*hosts)
	}
	if cfg.Capacity > 0 {
		c = min(c, cfg.Capacity) // more in flight waits longer: the site answers Capacity per Latency at best
	}
	floor := time.Duration(math.Ceil(float64(cfg.Pages)/float64(c))) * cfg.Latency // with Targets, Latency says the server's
	if lim.Rate > 0 {
		floor = max(floor, time.Duration(float64(cfg.Pages-lim.Burst)/lim.Rate*float64(time.Second)))
	}
	return floor
}
