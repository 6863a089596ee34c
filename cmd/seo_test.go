package cmd

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/record"
)

// seoRecord is the record with the --fields, -e and --robots fields, as a
// user's script reads it.
type seoRecord struct {
	URL         string              `json:"url"`
	Status      int                 `json:"status"`
	Title       string              `json:"title"`
	Description string              `json:"description"`
	Canonical   string              `json:"canonical"`
	Robots      string              `json:"robots"`
	Lang        string              `json:"lang"`
	H1          string              `json:"h1"`
	H1Count     int                 `json:"h1_count"`
	OG          map[string]string   `json:"og"`
	Hreflang    map[string]string   `json:"hreflang"`
	Links       int                 `json:"links"`
	Extract     map[string][]string `json:"extract"`
	RobotsTxt   string              `json:"robots_txt"`
	Attempts    int                 `json:"attempts"`
	ErrorKind   string              `json:"error_kind"`
}

func seoRecords(t *testing.T, out string) map[string]seoRecord {
	t.Helper()
	recs := map[string]seoRecord{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r seoRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		recs[r.URL] = r
	}
	return recs
}

func seoServer(t *testing.T) (*testsite.Site, string) {
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	return site, srv.URL
}

func TestScrapeFields(t *testing.T) {
	_, base := seoServer(t)
	var list strings.Builder
	for i := range 4 {
		fmt.Fprintf(&list, "%s/seo/%d\n", base, i)
	}
	code, out, errOut := run(t, list.String(), "scrape", "-q", "--fields", "default,"+strings.Join(record.Names(record.SEO), ","))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := seoRecords(t, out)
	for i := range 4 {
		u := fmt.Sprintf("%s/seo/%d", base, i)
		canonical, robots := u, ""
		if i%2 == 1 {
			canonical, robots = base+"/seo/0", "noindex, follow"
		}
		if i%3 == 0 {
			robots = strings.TrimPrefix(robots+", noarchive", ", ")
		}
		want := seoRecord{URL: u, Status: 200, Title: fmt.Sprintf("SEO %d", i), Description: fmt.Sprintf("About page %d & more", i),
			Canonical: canonical, Robots: robots, Lang: "en", H1: fmt.Sprintf("Heading & %d", i), H1Count: 2,
			OG:       map[string]string{"title": fmt.Sprintf("OG %d", i), "type": "article", "url": fmt.Sprintf("http://example.test/seo/%d", i)},
			Hreflang: map[string]string{"en": u, "fr": fmt.Sprintf("%s/fr/seo/%d", base, i)}, Links: i + 2, Attempts: 1}
		if got := recs[u]; !reflect.DeepEqual(got, want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
	}
}

func TestScrapeFieldsChooseColumns(t *testing.T) {
	_, base := seoServer(t)
	in := base + "/seo/1\n"
	code, out, errOut := run(t, in, "scrape", "-q", "--fields", "url,canonical,h1_count")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := fmt.Sprintf(`{"url":"%s/seo/1","line":1,"file":null,"canonical":"%s/seo/0","h1_count":2}`, base, base); strings.TrimSpace(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	code, out, errOut = run(t, in, "scrape", "-q", "-f", "csv", "--fields", "url,lang,links", "-e", "h=h1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	want := [][]string{{"url", "line", "file", "lang", "links", "extract", "note"}, {base + "/seo/1", "1", "", "en", "3", `{"h":["Heading \u0026 1","Second"]}`, ""}}
	if err != nil || !reflect.DeepEqual(rows, want) {
		t.Errorf("CSV %q (%v), want %q", rows, err, want)
	}
}

func TestScrapeExtract(t *testing.T) {
	_, base := seoServer(t)
	code, out, errOut := run(t, base+"/seo/0\n"+base+"/hostile/json\n", "scrape", "-q",
		"-e", "h=h1", "-e", "links=a@href", "-e", "none=table")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := seoRecords(t, out)
	want := map[string][]string{"h": {"Heading & 0", "Second"}, "links": {"/page/0", "/page/1"}, "none": {}}
	if got := recs[base+"/seo/0"]; !reflect.DeepEqual(got.Extract, want) || got.Title != "SEO 0" {
		t.Errorf("extract %q, title %q; want %q", got.Extract, got.Title, want)
	}
	if got := recs[base+"/hostile/json"]; got.Extract != nil {
		t.Errorf("JSON body got extract %q", got.Extract)
	}
}

func TestScrapeRobots(t *testing.T) {
	paths := []string{"/page/1", "/private/x", "/private/ok", "/doc.pdf", "/doc.pdf?x"}
	tests := []struct {
		mode        string
		wantTxt     map[string]string // path → robots_txt
		wantFetched map[string]bool
	}{
		{mode: "ignore", wantTxt: map[string]string{}, wantFetched: map[string]bool{"/page/1": true, "/private/x": true, "/private/ok": true, "/doc.pdf": true, "/doc.pdf?x": true}},
		{mode: "report", wantTxt: map[string]string{"/page/1": "allowed", "/private/x": "disallowed", "/private/ok": "allowed", "/doc.pdf": "disallowed", "/doc.pdf?x": "allowed"},
			wantFetched: map[string]bool{"/page/1": true, "/private/x": true, "/private/ok": true, "/doc.pdf": true, "/doc.pdf?x": true}},
		{mode: "obey", wantTxt: map[string]string{"/page/1": "allowed", "/private/x": "disallowed", "/private/ok": "allowed", "/doc.pdf": "disallowed", "/doc.pdf?x": "allowed"},
			wantFetched: map[string]bool{"/page/1": true, "/private/ok": true, "/doc.pdf?x": true}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			site, base := seoServer(t)
			var list strings.Builder
			for _, p := range paths {
				list.WriteString(base + p + "\n")
			}
			code, out, errOut := run(t, list.String(), "scrape", "-q", "--robots", tt.mode, "--per-host", "1")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			recs := seoRecords(t, out)
			for _, p := range paths {
				r := recs[base+p]
				fetched := site.Hits(p) > 0
				if r.RobotsTxt != tt.wantTxt[p] || fetched != tt.wantFetched[p] {
					t.Errorf("%s: robots_txt %q, fetched %v; want %q, %v", p, r.RobotsTxt, fetched, tt.wantTxt[p], tt.wantFetched[p])
				}
				if !fetched && (r.ErrorKind != "robots" || r.Attempts != 0) {
					t.Errorf("%s: error_kind %q, attempts %d; want robots, 0", p, r.ErrorKind, r.Attempts)
				}
			}
			wantRobots := 1
			if tt.mode == "ignore" {
				wantRobots = 0
			}
			if n := site.Hits(testsite.PathRobots); n != wantRobots {
				t.Errorf("robots.txt fetched %d times, want %d", n, wantRobots)
			}
			if m := site.MaxInFlight(); m > 1 {
				t.Errorf("%d requests in flight at once with --per-host 1, robots.txt included", m)
			}
		})
	}
}

func TestScrapeRobotsCrawlDelay(t *testing.T) {
	site := testsite.New(testsite.Options{RecordTime: true})
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: fanout\nCrawl-delay: 0.5\n")
	})
	mux.Handle("/", site)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var list strings.Builder
	for i := range 4 {
		fmt.Fprintf(&list, "%s/page/%d\n", srv.URL, i)
	}
	code, _, errOut := run(t, list.String(), "scrape", "-q", "--robots", "obey")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := site.Requests(); n != 4 {
		t.Fatalf("%d page requests, want 4", n)
	}
	// One start every 0.5 s. Without the delay all four arrive within a
	// few milliseconds; with it, never two within 100 ms, and the first
	// and the last are at least 1.2 s apart (three delays, 1.5 s, less
	// 0.3 s that a loaded machine may hold back one request's arrival: a
	// delay of half the asked one would give 0.75 s). Only lateness can
	// move an arrival, so a loaded machine fails neither check unless it
	// holds one request back 0.3 s longer than the next.
	if most := site.MostInWindow(100 * time.Millisecond); most > 1 {
		t.Errorf("%d page requests within 100 ms under Crawl-delay: 0.5", most)
	}
	arrivals := site.Arrivals()
	slices.SortFunc(arrivals, time.Time.Compare)
	if span := arrivals[len(arrivals)-1].Sub(arrivals[0]); span < 1200*time.Millisecond {
		t.Errorf("4 page requests within %v under Crawl-delay: 0.5, want at least 1.2s from first to last", span)
	}
}

