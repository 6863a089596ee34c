package runstats

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"

	"github.com/fanout-dev/fanout/report"
)

//go:embed page.html
var pageFS embed.FS

var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"ms":         msf,
	"short":      oneLine,
	"add":        func(a, b float64) float64 { return a + b },
	"sub":        func(a, b float64) float64 { return a - b },
	"mul":        func(a int, b float64) float64 { return float64(a) * b },
	"classColor": classColor,
	"hostTable": func(title, id string, hosts []Host) hostTableData {
		return hostTableData{Title: title, ID: id, Hosts: hosts}
	},
}).ParseFS(pageFS, "page.html"))

// Geometry of the drawn latency histogram, in SVG user units.
const (
	plotW, plotH = 1000.0, 270.0
	plotL, plotB = 56.0, 36.0 // room for the axes' labels
	barRowHeight = 26.0
	barMaxWidth  = 700.0
)

// pageData is what the template draws; every figure is computed here.
type pageData struct {
	R          *Report
	S          *report.Summary
	Elapsed    string
	Pcts       []pct
	Bars       []rect
	Ticks      []tick
	PctLines   []tick
	Width      float64
	Height     float64
	Classes    []hbar
	ClassesH   float64
	Kinds      []hbar
	KindsH     float64
	HostsNote  string
	BarsHeight float64
}

type pct struct {
	Name string
	MS   float64
}

type rect struct {
	X, Y, W, H float64
	Title      string
	Count      uint64
}

type tick struct {
	X      float64
	Label  string
	LabelX float64 // where a percentile's label starts or ends
	Anchor string  // its text-anchor: start, or end near the right edge
}

type hbar struct {
	Y, W  float64
	Name  string
	Count int
	Share string
}

// WriteHTML writes the report as one self-contained HTML page: inline SVG
// and CSS, no script, no external asset.
func (r *Report) WriteHTML(w io.Writer) error {
	s := r.Summary
	d := pageData{
		R: r, S: s, Width: plotW, Height: plotH, HostsNote: r.Hosts.note(),
		Elapsed: "unknown (the records carry no fetched_at)",
		Pcts: []pct{
			{"p50", report.Millis(s.Latency.Quantile(0.5))}, {"p90", report.Millis(s.Latency.Quantile(0.9))},
			{"p99", report.Millis(s.Latency.Quantile(0.99))}, {"max", report.Millis(s.Latency.Max())},
		},
	}
	if s.Elapsed > 0 {
		d.Elapsed = fmt.Sprintf("%.3f s (%.1f requests/s)", s.Elapsed.Seconds(), s.RequestsPerSec())
	}
	d.Bars, d.Ticks, d.PctLines = latencyPlot(r.Latency, d.Pcts[:3])
	var classes []Count
	for _, c := range r.StatusClasses {
		classes = append(classes, Count{Name: c.Name, Count: c.Count})
	}
	d.Classes, d.ClassesH = hbars(classes, s.Total)
	var kinds []Count
	for _, k := range r.Errors {
		kinds = append(kinds, Count{Name: string(k.Kind), Count: k.Count})
	}
	d.Kinds, d.KindsH = hbars(kinds, s.Total)
	return page.Execute(w, d)
}

// latencyPlot places the bars on a logarithmic time axis, with ticks at
// 1, 2 and 5 times powers of ten, and a line at each percentile.
func latencyPlot(bars []LatencyBar, pcts []pct) ([]rect, []tick, []tick) {
	if len(bars) == 0 {
		return nil, nil, nil
	}
	lo, hi := math.Max(bars[0].FromMS, 0.001), bars[len(bars)-1].ToMS
	if hi <= lo*1.5 {
		lo, hi = lo/1.5, hi*1.5
	}
	span := math.Log(hi / lo)
	x := func(ms float64) float64 {
		return plotL + (plotW-plotL-34)*math.Log(math.Max(ms, lo)/lo)/span
	}
	var most uint64
	for _, b := range bars {
		most = max(most, b.Count)
	}
	top := plotH - plotB - 56 // room above for the percentiles' labels
	var rects []rect
	for _, b := range bars {
		h := top * float64(b.Count) / float64(most)
		x0, x1 := x(math.Max(b.FromMS, lo)), x(b.ToMS)
		rects = append(rects, rect{
			X: x0, W: math.Max(x1-x0-0.5, 0.5), Y: plotH - plotB - h, H: h, Count: b.Count,
			Title: fmt.Sprintf("%s to %s: %d URLs", msf(b.FromMS), msf(b.ToMS), b.Count),
		})
	}
	var ticks []tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow(10, e); v >= lo && v <= hi {
				ticks = append(ticks, tick{X: x(v), Label: axisLabel(v)})
			}
		}
	}
	var lines []tick
	for _, p := range pcts {
		l := tick{X: x(p.MS), Label: p.Name + " " + msf(p.MS), LabelX: x(p.MS) + 4, Anchor: "start"}
		if l.X > plotW-120 {
			l.LabelX, l.Anchor = l.X-4, "end"
		}
		lines = append(lines, l)
	}
	return rects, ticks, lines
}

func axisLabel(ms float64) string {
	if ms >= 1000 {
		return strconv.FormatFloat(ms/1000, 'g', -1, 64) + "s"
	}
	return strconv.FormatFloat(ms, 'g', -1, 64) + "ms"
}

// hbars lays out one horizontal bar per count, scaled to the largest.
func hbars(counts []Count, total int) ([]hbar, float64) {
	most := 0
	for _, c := range counts {
		most = max(most, c.Count)
	}
	var out []hbar
	for i, c := range counts {
		b := hbar{Y: float64(i) * barRowHeight, Name: c.Name, Count: c.Count}
		if most > 0 {
			b.W = barMaxWidth * float64(c.Count) / float64(most)
		}
		if total > 0 {
			b.Share = fmt.Sprintf("%.1f%%", 100*float64(c.Count)/float64(total))
		}
		out = append(out, b)
	}
	return out, float64(len(counts)) * barRowHeight
}

type hostTableData struct {
	Title, ID string
	Hosts     []Host
}

func classColor(name string) string {
	switch name {
	case "2xx":
		return "#1a7f37"
	case "3xx":
		return "#3b6fd8"
	case "4xx":
		return "#d08700"
	case "5xx":
		return "#c0392b"
	}
	return "#8c95a6"
}
