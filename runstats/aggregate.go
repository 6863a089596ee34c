// Package runstats is what `fanout report` (and `scrape --html`) computes
// from runs that are over: it reads their results (JSON-lines outputs and
// --db stores, any number of each, such as one per shard), aggregates them
// in memory that does not grow with the number of records, and renders the
// statistics as text, JSON or one self-contained HTML page (docs/report.md,
// "fanout report"). It knows records, not HTTP. (The report package, by
// contrast, writes the records of a run in progress.)
package runstats

import (
	"hash/maphash"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

// ExamplesPerKind is how many failed URLs are kept as examples of each
// error kind, and how many URLs of each status class.
const ExamplesPerKind = 5

// TopHosts is how many hosts the slowest and most-failing tables list.
const TopHosts = 20

// Aggregator counts records into a Report: the run's figures are the
// scrape summary's own (report.Summary.Add), and beside them it keeps the
// per-host table, examples of each error kind, and canceled records until
// their URL's final record. Memory is fixed but for one entry per canceled
// record not yet replaced by its URL's final record (see Add). The zero
// value is not usable: make one with NewAggregator. It is not safe for
// concurrent use.
type Aggregator struct {
	sum      report.Summary
	hosts    *hostTable
	examples map[record.Kind][]report.ErrorEntry
	classEx  [6][]StatusExample // by statusClass
	seed     maphash.Seed
	pending  map[uint64]canceled
	crawl    crawlStats
	certs    certStats
	first    time.Time // earliest start known (stores only)
	last     time.Time // latest end known
}

// canceled is what a held-back canceled record adds to the summary.
type canceled struct {
	attempts int
	status   int
	size     int64
}

// NewAggregator returns an empty Aggregator.
func NewAggregator() *Aggregator {
	return &Aggregator{
		sum:      report.Summary{ByStatus: map[int]int{}, ByError: map[record.Kind]int{}},
		hosts:    newHostTable(HostCapacity),
		examples: map[record.Kind][]report.ErrorEntry{},
		seed:     maphash.MakeSeed(),
		pending:  map[uint64]canceled{},
	}
}

// Add counts one record. A canceled record is held back, keyed by a 64-bit
// hash of its URL, until the end: a final record of the same URL (from a
// resumed run) that comes later drops it, and so does one that Supersede
// is told of. Several canceled records of one URL count once.
func (a *Aggregator) Add(r *record.Result) {
	if r.ErrorKind == record.KindCanceled {
		a.pending[a.key(r)] = canceled{r.Attempts, r.Status, r.Size}
		return
	}
	if len(a.pending) > 0 {
		delete(a.pending, a.key(r))
	}
	a.sum.Add(r)
	if c := statusClass(r.Status); len(a.classEx[c]) < ExamplesPerKind {
		a.classEx[c] = append(a.classEx[c], StatusExample{URL: r.RedactedURL(), Line: r.Line, File: r.File, Status: r.Status})
	}
	if r.ErrorKind != "" {
		if ex := a.examples[r.ErrorKind]; len(ex) < ExamplesPerKind {
			a.examples[r.ErrorKind] = append(ex, report.NewErrorEntry(r))
		}
	}
	a.hosts.add(hostOf(r.URL), r)
	a.crawl.add(r)
	a.certs.add(r)
}

// key is the held-back canceled records' key of r's URL.
func (a *Aggregator) key(r *record.Result) uint64 { return maphash.String(a.seed, r.URL) }

// AddFinished counts r, which finished at end (a store's fetched_at), and
// widens the run's known span to include it.
func (a *Aggregator) AddFinished(r *record.Result, end time.Time) {
	a.Add(r)
	start := end.Add(-time.Duration(r.DurationMS * float64(time.Millisecond)))
	if a.first.IsZero() || start.Before(a.first) {
		a.first = start
	}
	if end.After(a.last) {
		a.last = end
	}
}

// Pending is how many canceled records are held back, waiting to be counted
// unless a final record of their URL turns up.
func (a *Aggregator) Pending() int { return len(a.pending) }

// Supersede drops the held-back canceled record of r's URL, if r is final;
// for a second look at inputs whose final records came before the
// canceled ones. It counts nothing.
func (a *Aggregator) Supersede(r *record.Result) {
	if r.ErrorKind != record.KindCanceled {
		delete(a.pending, a.key(r))
	}
}

// hostOf is the per-host table's key of a record's URL, input.HostKey as
// the limits key hosts; "(not a URL)" for a line that is not one.
func hostOf(raw string) string {
	t, ok := input.Parse([]byte(raw))
	if !ok || t.Err != nil {
		return "(not a URL)"
	}
	return input.HostKey(t.URL)
}

// Report returns the report of what was added. The summary's Elapsed is the
// span from the earliest start to the latest end known (fetched_at, from
// records and stores), zero
// when no record read carried its time (fetched_at: JSON lines written
// before fanout stamped records carry none). Report may be
// called more than once.
func (a *Aggregator) Report() *Report {
	sum := a.sum // the maps are cloned: held-back canceled records go in once
	sum.ByStatus, sum.ByError = clone(a.sum.ByStatus), clone(a.sum.ByError)
	for _, c := range a.pending { // a canceled record adds no latency: the histogram is not written
		sum.Add(&record.Result{ErrorKind: record.KindCanceled, Attempts: c.attempts, Status: c.status, Size: c.size})
	}
	if !a.first.IsZero() {
		sum.Elapsed = a.last.Sub(a.first)
	}
	rep := &Report{Summary: &sum, Latency: latencyBars(&sum.Latency)}
	for _, kind := range record.Kinds {
		if n := sum.ByError[kind]; n > 0 {
			rep.Errors = append(rep.Errors, KindErrors{Kind: kind, Count: n, Examples: a.examples[kind]})
			if sum.Errors == nil {
				sum.Errors = &report.ErrorList{}
			}
			for _, e := range a.examples[kind] {
				sum.Errors.Append(e)
			}
		}
	}
	rep.StatusClasses = statusClasses(sum.ByStatus, sum.Total, &a.classEx)
	rep.Crawl = a.crawl.report()
	rep.Certs = a.certs.report()
	lines := a.hosts.lines()
	rep.Slowest = top(lines, TopHosts, func(h *Host) bool { return h.P50MS > 0 || h.P99MS > 0 }, slowest)
	rep.MostFailing = top(lines, TopHosts, func(h *Host) bool { return h.Failures > 0 }, mostFailing)
	n := uint64(sum.Total - sum.Canceled)
	rep.Hosts = HostsInfo{
		Tracked: len(lines), Capacity: a.hosts.capacity, Replaced: a.hosts.replaced,
		Exact: a.hosts.replaced == 0, MaxError: n / uint64(a.hosts.capacity),
	}
	if rep.Hosts.Exact {
		rep.Hosts.MaxError = 0
	}
	return rep
}

func clone[K comparable](m map[K]int) map[K]int {
	out := make(map[K]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// statusClasses counts URLs by status class, each with its examples;
// "none" is URLs without a response.
func statusClasses(byStatus map[int]int, total int, examples *[6][]StatusExample) []StatusClass {
	out := make([]StatusClass, 0, 6)
	with := 0
	for c := 1; c <= 5; c++ {
		n := 0
		for code, k := range byStatus {
			if statusClass(code) == c {
				n += k
			}
		}
		with += n
		out = append(out, StatusClass{Name: classNames[c], Count: n, Examples: nonNil(examples[c])})
	}
	return append(out, StatusClass{Name: "none", Count: total - with, Examples: nonNil(examples[0])})
}

// latencyBars folds the run's histogram into at most 96 bars.
func latencyBars(h *report.Histogram) []LatencyBar {
	var bars []LatencyBar
	for _, b := range h.Spans(96) {
		bars = append(bars, LatencyBar{FromMS: b.From / 1000, ToMS: b.To / 1000, Count: b.Count})
	}
	return bars
}
