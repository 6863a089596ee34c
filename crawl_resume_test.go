package main

import (
	"database/sql"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/fanout-dev/fanout/internal/crawlmodel"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// gate lets the first n fetches of the site graph through to the site and
// holds every later one until its client goes away, so that a test stops
// a crawl at a point the site chose: n pages served, the rest never
// answered. robots.txt and a redirect's second hop (/site/land/) always
// pass, so no redirect is left half followed.
type gate struct {
	site   http.Handler
	n      int64
	passed atomic.Int64
	held   atomic.Int64
	open   atomic.Bool

	mu     sync.Mutex
	served map[string]bool // the paths let through before the gate opened
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	free := g.open.Load() || r.URL.Path == "/robots.txt" || strings.HasPrefix(r.URL.Path, "/site/land/")
	if !free {
		if g.passed.Add(1) > g.n {
			g.held.Add(1)
			<-r.Context().Done() // the crawl was stopped: never answered
			return
		}
		g.mu.Lock()
		g.served[r.URL.Path] = true
		g.mu.Unlock()
	}
	g.site.ServeHTTP(w, r)
}

// servedPaths is how many paths were let through before the gate opened
// (a retried fetch passes twice).
func (g *gate) servedPaths() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.served)
}

// TestCrawlResume stops a crawl of the site graph (killed, or
// interrupted) once the site has served some of its pages, resumes it with
// --resume, and checks from the outside that every page in scope was
// fetched exactly once over both runs, as the site counts, and that the
// store holds a final result for exactly the URLs the model crawls.
func TestCrawlResume(t *testing.T) {
	const pages, stopAt = 150, 40
	noCalendar := func(u string) bool { return strings.HasPrefix(u, "/site/cal/") }
	want, sitePaths := crawlmodel.Model{Pages: pages, MaxDepth: 1000, Skip: noCalendar}.Crawl()
	ext := testsite.New(testsite.Options{})
	extSrv := httptest.NewServer(ext)
	defer extSrv.Close()
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		code int
	}{
		{"kill -9", syscall.SIGKILL, -1},
		{"SIGINT", syscall.SIGINT, 130},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := testsite.New(testsite.Options{GraphPages: pages, GraphExternal: extSrv.URL})
			g := &gate{site: site, n: stopAt, served: map[string]bool{}}
			srv := httptest.NewServer(g)
			defer srv.Close()
			dir := t.TempDir()
			db, out := filepath.Join(dir, "crawl.db"), filepath.Join(dir, "crawl.jsonl")
			args := []string{"crawl", srv.URL + "/site/p/0", "--depth", "1000", "--deny", "/cal/", "-c", "4", "--db", db, "-o", out}

			first := fanout(args...)
			var stderr strings.Builder
			first.Stderr = &stderr
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the site to hold a fetch", func() bool { return g.held.Load() > 0 })
			// Every page served has its result in the store, so the stop
			// cuts only fetches the site never answered.
			waitFor(t, "the served pages' rows", func() bool {
				return countRows(t, db, "WHERE error_kind IS NOT 'robots'") == g.servedPaths()
			})
			first.Process.Signal(tc.sig)
			if code := exitCode(first.Wait()); code != tc.code {
				t.Fatalf("first run exit %d, want %d: %s", code, tc.code, stderr.String())
			}
			g.open.Store(true)

			var second *exec.Cmd
			if tc.sig == syscall.SIGKILL {
				second = fanout(append(args, "--resume")...)
				second.Args = slices.Replace(second.Args, slices.Index(second.Args, "-o"), slices.Index(second.Args, "-o")+2)
				f, err := os.OpenFile(out, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				second.Stdout = f
			} else {
				second = resumeLine(t, stderr.String())
			}
			var stderr2 strings.Builder
			second.Stderr = &stderr2
			if code := exitCode(second.Run()); code != 0 {
				t.Fatalf("resumed run exit %d: %s", code, stderr2.String())
			}

			for _, p := range sitePaths {
				if n := site.Hits(p); n != 1 {
					t.Errorf("the site saw %s %d times over both runs, want once", p, n)
				}
			}
			if got, want := site.Requests(), int64(len(sitePaths)+2); got != want { // +2: robots.txt, once a run
				t.Errorf("the site saw %d requests, want %d (each page once, robots.txt twice)", got, want)
			}
			got := storedURLs(t, db, srv.URL)
			if extra, missing := setDiff(got, slices.Collect(maps.Keys(want))); len(extra)+len(missing) > 0 {
				t.Errorf("the store has final results for %d URLs, the model crawls %d: %q more, %q missing", len(got), len(want), extra, missing)
			}
			if n := ext.Requests(); n != 0 {
				t.Errorf("the other host saw %d requests, want none", n)
			}
			if tc.sig == syscall.SIGINT {
				checkFinalRecords(t, out, srv.URL, want)
			}
		})
	}
}

// resumeLine is the command the stopped run printed to resume it, run by
// a shell with fanout standing for this binary.
func resumeLine(t *testing.T, stderr string) *exec.Cmd {
	t.Helper()
	m := regexp.MustCompile(`(?m)^resume with: (fanout crawl .*)$`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no crawl resume line on stderr: %q", stderr)
	}
	c := exec.Command("sh", "-c", `fanout() { FANOUT_RUN_MAIN=1 "$FANOUT_BIN" "$@"; }; `+m[1])
	c.Env = append(os.Environ(), "FANOUT_BIN="+os.Args[0])
	return c
}

// storedURLs are the URLs with a final result in the store, as paths of
// base.
func storedURLs(t *testing.T, path, base string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT url FROM results WHERE error_kind IS NOT 'canceled' ORDER BY url`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var urls []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		urls = append(urls, strings.TrimPrefix(u, base))
	}
	slices.Sort(urls)
	return urls
}

// checkFinalRecords checks that the JSON lines of both runs hold one final
// record for each URL of the model, and nothing else but canceled ones.
func checkFinalRecords(t *testing.T, out, base string, want map[string]int) {
	t.Helper()
	final := map[string]int{}
	for _, r := range readRecords(t, out) {
		if r.ErrorKind != "canceled" {
			final[strings.TrimPrefix(r.URL, base)]++
		}
	}
	for u := range want {
		if final[u] != 1 {
			t.Errorf("%s: %d final records, want 1", u, final[u])
		}
	}
	for u := range final {
		if _, ok := want[u]; !ok {
			t.Errorf("%s: a record for a URL the model does not crawl", u)
		}
	}
	if len(final) == 0 {
		t.Fatal(fmt.Sprint("no records: ", out))
	}
}

// setDiff is what got has that want has not, and what it lacks.
func setDiff(got, want []string) (extra, missing []string) {
	for _, u := range got {
		if !slices.Contains(want, u) {
			extra = append(extra, u)
		}
	}
	for _, u := range want {
		if !slices.Contains(got, u) {
			missing = append(missing, u)
		}
	}
	return extra, missing
}
