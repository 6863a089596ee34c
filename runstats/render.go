package runstats

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

// Report is what a finished run looks like: the summary, per-host tables,
// errors by kind with examples, and what is known of how it ran.
type Report struct {
	// Summary is the gather summary's figures; its Errors holds only the
	// examples (at most ExamplesPerKind per kind), not every failed URL.
	Summary       *report.Summary
	StatusClasses []StatusClass
	Errors        []KindErrors
	Latency       []LatencyBar
	Hosts         HostsInfo
	Slowest       []Host
	MostFailing   []Host
	Crawl         *Crawl // records of fanout crawl: depths and broken links (links.go)
	Certs         *Certs // certificates expiring soon, by host (certs.go); nil without tls records
	// Flags are the run's flags as given, when known (scrape --html).
	Flags []Flag
	// Sources names what was read.
	Sources []string
}

// Host is one line of a per-host table. Its counts are exact when
// MaxError is 0; otherwise the host's true URL count is between
// URLs-MaxError and URLs, and its other figures cover only its last
// URLs-MaxError records (see HostsInfo).
type Host struct {
	Host     string            `json:"host"`
	URLs     uint64            `json:"urls"`
	Failures uint64            `json:"failures"`
	P50MS    float64           `json:"p50_ms"`
	P99MS    float64           `json:"p99_ms"`
	Classes  map[string]uint64 `json:"status_classes"`
	MaxError uint64            `json:"max_error"`
}

// HostsInfo says how far the per-host tables can be trusted: Exact when no
// host was ever dropped from the Space-Saving table (the run had at most
// Capacity hosts); otherwise every host with more than MaxError finished
// URLs is in the table, and no host's count is over by more than MaxError.
type HostsInfo struct {
	Tracked  int    `json:"tracked"`
	Capacity int    `json:"capacity"`
	Replaced uint64 `json:"replaced"`
	Exact    bool   `json:"exact"`
	MaxError uint64 `json:"max_error"`
}

// KindErrors is one error kind: how many URLs failed so, and examples.
type KindErrors struct {
	Kind     record.Kind         `json:"kind"`
	Count    int                 `json:"count"`
	Examples []report.ErrorEntry `json:"examples"`
}

// StatusClass is the URLs of one status class (1xx to 5xx, or "none"
// without a response), with up to ExamplesPerKind of them.
type StatusClass struct {
	Name     string          `json:"name"`
	Count    int             `json:"count"`
	Examples []StatusExample `json:"examples"`
}

// StatusExample is one URL of a status class, its password redacted.
type StatusExample struct {
	URL    string `json:"url"`
	Line   int    `json:"line"`
	File   string `json:"file,omitempty"`
	Status int    `json:"status"`
}

// Count is a named count, for bars.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// LatencyBar is one bar of the latency histogram: URLs whose duration was
// at least FromMS and under ToMS.
type LatencyBar struct {
	FromMS float64 `json:"from_ms"`
	ToMS   float64 `json:"to_ms"`
	Count  uint64  `json:"count"`
}

