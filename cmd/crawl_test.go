package cmd

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/crawl"
	"github.com/fanout-dev/fanout/internal/crawlmodel"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// crawlRecord is the crawl record as a user's script reads it.
type crawlRecord struct {
	URL       string `json:"url"`
	Status    int    `json:"status"`
	FinalURL  string `json:"final_url"`
	ErrorKind string `json:"error_kind"`
	Depth     *int   `json:"depth"`
	From      string `json:"from"`
}

// crawlGraph crawls the site graph with args and returns the records by
// URL (a path for the site's own, the URL for the other host's), failing
// on a URL recorded twice.
func crawlGraph(t *testing.T, base, ext string, args ...string) map[string]crawlRecord {
	t.Helper()
	code, out, errOut := run(t, "", append([]string{"crawl", base + "/site/p/0", "-q"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	return parseCrawl(t, out, base)
}

// TestCrawlGraph checks a crawl of the site graph against the model: the
// same URLs at the same depths (one request at a time, so the crawl is
// breadth first; with more, the same set), every page fetched exactly once
// as the site counts it, and the other host never asked.
func TestCrawlGraph(t *testing.T) {
	const pages = 120
	ext := testsite.New(testsite.Options{})
	extSrv := httptest.NewServer(ext)
	defer extSrv.Close()
	for _, tc := range []struct {
		name  string
		depth int
		args  []string
	}{
		{"one at a time, default depth", 10, []string{"-c", "1"}},
		{"concurrent, depth 4", 4, []string{"-c", "8", "--depth", "4"}},
		{"concurrent, depth 0", 0, []string{"-c", "8", "--depth", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := testsite.New(testsite.Options{GraphPages: pages, GraphExternal: extSrv.URL})
			srv := httptest.NewServer(site)
			defer srv.Close()
			before := ext.Requests()
			recs := crawlGraph(t, srv.URL, extSrv.URL, tc.args...)
			wantDepths, sitePaths := crawlmodel.Model{Pages: pages, MaxDepth: tc.depth}.Crawl()
			if got, want := slices.Sorted(maps.Keys(recs)), slices.Sorted(maps.Keys(wantDepths)); !slices.Equal(got, want) {
				t.Fatalf("crawled %d URLs, the model %d:\n got %q\nwant %q", len(got), len(want), got, want)
			}
			for u, r := range recs {
				if r.Depth == nil && r.From == "" {
					r.Depth = new(int) // a seed: depth 0 may be left out, as zeros are
				}
				switch {
				case r.Depth == nil:
					t.Errorf("%s: no depth", u)
				case tc.args[1] == "1" && *r.Depth != wantDepths[u]:
					t.Errorf("%s: depth %d, the model says %d", u, *r.Depth, wantDepths[u])
				case *r.Depth == 0 && r.From != "" || *r.Depth > 0 && !strings.HasPrefix(r.From, srv.URL+"/site/"):
					t.Errorf("%s: depth %d from %q", u, *r.Depth, r.From)
				case strings.HasPrefix(u, "/private/") && r.ErrorKind != "robots":
					t.Errorf("%s: %+v, want a robots record", u, r)
				}
			}
			for _, p := range sitePaths {
				if n := site.Hits(p); n != 1 {
					t.Errorf("the site saw %s %d times, want once", p, n)
				}
			}
			if got, want := site.Requests(), int64(len(sitePaths)+1); got != want { // +1: robots.txt
				t.Errorf("the site saw %d requests, want %d (the pages once each, and robots.txt)", got, want)
			}
			if n := ext.Requests() - before; n != 0 {
				t.Errorf("the other host saw %d requests, want none", n)
			}
		})
	}
}

// TestCrawlCheckExternal checks that --check-external fetches each link to
// the other host once and follows none of them.
func TestCrawlCheckExternal(t *testing.T) {
	const pages = 60
	ext := testsite.New(testsite.Options{GraphPages: pages})
	extSrv := httptest.NewServer(ext)
	defer extSrv.Close()
	site := testsite.New(testsite.Options{GraphPages: pages, GraphExternal: extSrv.URL})
	srv := httptest.NewServer(site)
	defer srv.Close()
	recs := crawlGraph(t, srv.URL, extSrv.URL, "-c", "4", "--check-external")
	wantDepths, _ := crawlmodel.Model{Pages: pages, MaxDepth: 10, External: extSrv.URL}.Crawl()
	if got, want := slices.Sorted(maps.Keys(recs)), slices.Sorted(maps.Keys(wantDepths)); !slices.Equal(got, want) {
		t.Fatalf("crawled\n got %q\nwant %q", got, want)
	}
	externals := 0
	for u := range wantDepths {
		if p, ok := strings.CutPrefix(u, extSrv.URL); ok {
			externals++
			if n := ext.Hits(p); n != 1 {
				t.Errorf("the other host saw %s %d times, want once", p, n)
			}
		}
	}
	if externals == 0 {
		t.Fatal("the model has no external links: the test tests nothing")
	}
	if got := ext.Requests(); got != int64(externals)+1 { // +1: its robots.txt
		t.Errorf("the other host saw %d requests, want %d (each link once, and robots.txt)", got, externals+1)
	}
}

// TestCrawlCalendarTrap checks that a calendar that never ends stops at
// the default depth.
func TestCrawlCalendarTrap(t *testing.T) {
	site := testsite.New(testsite.Options{GraphPages: 10})
	srv := httptest.NewServer(site)
	defer srv.Close()
	code, out, errOut := run(t, "", "crawl", srv.URL+"/site/cal/0", "-q", "-f", "text")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	days := 0
	for d := 0; d < 1000; d++ {
		days += site.Hits(fmt.Sprintf("/site/cal/%d", d))
	}
	if days != 11 { // days 0 to 10: --depth 10
		t.Errorf("the calendar was fetched %d times, want 11 (the default depth bound)\n%s", days, out)
	}
}

// TestCrawlShard checks that --shard splits a crawl by site: each site's
// seed, and every page found from it, in exactly one shard.
func TestCrawlShard(t *testing.T) {
	var seeds []string
	for range 4 {
		srv := httptest.NewServer(testsite.New(testsite.Options{GraphPages: 20}))
		defer srv.Close()
		seeds = append(seeds, srv.URL+"/site/p/0")
	}
	shardOf := map[string]string{} // host:port → shard
	for _, spec := range []string{"0/2", "1/2"} {
		code, out, errOut := run(t, strings.Join(seeds, "\n")+"\n", "crawl", "-", "--depth", "2", "-q", "--shard", spec)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var r crawlRecord
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			host := strings.SplitN(strings.TrimPrefix(r.URL, "http://"), "/", 2)[0]
			if s, ok := shardOf[host]; ok && s != spec {
				t.Errorf("%s is in shards %s and %s", host, s, spec)
			}
			shardOf[host] = spec
		}
	}
	if len(shardOf) != len(seeds) {
		t.Errorf("%d sites crawled, want %d: %v", len(shardOf), len(seeds), shardOf)
	}
}

// TestCrawlReportBrokenLinks crawls the site graph with the other host
// checked, from twelve seeds that all link to one missing page (/site/p/,
// their <base>), and checks every broken link's record against the model:
// linked_from names up to 5 distinct pages that link to it, the page it was
// found on first; the missing page, fetched after the twelve (one request
// at a time), names 5. Then fanout report, from the JSON lines and from
// the store, in JSON, text and HTML, lists each broken URL with those
// pages, and counts URLs by depth as the records do.
func TestCrawlReportBrokenLinks(t *testing.T) {
	const pages = 80
	ext := testsite.New(testsite.Options{})
	extSrv := httptest.NewServer(ext)
	defer extSrv.Close()
	site := testsite.New(testsite.Options{GraphPages: pages, GraphExternal: extSrv.URL})
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	out, db := dir+"/crawl.jsonl", dir+"/crawl.db"
	var seeds []int
	var list strings.Builder
	for n := 0; n < 48; n += 4 {
		seeds = append(seeds, n)
		fmt.Fprintf(&list, "%s/site/p/%d\n", srv.URL, n)
	}
	if code, _, errOut := run(t, list.String(), "crawl", "-", "-c", "1", "--check-external", "-q", "-o", out, "--db", db); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	linked := crawlmodel.Model{Pages: pages, MaxDepth: crawl.DefaultMaxDepth, External: extSrv.URL, Seeds: seeds}.LinkedFrom()
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	byDepth := map[int]int{}
	broken := map[string][]string{} // url → linked_from
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		var r struct {
			crawlRecord
			LinkedFrom []string `json:"linked_from"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		byDepth[*r.Depth]++
		if r.Status < 400 && (r.ErrorKind == "" || r.ErrorKind == "robots") {
			if r.LinkedFrom != nil {
				t.Errorf("%s: linked_from %q on a link that is not broken", r.URL, r.LinkedFrom)
			}
			continue
		}
		broken[r.URL] = r.LinkedFrom
		var all []string // every page that links to it, as URLs
		for _, p := range linked[strings.TrimPrefix(r.URL, srv.URL)] {
			all = append(all, srv.URL+p)
		}
		switch {
		case len(r.LinkedFrom) == 0 || len(r.LinkedFrom) > 5 || r.LinkedFrom[0] != r.From:
			t.Errorf("%s: from %q, linked_from %q: want 1 to 5 pages, from first", r.URL, r.From, r.LinkedFrom)
		case len(slices.Compact(slices.Sorted(slices.Values(r.LinkedFrom)))) != len(r.LinkedFrom):
			t.Errorf("%s: linked_from %q names a page twice", r.URL, r.LinkedFrom)
		case strings.HasSuffix(r.URL, "/site/p/") && len(r.LinkedFrom) != 5:
			t.Errorf("%s: linked_from %q, want 5 of the twelve seeds that link to it", r.URL, r.LinkedFrom)
		}
		for _, p := range r.LinkedFrom {
			if !slices.Contains(all, p) {
				t.Errorf("%s: linked from %s, which the model says does not link to it (%q)", r.URL, p, all)
			}
		}
	}
	if _, ok := broken[srv.URL+"/site/p/"]; !ok || len(broken) < 10 {
		t.Fatalf("%d broken links, the seeds' base among them: %v; the test tests too little", len(broken), ok)
	}
	for _, src := range [][]string{{out}, {"--db", db}} {
		checkBrokenReport(t, src, broken, byDepth)
	}
}

// checkBrokenReport checks fanout report's crawl section on src: the broken
// links with their pages in JSON, text and HTML, and the URLs by depth.
func checkBrokenReport(t *testing.T, src []string, broken map[string][]string, byDepth map[int]int) {
	t.Helper()
	code, rep, errOut := run(t, "", append([]string{"report", "-f", "json"}, src...)...)
	if code != 0 {
		t.Fatalf("report %v: exit %d: %s", src, code, errOut)
	}
	var doc struct {
		Crawl struct {
			ByDepth []struct{ Depth, URLs int } `json:"by_depth"`
			Total   int                         `json:"broken_total"`
			Broken  []struct {
				URL  string   `json:"url"`
				From []string `json:"from"`
			} `json:"broken"`
		} `json:"crawl"`
	}
	if err := json.Unmarshal([]byte(rep), &doc); err != nil {
		t.Fatalf("%v: %s", err, rep)
	}
	got := map[string][]string{}
	for _, b := range doc.Crawl.Broken {
		got[b.URL] = b.From
	}
	if !maps.EqualFunc(got, broken, slices.Equal) || doc.Crawl.Total != len(broken) {
		t.Errorf("%v: broken links %d %q, want %q", src, doc.Crawl.Total, got, broken)
	}
	gotDepth := map[int]int{}
	for _, d := range doc.Crawl.ByDepth {
		gotDepth[d.Depth] = d.URLs
	}
	if !maps.Equal(gotDepth, byDepth) {
		t.Errorf("%v: by depth %v, want %v", src, gotDepth, byDepth)
	}
	_, text, _ := run(t, "", append([]string{"report"}, src...)...)
	page := filepath.Join(t.TempDir(), "report.html")
	if code, _, errOut := run(t, "", append([]string{"report", "--html", page}, src...)...); code != 0 {
		t.Fatalf("report --html %v: exit %d: %s", src, code, errOut)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<tr data-url="([^"]+)">.*</tr>`).FindAllStringSubmatch(string(html), -1)
	if len(rows) != len(broken) {
		t.Errorf("%v: the HTML page lists %d broken links, want %d", src, len(rows), len(broken))
	}
	for _, row := range rows {
		var from []string
		for _, m := range regexp.MustCompile(`class="from" title="([^"]+)"`).FindAllStringSubmatch(row[0], -1) {
			from = append(from, m[1])
		}
		if want, ok := broken[row[1]]; !ok || !slices.Equal(from, want) {
			t.Errorf("%v: the HTML page has %s linked from %q, want %q", src, row[1], from, want)
		}
	}
	for u, from := range broken {
		if len(from) == 0 {
			continue // a seed
		}
		lines := regexp.QuoteMeta(u) + ` +linked from ` + regexp.QuoteMeta(from[0]) + `\n`
		for _, p := range from[1:] {
			lines += ` +` + regexp.QuoteMeta(p) + `\n`
		}
		if !regexp.MustCompile(lines).MatchString(text) {
			t.Errorf("%v: the text report lacks %s linked from %q", src, u, from)
		}
	}
}
