package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// fleetSite serves the test site on many loopback addresses and counts, by
// Host header, who asked (the User-Agent names the process) and the most
// requests ever in flight.
type fleetSite struct {
	site *testsite.Site
	mu   sync.Mutex
	in   map[string]int
	most map[string]int
	who  map[string]map[string]int
}

func (f *fleetSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.in[r.Host]++
	f.most[r.Host] = max(f.most[r.Host], f.in[r.Host])
	if f.who[r.Host] == nil {
		f.who[r.Host] = map[string]int{}
	}
	f.who[r.Host][r.UserAgent()]++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.in[r.Host]--
		f.mu.Unlock()
	}()
	f.site.ServeHTTP(w, r)
}

// startFleetSite listens on 127.0.0.1 … 127.0.0.n (loopback only) and
// returns the site and each host's base URL.
func startFleetSite(t *testing.T, n int) (*fleetSite, []string) {
	t.Helper()
	f := &fleetSite{
		site: testsite.New(testsite.Options{Latency: 10 * time.Millisecond}),
		in:   map[string]int{}, most: map[string]int{}, who: map[string]map[string]int{},
	}
	var bases []string
	for h := 1; h <= n; h++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", h))
		if err != nil {
			t.Fatalf("listen on 127.0.0.%d: %v", h, err)
		}
		srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(l)
		t.Cleanup(func() { srv.Close() })
		bases = append(bases, "http://"+l.Addr().String())
	}
	return f, bases
}

type fleetSummary struct {
	Total     int                `json:"total"`
	OK        int                `json:"ok"`
	Failed    int                `json:"failed"`
	Canceled  int                `json:"canceled"`
	ByStatus  map[string]int     `json:"by_status"`
	ByError   map[string]int     `json:"by_error"`
	Requests  int                `json:"requests"`
	Bytes     int64              `json:"bytes"`
	LatencyMS map[string]float64 `json:"latency_ms"`
}

