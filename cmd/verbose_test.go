package cmd

import (
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/progress"
	"github.com/fanout-dev/fanout/record"
)

// verboseSite serves /r (a redirect to /ok), /ok, and /flaky, which
// answers 503 with Retry-After to every other request (the first of each
// pair), then 200.
func verboseSite(t *testing.T) *httptest.Server {
	t.Helper()
	var flaky atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/r", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<title>ok</title>")) })
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if flaky.Add(1)%2 == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("<title>flaky</title>"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestScrapeVerbose runs scrape -v against a redirect, a 503 then 200, a
// refused port and a URL with a password: one stderr line per attempt
// with its facts (the retry's reason and its wait, which --max-retry-wait
// caps from the Retry-After of 1s), the password redacted, and stdout the
// same records as without -v.
func TestScrapeVerbose(t *testing.T) {
	srv := verboseSite(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	closed := closedAddr(t)
	list := srv.URL + "/r\n" + srv.URL + "/flaky\nhttp://" + closed + "/\nhttp://user:hunter2@" + host + "/ok\n"
	args := []string{"scrape", "-q", "--progress", "never", "--retries", "1", "--max-retry-wait", "20ms"}

	code, out, errOut := run(t, list, append(args, "-v")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	took := ` took=[0-9.]+(µs|ms|s)`
	want := []string{
		`^fanout: GET http://` + closed + `/ addr=` + closed + ` error=connect` + took + `$`,
		`^fanout: GET ` + srv.URL + `/flaky addr=` + host + ` proto=HTTP/1.1 status=200` + took + `$`,
		`^fanout: GET ` + srv.URL + `/flaky addr=` + host + ` proto=HTTP/1.1 status=503` + took + ` retry=1 wait=20ms reason="status 503"$`,
		`^fanout: GET ` + srv.URL + `/r addr=` + host + ` proto=HTTP/1.1 status=302→200` + took + `$`,
		`^fanout: GET http://user:xxxxx@` + host + `/ok addr=` + host + ` proto=HTTP/1.1 status=200` + took + `$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want one per attempt (%d):\n%s", len(lines), len(want), errOut)
	}
	for _, re := range want {
		i := slices.IndexFunc(lines, regexp.MustCompile(re).MatchString)
		if i < 0 {
			t.Errorf("no stderr line matches %s in:\n%s", re, strings.Join(lines, "\n"))
			continue
		}
		lines = slices.Delete(lines, i, i+1)
	}
	if strings.Contains(errOut, "hunter2") {
		t.Errorf("the password is on stderr:\n%s", errOut)
	}

	code, quiet, errQuiet := run(t, list, args...)
	if code != 0 || errQuiet != "" {
		t.Fatalf("without -v: exit %d, stderr %q", code, errQuiet)
	}
	if got, want := outcomes(parseLines(t, out)), outcomes(parseLines(t, quiet)); got != want {
		t.Errorf("stdout with -v:\n%s\nwithout:\n%s", got, want)
	}
}

// outcomes is what a run's records say, less their timings, in input
// order.
func outcomes(recs []userRecord) string {
	sort.Slice(recs, func(i, j int) bool { return recs[i].Line < recs[j].Line })
	var b strings.Builder
	for _, r := range recs {
		r.DurationMS = 0
		b.WriteString(strings.Join([]string{r.URL, r.FinalURL, r.Title, r.ErrorKind, http.StatusText(r.Status), string(rune('0' + r.Attempts))}, " ") + "\n")
	}
	return b.String()
}

// TestAttemptLine checks -v's line for attempts the test servers cannot
// easily make: a bare host's https falling back to http.
func TestAttemptLine(t *testing.T) {
	tests := []struct {
		a    fetcher.Attempt
		want string
	}{
		{fetcher.Attempt{Method: "GET", URL: "https://h.test/", Addr: "127.0.0.1:443", ErrorKind: "connect", Took: 1500 * time.Microsecond, Reason: "https could not connect, trying http"},
			`fanout: GET https://h.test/ addr=127.0.0.1:443 error=connect took=1.5ms wait=0s reason="https could not connect, trying http"`},
		{fetcher.Attempt{Method: "HEAD", URL: "http://h.test/", ErrorKind: "timeout", Took: 2 * time.Second, Retry: 2, Wait: 300 * time.Millisecond, Reason: "timeout"},
			`fanout: HEAD http://h.test/ error=timeout took=2s retry=2 wait=300ms reason="timeout"`},
	}
	for _, tt := range tests {
		if got := "fanout: " + tt.a.String(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

// TestScrapeVerboseHead: the line names the method sent.
func TestScrapeVerboseHead(t *testing.T) {
	srv := verboseSite(t)
	code, _, errOut := run(t, "", "scrape", "-q", "-v", "--progress", "never", "-X", "HEAD", "-u", srv.URL+"/ok")
	if code != 0 || !strings.HasPrefix(errOut, "fanout: HEAD "+srv.URL+"/ok ") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want one line for the HEAD", code, errOut)
	}
}

// TestVerboseClearsTheBar: with a bar on the terminal, each -v line is
// written after the bar is cleared, under the bar's lock, so that it
// starts a line of its own and no frame is drawn into it.
func TestVerboseClearsTheBar(t *testing.T) {
	var term strings.Builder
	bar := progress.Start(&term, progress.Options{Every: time.Hour, Width: 80, Total: 10})
	bar.Add(&record.Result{Status: 200}) // the first result draws the bar
	log := attemptLogger(true, &term, bar)
	log(fetcher.Attempt{Method: "GET", URL: "http://h.test/", Status: 200, Took: time.Millisecond})
	bar.Finish()
	got := term.String()
	frame, line, ok := strings.Cut(got, "\r\x1b[Kfanout: GET http://h.test/ status=200 took=1ms\n")
	if !ok || !strings.HasPrefix(frame, "\r  10% [") || !strings.Contains(frame, "1/10 URLs") || strings.Contains(line, "fanout:") {
		t.Errorf("terminal got %q; want the frame, then the bar cleared, then the line", got)
	}
}

// TestSitemapAndCrawlVerbose: sitemap -v and crawl -v write a line per
// attempt on stderr (sitemap files, robots.txt, pages), and stdout is
// what it is without -v.
func TestSitemapAndCrawlVerbose(t *testing.T) {
	base := sitemapSite(t)
	line := regexp.MustCompile(`^fanout: GET ` + regexp.QuoteMeta(base) + `/\S* addr=\S+ proto=HTTP/1.1 status=\d+ took=\S+$`)
	tests := []struct {
		name string
		args []string
		want string // a URL one of the lines must name
	}{
		{"sitemap", []string{"sitemap", base + testsite.PathSitemap}, base + testsite.PathSitemap + " "},
		{"crawl", []string{"crawl", "-q", "--progress", "never", "-f", "text", "--depth", "0", base + "/page/0"}, base + "/page/0 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, plain, _ := run(t, "", tt.args...)
			vcode, out, errOut := run(t, "", append(tt.args, "-v")...)
			if code != 0 || vcode != 0 {
				t.Fatalf("exit %d, with -v %d: %s", code, vcode, errOut)
			}
			var n int
			for _, l := range strings.Split(strings.TrimSuffix(errOut, "\n"), "\n") {
				if line.MatchString(l) {
					n++
				} else if strings.HasPrefix(l, "fanout: GET") {
					t.Errorf("line %q does not match %s", l, line)
				}
			}
			if n == 0 || !strings.Contains(errOut, "fanout: GET "+tt.want) {
				t.Errorf("stderr %q: want a line per attempt, one for %s", errOut, tt.want)
			}
			// Times differ from run to run, and so does their padding in
			// -f text's right-aligned column: both are masked.
			mask := regexp.MustCompile(` *\b\d+(\.\d+)?(µs|ms|s)\b`)
			if mask.ReplaceAllString(out, " T") != mask.ReplaceAllString(plain, " T") {
				t.Errorf("stdout with -v:\n%s\nwithout:\n%s", out, plain)
			}
		})
	}
}
