package runstats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/fanout-dev/fanout/record"
)

// page is what the test reads back from an HTML page.
type pageFigures struct {
	text    map[string]string         // element id → its text
	ms      map[string]string         // element id → data-ms
	bars    map[string]map[string]int // svg id → bar name → data-count
	latency uint64                    // sum of the latency bars' counts
	rows    map[string]int            // table id → rows with data-host
	assets  []string                  // script elements and external references
}

func parsePage(t *testing.T, b []byte) pageFigures {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	p := pageFigures{text: map[string]string{}, ms: map[string]string{}, bars: map[string]map[string]int{}, rows: map[string]int{}}
	var walk func(n *html.Node, svg, table string)
	walk = func(n *html.Node, svg, table string) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			if id := attr["id"]; id != "" {
				if n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
					p.text[id] = n.FirstChild.Data
				}
				p.ms[id] = attr["data-ms"]
				switch n.Data {
				case "svg":
					svg = id
				case "table":
					table = id
				}
			}
			if n.Data == "script" || strings.Contains(attr["src"], "//") || strings.Contains(attr["href"], "//") {
				p.assets = append(p.assets, n.Data)
			}
			if c, err := strconv.Atoi(attr["data-count"]); err == nil {
				switch {
				case svg == "latency":
					p.latency += uint64(c)
				case attr["data-name"] != "":
					if p.bars[svg] == nil {
						p.bars[svg] = map[string]int{}
					}
					p.bars[svg][attr["data-name"]] = c
				}
			}
			if attr["data-host"] != "" {
				p.rows[table]++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, svg, table)
		}
	}
	walk(doc, "", "")
	return p
}

// TestHTMLMatchesJSON renders one report both ways and checks that every
// figure the page shows is the JSON report's, and that the page needs
// nothing from outside itself.
func TestHTMLMatchesJSON(t *testing.T) {
	a := NewAggregator()
	rng := rand.New(rand.NewPCG(3, 3))
	kinds := []record.Kind{record.KindConnect, record.KindTimeout, record.KindCanceled, record.KindDNS}
	for i := range 3000 {
		r := record.Result{URL: fmt.Sprintf("http://h%d.test/%d", i%60, i), Line: i + 1, Attempts: 1,
			DurationMS: float64(1+rng.IntN(900)) + rng.Float64(), Size: 100}
		switch x := rng.IntN(20); {
		case x < 2:
			r.ErrorKind, r.Error = kinds[x+2*(i%2)], "it <failed> & stopped"
		case x < 4:
			r.Status = 404
		case x < 5:
			r.Status = 503
		default:
			r.Status = 200
		}
		a.Add(&r)
	}
	rep := a.Report()
	rep.Sources = []string{"a <b>.jsonl"}
	rep.Flags = []Flag{{Name: "concurrency", Value: "50"}}
	var page, js bytes.Buffer
	if err := rep.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Summary struct {
			Total, OK, Failed, Canceled, Requests int
			LatencyMS                             map[string]float64 `json:"latency_ms"`
		}
		StatusClasses []Count      `json:"status_classes"`
		Errors        []KindErrors `json:"errors_by_kind"`
		Slowest       []Host       `json:"slowest_hosts"`
		MostFailing   []Host       `json:"most_failing_hosts"`
	}
	if err := json.Unmarshal(js.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	got := parsePage(t, page.Bytes())
	for id, n := range map[string]int{"total": want.Summary.Total, "ok": want.Summary.OK, "failed": want.Summary.Failed,
		"canceled": want.Summary.Canceled, "requests": want.Summary.Requests} {
		if got.text[id] != strconv.Itoa(n) {
			t.Errorf("page %s = %q, JSON %d", id, got.text[id], n)
		}
	}
	for _, id := range []string{"p50", "p90", "p99", "max"} {
		if v, err := strconv.ParseFloat(got.ms[id], 64); err != nil || v != want.Summary.LatencyMS[id] {
			t.Errorf("page %s = %q ms, JSON %v", id, got.ms[id], want.Summary.LatencyMS[id])
		}
	}
	for _, c := range want.StatusClasses {
		if got.bars["classes"][c.Name] != c.Count {
			t.Errorf("page status class %s = %d, JSON %d", c.Name, got.bars["classes"][c.Name], c.Count)
		}
	}
	for _, k := range want.Errors {
		if got.bars["kinds"][string(k.Kind)] != k.Count {
			t.Errorf("page error kind %s = %d, JSON %d", k.Kind, got.bars["kinds"][string(k.Kind)], k.Count)
		}
	}
	if latencies := uint64(want.Summary.Total - want.Summary.Canceled); got.latency != latencies {
		t.Errorf("latency bars hold %d URLs, want %d", got.latency, latencies)
	}
	if got.rows["slowest"] != len(want.Slowest) || got.rows["failing"] != len(want.MostFailing) || len(want.Slowest) != TopHosts {
		t.Errorf("host rows %v, JSON %d slowest and %d failing", got.rows, len(want.Slowest), len(want.MostFailing))
	}
	if len(got.assets) > 0 {
		t.Errorf("page needs %v", got.assets)
	}
	if strings.Contains(page.String(), "<failed>") || strings.Contains(page.String(), "a <b>") {
		t.Error("text from records reached the page unescaped")
	}
}