// TestFleetOfFourShards runs four fanout processes at once, each with its
// own --shard of one list of 40 hosts × 50 URLs, then one process over the
// whole list, and checks the split: every URL once with its line in the
// whole list, every host served by one process within --per-host, and
// fanout report over the four outputs equal to the single run's summary.
func TestFleetOfFourShards(t *testing.T) {
	const hosts, perHost, shards = 40, 50, 4
	site, bases := startFleetSite(t, hosts)
	var list strings.Builder
	lineOf := map[string]int{}
	for u := range perHost {
		for h := range hosts {
			url := fmt.Sprintf("%s/page/%d", bases[h], h*perHost+u)
			list.WriteString(url + "\n")
			lineOf[url] = len(lineOf) + 1
		}
	}
	dir := t.TempDir()
	listPath := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(listPath, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	var outs []string
	errs := make(chan error, shards)
	for i := range shards {
		out := filepath.Join(dir, fmt.Sprintf("out.%d.jsonl", i))
		outs = append(outs, out)
		c := fanout("scrape", "-q", "-c", "16", "--per-host", "2", "--shard", fmt.Sprintf("%d/%d", i, shards),
			"-A", fmt.Sprintf("shard-%d", i), "-o", out, listPath)
		go func() {
			b, err := c.CombinedOutput()
			if err != nil {
				err = fmt.Errorf("shard %d: %w: %s", i, err, b)
			}
			errs <- err
		}()
	}
	for range shards {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	seen := map[string]int{}
	var durations []float64
	for i, out := range outs {
		for _, r := range readFullRecords(t, out) {
			seen[r.URL]++
			if r.Line != lineOf[r.URL] {
				t.Errorf("shard %d: %s has line %d, want %d in the whole list", i, r.URL, r.Line, lineOf[r.URL])
			}
			if r.Attempts > 0 && r.ErrorKind != "canceled" {
				durations = append(durations, r.DurationMS)
			}
		}
	}
	for url := range lineOf {
		if seen[url] != 1 {
			t.Errorf("%s is in %d outputs, want 1", url, seen[url])
		}
	}
	if len(seen) != len(lineOf) {
		t.Errorf("%d URLs in the outputs, %d in the list", len(seen), len(lineOf))
	}
	site.mu.Lock()
	for host, who := range site.who {
		if len(who) != 1 {
			t.Errorf("host %s served %d processes: %v", host, len(who), who)
		}
		if site.most[host] > 2 {
			t.Errorf("host %s had %d requests in flight, --per-host is 2", host, site.most[host])
		}
	}
	if len(site.who) != hosts {
		t.Errorf("%d hosts were asked, want %d", len(site.who), hosts)
	}
	site.mu.Unlock()

	single := filepath.Join(dir, "single.json")
	page := filepath.Join(dir, "single.html")
	if b, err := fanout("scrape", "-q", "-c", "64", "--per-host", "2", "--report", "gather",
		"--html", page, "-o", single, listPath).CombinedOutput(); err != nil {
		t.Fatalf("single run: %v: %s", err, b)
	}
	var gathered struct{ Summary fleetSummary }
	readJSON(t, single, &gathered)

	rep, err := fanout(append([]string{"report", "--format", "json"}, outs...)...).Output()
	if err != nil {
		t.Fatalf("fanout report: %v", err)
	}
	var merged struct {
		Summary fleetSummary
		Hosts   struct {
			Tracked int
			Exact   bool
		}
	}
	if err := json.Unmarshal(rep, &merged); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	checkSameCounts(t, merged.Summary, gathered.Summary)
	if merged.Hosts.Tracked != hosts || !merged.Hosts.Exact {
		t.Errorf("report tracked %d hosts (exact %v), want %d exactly", merged.Hosts.Tracked, merged.Hosts.Exact, hosts)
	}
	checkPercentiles(t, merged.Summary.LatencyMS, durations)
	checkPage(t, page, gathered.Summary)
}

type fullRecord struct {
	URL        string  `json:"url"`
	Line       int     `json:"line"`
	Attempts   int     `json:"attempts"`
	DurationMS float64 `json:"duration_ms"`
	ErrorKind  string  `json:"error_kind"`
}

func readFullRecords(t *testing.T, path string) []fullRecord {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []fullRecord
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var r fullRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%s: not a JSON line: %q", path, line)
		}
		recs = append(recs, r)
	}
	return recs
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func checkSameCounts(t *testing.T, got, want fleetSummary) {
	t.Helper()
	if got.Total != want.Total || got.OK != want.OK || got.Failed != want.Failed || got.Canceled != want.Canceled ||
		got.Requests != want.Requests || got.Bytes != want.Bytes {
		t.Errorf("merged report %+v\nsingle run    %+v", got, want)
	}
	if fmt.Sprint(got.ByStatus) != fmt.Sprint(want.ByStatus) || fmt.Sprint(got.ByError) != fmt.Sprint(want.ByError) {
		t.Errorf("by status %v / %v, by error %v / %v", got.ByStatus, want.ByStatus, got.ByError, want.ByError)
	}
}

// checkPercentiles holds the report's percentiles to the exact ones of the
// same durations (sorted: the nearest-rank definition), within the
// histogram's 1.6% and the microsecond it rounds to. The percentiles of
// the single run are of other timings, so only its counts are compared.
func checkPercentiles(t *testing.T, got map[string]float64, durations []float64) {
	t.Helper()
	slices.Sort(durations)
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"max", 1}} {
		rank := int(math.Ceil(q.q*float64(len(durations)))) - 1
		want := durations[max(rank, 0)]
		if d := math.Abs(got[q.name] - want); d > 0.016*want+0.002 {
			t.Errorf("%s = %.3f ms, exact %.3f ms: off by more than the histogram's error", q.name, got[q.name], want)
		}
	}
}

// checkPage parses the --html page and checks its figures against the
// run's gathered summary.
func checkPage(t *testing.T, path string, want fleetSummary) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	byID, msByID := map[string]string{}, map[string]string{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			id, ms := "", ""
			for _, a := range n.Attr {
				switch a.Key {
				case "id":
					id = a.Val
				case "data-ms":
					ms = a.Val
				}
			}
			if id != "" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
				byID[id], msByID[id] = n.FirstChild.Data, ms
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for id, n := range map[string]int{"total": want.Total, "ok": want.OK, "failed": want.Failed, "requests": want.Requests} {
		if byID[id] != strconv.Itoa(n) {
			t.Errorf("page says %s %q, the run's summary %d", id, byID[id], n)
		}
	}
	for _, id := range []string{"p50", "p90", "p99", "max"} {
		if got, err := strconv.ParseFloat(msByID[id], 64); err != nil || math.Abs(got-want.LatencyMS[id]) > 0.0005 {
			t.Errorf("page says %s %q ms, the run's summary %v", id, msByID[id], want.LatencyMS[id])
		}
	}
}