// TestCrawlDelayHostLeavesTheWindow runs the list the issue names: thousands
// of URLs on a host whose robots.txt asks for a Crawl-delay of 5 s, then a
// few on another host. The other host's URLs are all fetched within the
// deadline (they were all canceled when the slow host filled the window),
// and a line on stderr names the slow host and its delay.
func TestCrawlDelayHostLeavesTheWindow(t *testing.T) {
	slow := http.NewServeMux()
	slow.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nCrawl-delay: 5\n")
	})
	slow.Handle("/", testsite.New(testsite.Options{}))
	slowSrv := httptest.NewServer(slow)
	t.Cleanup(slowSrv.Close)
	other := testsite.New(testsite.Options{})
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)
	var list strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&list, "%s/page/%d\n", slowSrv.URL, i)
	}
	for i := range 10 {
		fmt.Fprintf(&list, "%s/page/%d\n", otherSrv.URL, i)
	}
	code, out, errOut := run(t, list.String(), "scrape", "--robots", "obey", "--deadline", "3s")
	if code != 1 {
		t.Errorf("exit %d at the deadline, want 1", code)
	}
	ok := 0
	for _, rec := range parseLines(t, out) {
		if strings.HasPrefix(rec.URL, otherSrv.URL) && rec.Status == 200 {
			ok++
		}
	}
	if ok != 10 {
		t.Errorf("%d of the other host's 10 URLs fetched behind a slow host: %s", ok, errOut)
	}
	host := strings.TrimPrefix(slowSrv.URL, "http://")
	if want := host + " asks for one request every 5s (robots.txt Crawl-delay)"; !strings.Contains(errOut, want) {
		t.Errorf("stderr does not say %q:\n%s", want, errOut)
	}
}

