package cmd

import (
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/crawlmodel"
	"github.com/fanout-dev/fanout/internal/dnstest"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// parseCrawl reads a crawl's JSON lines into records by URL (a path for
// base's own, the URL for another host's), failing on a URL recorded twice.
func parseCrawl(t *testing.T, out, base string) map[string]crawlRecord {
	t.Helper()
	recs := map[string]crawlRecord{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r crawlRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		key := strings.TrimPrefix(r.URL, base)
		if _, dup := recs[key]; dup {
			t.Fatalf("%s recorded twice", r.URL)
		}
		recs[key] = r
	}
	return recs
}

// blogSite is a subdomain's site for the scope tests: /x/N is a page that
// links to /y/N on its own host and to /o/N on other, another domain.
type blogSite struct {
	*testsite.Site
	other string
}

func (b blogSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var n int
	if _, err := fmt.Sscanf(r.URL.Path, "/x/%d", &n); err != nil {
		b.Site.ServeHTTP(w, r)
		return
	}
	b.Site.ServeHTTP(discard{w}, r) // counted
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprintf(w, `<title>x</title><a href="/y/%d">y</a> <a href="%s/o/%d">o</a>`, n, b.other, n)
}

// discard keeps the response's headers and body from the counting site.
type discard struct{ http.ResponseWriter }

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// TestCrawlScopes crawls the site graph on www.site.test, whose external
// links go to blog.site.test (a subdomain: the same registrable domain),
// whose pages link to other.test, with each scope and --allow/--deny, and
// checks the URLs recorded against the model with that scope's rule, every
// page fetched once as each site counts, and no request where the scope
// forbids.
func TestCrawlScopes(t *testing.T) {
	const pages = 60
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))
	other := testsite.New(testsite.Options{})
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	blog := testsite.New(testsite.Options{})
	blogSrv := httptest.NewServer(blogSite{blog, "http://other.test:" + port(otherSrv)})
	defer blogSrv.Close()
	blogURL := "http://blog.site.test:" + port(blogSrv)
	notUnder := func(prefix string) func(string) bool {
		return func(u string) bool { return !strings.HasPrefix(u, prefix) }
	}
	denied := regexp.MustCompile(`/p/[0-9]*7$`)
	for _, tc := range []struct {
		name  string
		args  []string
		model crawlmodel.Model
		blog  bool // blog.site.test's pages are in scope
	}{
		{"host", nil, crawlmodel.Model{}, false},
		{"domain", []string{"--scope", "domain"}, crawlmodel.Model{External: blogURL}, true},
		{"prefix", []string{"--scope", "prefix"}, crawlmodel.Model{Skip: notUnder("/site/p/")}, false},
		{"allow and deny", []string{"--allow", "/site/p/", "--allow", "/site/missing/", "--deny", `/p/[0-9]*7$`},
			crawlmodel.Model{Skip: func(u string) bool {
				return !strings.Contains(u, "/site/p/") && !strings.Contains(u, "/site/missing/") || denied.MatchString(u)
			}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := testsite.New(testsite.Options{GraphPages: pages, GraphExternal: blogURL})
			srv := httptest.NewServer(site)
			defer srv.Close()
			base := "http://www.site.test:" + port(srv)
			blogBefore, otherBefore := blog.Requests(), other.Requests()
			code, out, errOut := runDNS(t, dns, "", append([]string{"crawl", base + "/site/p/0", "-q", "-c", "4"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			recs := parseCrawl(t, out, base)
			tc.model.Pages, tc.model.MaxDepth = pages, 10
			want, sitePaths := tc.model.Crawl()
			blogPaths := 0
			for u := range maps.Clone(want) {
				if p, ok := strings.CutPrefix(u, blogURL+"/x/"); ok {
					want[blogURL+"/y/"+p] = 0 // the blog page's own link, followed
					blogPaths += 2
				}
			}
			if got, want := slices.Sorted(maps.Keys(recs)), slices.Sorted(maps.Keys(want)); !slices.Equal(got, want) {
				t.Fatalf("crawled %d URLs, the model %d:\n got %q\nwant %q", len(got), len(want), got, want)
			}
			for _, p := range sitePaths {
				if n := site.Hits(p); n != 1 {
					t.Errorf("the site saw %s %d times, want once", p, n)
				}
			}
			if got, want := site.Requests(), int64(len(sitePaths)+1); got != want {
				t.Errorf("the site saw %d requests, want %d (the pages once each, and robots.txt)", got, want)
			}
			wantBlog := int64(0)
			if tc.blog {
				if blogPaths == 0 {
					t.Fatal("no link to the blog in the model: the test tests nothing")
				}
				wantBlog = int64(blogPaths + 1) // and its robots.txt
			}
			if n := blog.Requests() - blogBefore; n != wantBlog {
				t.Errorf("blog.site.test saw %d requests, want %d", n, wantBlog)
			}
			if n := other.Requests() - otherBefore; n != 0 {
				t.Errorf("other.test saw %d requests, want none", n)
			}
		})
	}
}

// port is a test server's port.
func port(srv *httptest.Server) string {
	_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return p
}

// pagedImages serves the site graph, but its images (/site/img/N.png) as
// HTML pages that link to /site/hidden/N, counted by the site.
type pagedImages struct{ *testsite.Site }

func (p pagedImages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var n int
	if _, err := fmt.Sscanf(r.URL.Path, "/site/img/%d.png", &n); err != nil {
		p.Site.ServeHTTP(w, r)
		return
	}
	p.Site.ServeHTTP(discard{w}, r) // counted
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprintf(w, `<title>img</title><a href="/site/hidden/%d">hidden</a>`, n)
}

// TestCrawlCheckResources checks that --check-resources fetches each image
// of the site graph once, and never follows one (these images are HTML
// pages with a link), besides the model's pages.
func TestCrawlCheckResources(t *testing.T) {
	const pages = 60
	ext := testsite.New(testsite.Options{})
	extSrv := httptest.NewServer(ext)
	defer extSrv.Close()
	site := testsite.New(testsite.Options{GraphPages: pages, GraphExternal: extSrv.URL})
	srv := httptest.NewServer(pagedImages{site})
	defer srv.Close()
	code, out, errOut := run(t, "", "crawl", srv.URL+"/site/p/0", "-q", "-c", "4", "--check-resources")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := parseCrawl(t, out, srv.URL)
	want, sitePaths := crawlmodel.Model{Pages: pages, MaxDepth: 10}.Crawl()
	for n := range 3 { // every page has one image, /site/img/(n%3).png
		p := fmt.Sprintf("/site/img/%d.png", n)
		want[p] = 0
		sitePaths = append(sitePaths, p)
	}
	for u := range recs {
		if _, ok := want[u]; !ok {
			t.Errorf("%s crawled: not in the model", u)
		}
	}
	for u := range want {
		if _, ok := recs[u]; !ok {
			t.Errorf("%s not crawled", u)
		}
	}
	for _, p := range sitePaths {
		if n := site.Hits(p); n != 1 {
			t.Errorf("the site saw %s %d times, want once", p, n)
		}
	}
	if got, want := site.Requests(), int64(len(sitePaths)+1); got != want {
		t.Errorf("the site saw %d requests, want %d (pages and images once each, and robots.txt): a resource's link was followed", got, want)
	}
	if n := ext.Requests(); n != 0 {
		t.Errorf("the other host saw %d requests, want none", n)
	}
}

// TestCrawlStripQuery seeds a crawl with URLs that differ only in
// tracking parameters: with --strip-query 'utm_*' the page is fetched
// once, recorded without them, and a parameter not named is kept; without
// it, each seed is fetched.
func TestCrawlStripQuery(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		page0     int    // fetches of /site/p/0
		recorded0 string // the record of page 0 (a query for each without the flag)
	}{
		{[]string{"--strip-query", "utm_*"}, 1, "/site/p/0"},
		{nil, 2, "/site/p/0?utm_source=a"},
	} {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			site := testsite.New(testsite.Options{GraphPages: 40})
			srv := httptest.NewServer(site)
			defer srv.Close()
			seeds := fmt.Sprintf("%[1]s/site/p/0?utm_source=a\n%[1]s/site/p/0?utm_source=b&utm_medium=c\n%[1]s/site/p/1?utm_campaign=x&keep=1\n", srv.URL)
			code, out, errOut := run(t, seeds, append([]string{"crawl", "-", "-q", "--depth", "0"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			recs := parseCrawl(t, out, srv.URL)
			page0 := 0
			for _, q := range []string{"", "?utm_source=a", "?utm_source=b&utm_medium=c"} {
				page0 += site.Hits("/site/p/0" + q)
			}
			if n := page0; n != tc.page0 {
				t.Errorf("the site saw /site/p/0 %d times, want %d", n, tc.page0)
			}
			if _, ok := recs[tc.recorded0]; !ok || len(recs) != tc.page0+1 {
				t.Errorf("records %q: want %s among %d", slices.Sorted(maps.Keys(recs)), tc.recorded0, tc.page0+1)
			}
			keep := "/site/p/1?utm_campaign=x&keep=1"
			if tc.args != nil {
				keep = "/site/p/1?keep=1"
			}
			if _, ok := recs[keep]; !ok {
				t.Errorf("records %q: want %s", slices.Sorted(maps.Keys(recs)), keep)
			}
		})
	}
}

// TestCrawlGCPercent checks that a crawl sets the collector's target to
// crawlGCPercent unless GOGC is set, and leaves it alone when it is.
func TestCrawlGCPercent(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{GraphPages: 5}))
	defer srv.Close()
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	for _, tc := range []struct {
		gogc string
		want int
	}{{"", crawlGCPercent}, {"200", 200}} {
		t.Setenv("GOGC", tc.gogc)
		debug.SetGCPercent(200)
		if code, _, errOut := run(t, "", "crawl", srv.URL+"/site/p/0", "--depth", "0", "-q"); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if got := debug.SetGCPercent(200); got != tc.want {
			t.Errorf("GOGC=%q: the crawl ran at GC percent %d, want %d", tc.gogc, got, tc.want)
		}
	}
}
