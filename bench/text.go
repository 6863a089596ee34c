package bench

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/fanout-dev/fanout/record"
)

// WriteText writes the result for people: what ran, the figures aligned,
// a line per server, what the site and the throttle saw, and the latency
// histogram drawn in #.
func (r *Result) WriteText(w io.Writer) error {
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
	if r.Site != nil {
		fmt.Fprintf(tw, "site\t%s\n", strings.TrimPrefix(r.Site.line(r.Ran.Capacity), "site "))
	}
	if r.Throttle != "" {
		fmt.Fprintf(tw, "throttle\t%s\n", strings.TrimPrefix(r.Throttle, "fanout: --throttle auto "))
	}
	fmt.Fprintf(tw, "peak heap\t%.1f MB\tpeak RSS %.1f MB\n", float64(r.PeakHeapBytes)/1e6, float64(r.PeakRSSBytes)/1e6)
	if r.FloorMS > 0 {
		fmt.Fprintf(tw, "floor\t%.3fs\tefficiency %.1f%%\n", r.FloorMS/1000, r.Efficiency*100)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var peak uint64
	for _, b := range r.Histogram {
		peak = max(peak, b.Count)
	}
	for _, b := range r.Histogram {
		width := 0
		if peak > 0 {
			width = int(40 * b.Count / peak)
		}
		if _, err := fmt.Fprintf(w, "  <= %9.2f ms %8d %s\n", b.UpToMS, b.Count, strings.Repeat("#", width)); err != nil {
			return err
		}
	}
	return nil
}