// Flag is one flag of the run, as given.
type Flag struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// reportJSON is the report's JSON form (docs/report.md).
type reportJSON struct {
	Summary       *report.Summary `json:"summary"`
	StatusClasses []StatusClass   `json:"status_classes"`
	Errors        []KindErrors    `json:"errors_by_kind"`
	Hosts         HostsInfo       `json:"hosts"`
	Slowest       []Host          `json:"slowest_hosts"`
	MostFailing   []Host          `json:"most_failing_hosts"`
	Latency       []LatencyBar    `json:"latency_histogram"`
	Crawl         *Crawl          `json:"crawl,omitempty"`
	Certs         *Certs          `json:"certificates_expiring,omitempty"`
	Flags         []Flag          `json:"flags,omitempty"`
	Sources       []string        `json:"sources,omitempty"`
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	out := reportJSON{
		Summary: r.Summary, StatusClasses: r.StatusClasses, Errors: nonNil(r.Errors),
		Hosts: r.Hosts, Slowest: nonNil(r.Slowest), MostFailing: nonNil(r.MostFailing),
		Latency: nonNil(r.Latency), Crawl: r.Crawl, Certs: r.Certs, Flags: r.Flags, Sources: r.Sources,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteText writes the report for people: aligned tables.
func (r *Report) WriteText(w io.Writer) error {
	s := r.Summary
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "URLs\t%d (%s)\n", s.Total, s.Counts())
	fmt.Fprintf(tw, "requests\t%d %s\n", s.Requests, rateText(s))
	fmt.Fprintf(tw, "bytes\t%d\n", s.Bytes)
	fmt.Fprintf(tw, "latency\tp50 %s, p90 %s, p99 %s, max %s\n", ms(s.Latency.Quantile(0.5)),
		ms(s.Latency.Quantile(0.9)), ms(s.Latency.Quantile(0.99)), ms(s.Latency.Max()))
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := r.writeClassExamples(w); err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		fmt.Fprintln(w, "\nerrors by kind")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, k := range r.Errors {
			fmt.Fprintf(tw, "%s\t%d\t\n", oneLine(string(k.Kind)), k.Count)
			for _, e := range k.Examples {
				fmt.Fprintf(tw, "  e.g.\t%s\t%s\n", oneLine(e.URL), oneLine(e.Error))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	writeHosts(w, "slowest hosts (by p50)", r.Slowest)
	writeHosts(w, "most failing hosts", r.MostFailing)
	fmt.Fprintf(w, "\n%s\n", r.Hosts.note())
	if err := r.Certs.writeText(w); err != nil {
		return err
	}
	return r.Crawl.writeText(w)
}

// writeClassExamples lists each status class with URLs, and its examples.
func (r *Report) writeClassExamples(w io.Writer) error {
	fmt.Fprintln(w, "\nstatus classes")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range r.StatusClasses {
		if c.Count == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t\n", c.Name, c.Count)
		for _, e := range c.Examples {
			status := "-"
			if e.Status != 0 {
				status = fmt.Sprint(e.Status)
			}
			fmt.Fprintf(tw, "  e.g.\t%s\t%s\n", status, oneLine(e.URL))
		}
	}
	return tw.Flush()
}

func writeHosts(w io.Writer, title string, hosts []Host) {
	if len(hosts) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "URLs\tfailed\tp50\tp99\t2xx\t3xx\t4xx\t5xx\tnone\t host")
	for _, h := range hosts {
		urls := fmt.Sprint(h.URLs)
		if h.MaxError > 0 {
			urls = fmt.Sprintf("≤%d", h.URLs)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t %s\n", urls, h.Failures,
			msf(h.P50MS), msf(h.P99MS), h.Classes["2xx"], h.Classes["3xx"], h.Classes["4xx"],
			h.Classes["5xx"], h.Classes["none"], oneLine(h.Host))
	}
	tw.Flush()
}

// note says in a sentence how exact the per-host tables are.
func (h HostsInfo) note() string {
	if h.Exact {
		return fmt.Sprintf("per-host figures are exact (%d hosts, fewer than the %d tracked at once)", h.Tracked, h.Capacity)
	}
	return fmt.Sprintf("per-host figures are approximate: more than %d hosts, so the table keeps the busiest "+
		"(Space-Saving); every host with more than %d URLs is listed, and no host's count is over by more than %d",
		h.Capacity, h.MaxError, h.MaxError)
}

func rateText(s *report.Summary) string {
	if s.Elapsed <= 0 {
		return "(elapsed unknown: the records carry no fetched_at)"
	}
	return fmt.Sprintf("(%.1f/s over %s)", s.RequestsPerSec(), s.Elapsed.Round(time.Millisecond))
}

func ms(d time.Duration) string { return msf(report.Millis(d)) }

func msf(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0fms", v)
	case v >= 10:
		return fmt.Sprintf("%.1fms", v)
	}
	return fmt.Sprintf("%.2fms", v)
}

// oneLine keeps an error message on one line and short, with any control
// character from a server shown as U+FFFD.
func oneLine(s string) string {
	s = record.Printable(s)
	if r := []rune(s); len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return s
}