// TestScrapeRobotsFieldCapped checks that the robots field, joined from
// several <meta name=robots> and X-Robots-Tag headers, is at most 1,024
// characters, as every page value is.
func TestScrapeRobotsFieldCapped(t *testing.T) {
	long := strings.Repeat("noindex ", 120) // 960 characters a value
	tests := []struct{ name, meta, header string }{
		{"several metas", strings.Repeat(`<meta name="robots" content="`+long+`">`, 3), ""},
		{"meta and header", `<meta name="robots" content="` + long + `">`, long},
		{"headers", "", long + "," + long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Add("X-Robots-Tag", tt.header)
					w.Header().Add("X-Robots-Tag", "nofollow")
				}
				fmt.Fprintf(w, "<html><head><title>t</title>%s</head><body></body></html>", tt.meta)
			}))
			defer srv.Close()
			code, out, errOut := run(t, srv.URL+"/\n", "scrape", "-q", "--fields", "url,robots")
			var rec seoRecord
			if err := json.Unmarshal([]byte(out), &rec); code != 0 || err != nil {
				t.Fatalf("exit %d, %v: %s %s", code, err, out, errOut)
			}
			if n := len([]rune(rec.Robots)); n > 1024 || n < 900 {
				t.Errorf("robots has %d characters, want at most 1,024 (and most of them)", n)
			}
		})
	}
}
