package runstats

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/fanout-dev/fanout/record"
)

// MaxBrokenLinks is how many broken links a report lists; the count covers
// them all.
const MaxBrokenLinks = 10_000

// Crawl is the part of a report about records of fanout crawl (those with
// a depth): URLs by depth, and the broken links, each failing or 4xx/5xx
// URL with the page it was first found on. Nil when no record has a depth.
type Crawl struct {
	ByDepth     []DepthCount `json:"by_depth"`
	BrokenTotal int          `json:"broken_total"`
	Broken      []BrokenLink `json:"broken"` // the first MaxBrokenLinks, in the order read
}

// DepthCount is the URLs found at one depth, and how many of them are
// broken.
type DepthCount struct {
	Depth  int `json:"depth"`
	URLs   int `json:"urls"`
	Broken int `json:"broken"`
}

// BrokenLink is a crawled URL that failed or answered 4xx or 5xx, and the
// pages that link to it: up to 5 found linking to it before its result
// came (record.Result.LinkedFrom), the one it was first found on first.
type BrokenLink struct {
	URL       string      `json:"url"`
	Status    int         `json:"status,omitempty"`
	ErrorKind record.Kind `json:"error_kind,omitempty"`
	Depth     int         `json:"depth"`
	From      []string    `json:"from"`
}

// crawlStats counts crawl records for Crawl.
type crawlStats struct {
	byDepth map[int]*DepthCount
	total   int
	broken  []BrokenLink
}

// add counts r if it is a crawl record. A URL robots.txt kept the crawl
// from is not broken, nor one the run stopped before fetching.
func (c *crawlStats) add(r *record.Result) {
	if r.Depth == nil {
		return
	}
	if c.byDepth == nil {
		c.byDepth = map[int]*DepthCount{}
	}
	d := c.byDepth[*r.Depth]
	if d == nil {
		d = &DepthCount{Depth: *r.Depth}
		c.byDepth[*r.Depth] = d
	}
	d.URLs++
	if !r.BrokenLink() {
		return
	}
	d.Broken++
	c.total++
	if len(c.broken) < MaxBrokenLinks {
		b := BrokenLink{URL: r.RedactedURL(), Status: r.Status, ErrorKind: r.ErrorKind, Depth: *r.Depth, From: []string{}}
		switch {
		case r.LinkedFrom != nil:
			b.From = append(b.From, r.LinkedFrom...)
		case r.From != "":
			b.From = append(b.From, r.From) // a record of a fanout that kept only the first
		}
		c.broken = append(c.broken, b)
	}
}

// report is the Crawl of what was added, nil when nothing was a crawl
// record.
func (c *crawlStats) report() *Crawl {
	if c.byDepth == nil {
		return nil
	}
	out := &Crawl{BrokenTotal: c.total, Broken: slices.Clone(c.broken)}
	for _, d := range c.byDepth {
		out.ByDepth = append(out.ByDepth, *d)
	}
	slices.SortFunc(out.ByDepth, func(a, b DepthCount) int { return a.Depth - b.Depth })
	if out.Broken == nil {
		out.Broken = []BrokenLink{}
	}
	return out
}

// writeText writes the crawl section of the text report.
func (c *Crawl) writeText(w io.Writer) error {
	if c == nil {
		return nil
	}
	fmt.Fprintln(w, "\ncrawl: URLs by depth")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "depth\tURLs\tbroken")
	for _, d := range c.ByDepth {
		fmt.Fprintf(tw, "%d\t%d\t%d\n", d.Depth, d.URLs, d.Broken)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nbroken links: %d", c.BrokenTotal)
	if c.BrokenTotal > len(c.Broken) {
		fmt.Fprintf(w, " (the first %d listed)", len(c.Broken))
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, b := range c.Broken {
		what := string(b.ErrorKind)
		if what == "" {
			what = fmt.Sprint(b.Status)
		}
		from := "(a seed)"
		if len(b.From) > 0 {
			from = "linked from " + oneLine(b.From[0])
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", oneLine(what), oneLine(b.URL), from)
		for _, page := range b.From[min(1, len(b.From)):] { // one a line, under the first
			fmt.Fprintf(tw, "\t\t            %s\n", oneLine(page))
		}
	}
	return tw.Flush()
}
