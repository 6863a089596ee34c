package cmd

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// gate counts the requests in flight across several servers, in all and
// per host, as the servers see them. Until want are in flight at once,
// each request waits for that to happen before it is served, so a run that
// can reach want does, however slow the machine. A run that cannot shows
// its true peak wait (ten seconds) late: then the gate opens for good.
type gate struct {
	want int64
	wait time.Duration // how long a request waits for want at most
	full chan struct{}
	once sync.Once

	mu       sync.Mutex
	in, peak int64
	hostIn   map[string]int64
	hostPeak map[string]int64
}

func newGate(want int64) *gate {
	return &gate{want: want, wait: 10 * time.Second, full: make(chan struct{}), hostIn: map[string]int64{}, hostPeak: map[string]int64{}}
}

func (g *gate) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.in++
		g.hostIn[r.Host]++
		g.peak = max(g.peak, g.in)
		g.hostPeak[r.Host] = max(g.hostPeak[r.Host], g.hostIn[r.Host])
		if g.in >= g.want {
			g.once.Do(func() { close(g.full) })
		}
		g.mu.Unlock()
		defer func() {
			g.mu.Lock()
			g.in--
			g.hostIn[r.Host]--
			g.mu.Unlock()
		}()
		select {
		case <-g.full:
		case <-r.Context().Done():
		case <-time.After(g.wait):
			g.once.Do(func() { close(g.full) })
		}
		h.ServeHTTP(w, r)
	})
}

// TestPerHostWithoutHeadOfLineBlocking runs a list sorted by host, four
// hosts one after another, at --per-host 2 -c 8: every host must stay within
// 2, and the hosts together must reach 8 at once, which they cannot if a
// worker waits for a busy host while another host's URL is ready.
func TestPerHostWithoutHeadOfLineBlocking(t *testing.T) {
	g := newGate(8)
	var list strings.Builder
	for h := 0; h < 4; h++ {
		srv := httptest.NewServer(g.wrap(testsite.New(testsite.Options{})))
		defer srv.Close()
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&list, "%s/page/%d\n", srv.URL, i)
		}
	}
	code, out, errOut := run(t, list.String(), "scrape", "--per-host", "2", "-c", "8")
	if code != 0 || len(parseLines(t, out)) != 80 {
		t.Fatalf("exit %d, %d records: %s", code, len(parseLines(t, out)), errOut)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for host, peak := range g.hostPeak {
		if peak > 2 {
			t.Errorf("host %s saw %d requests at once with --per-host 2", host, peak)
		}
	}
	if g.peak != 8 {
		t.Errorf("the four hosts together peaked at %d requests in flight, want 8", g.peak)
	}
}

// TestHostRate checks --host-rate per host, as each server counts arrivals:
// no one-second window of a host sees more than rate+burst starts, while the
// other host runs at its own rate.
func TestHostRate(t *testing.T) {
	var sites []*testsite.Site
	var list strings.Builder
	for h := 0; h < 2; h++ {
		site := testsite.New(testsite.Options{RecordTime: true})
		srv := httptest.NewServer(site)
		defer srv.Close()
		sites = append(sites, site)
		for i := 0; i < 12; i++ {
			fmt.Fprintf(&list, "%s/page/%d\n", srv.URL, i)
		}
	}
	code, _, errOut := run(t, list.String(), "scrape", "--host-rate", "8", "-c", "20", "--per-host", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for h, s := range sites {
		if most := s.MostInWindow(time.Second); most > 9+arrivalSlack {
			t.Errorf("host %d: %d starts within one second at --host-rate 8", h, most)
		}
	}
}

func TestRetries(t *testing.T) {
	site := testsite.New(testsite.Options{RecordTime: true})
	srv := httptest.NewServer(site)
	defer srv.Close()
	tests := []struct {
		name         string
		path         string
		args         []string
		wantStatus   int
		wantAttempts int
		wantKind     string
		minGap       time.Duration // between the first two arrivals
	}{
		{name: "503 then success", path: testsite.PathFlaky + "2?code=503", args: []string{"--retries", "3"}, wantStatus: 200, wantAttempts: 3},
		{name: "502 and 504 retried", path: testsite.PathFlaky + "1?code=502", args: []string{"--retries", "1"}, wantStatus: 200, wantAttempts: 2},
		{name: "429 with Retry-After seconds", path: testsite.PathFlaky + "1?code=429&retry-after=1", args: []string{"--retries", "1"}, wantStatus: 200, wantAttempts: 2, minGap: time.Second},
		{name: "Retry-After capped", path: testsite.PathFlaky + "1?code=503&retry-after=3600", args: []string{"--retries", "1", "--max-retry-wait", "200ms"}, wantStatus: 200, wantAttempts: 2, minGap: 200 * time.Millisecond},
		{name: "final 503 is data", path: testsite.PathStatus + "503", args: []string{"--retries", "2"}, wantStatus: 503, wantAttempts: 3},
		{name: "404 not retried", path: testsite.PathStatus + "404", args: []string{"--retries", "3"}, wantStatus: 404, wantAttempts: 1},
		{name: "500 not retried", path: testsite.PathStatus + "500", args: []string{"--retries", "3"}, wantStatus: 500, wantAttempts: 1},
		{name: "timeout retried", path: testsite.PathNever + "?retry", args: []string{"--retries", "1", "-t", "300ms"}, wantKind: "timeout", wantAttempts: 2},
		{name: "retry abandoned at the deadline", path: testsite.PathStatus + "503?retry-after=5", args: []string{"--retries", "3", "--deadline", "1s"}, wantStatus: 503, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(site.Arrivals())
			args := append([]string{"scrape"}, tt.args...)
			code, out, errOut := run(t, srv.URL+tt.path+"\n", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			recs := parseLines(t, out)
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			r := recs[0]
			if r.Status != tt.wantStatus || r.Attempts != tt.wantAttempts || r.ErrorKind != tt.wantKind {
				t.Fatalf("status %d attempts %d kind %q (%s), want %d %d %q", r.Status, r.Attempts, r.ErrorKind, r.Error, tt.wantStatus, tt.wantAttempts, tt.wantKind)
			}
			arrivals := site.Arrivals()[before:]
			if len(arrivals) != tt.wantAttempts {
				t.Errorf("server saw %d requests for %d attempts", len(arrivals), tt.wantAttempts)
			}
			if tt.minGap > 0 && len(arrivals) > 1 && arrivals[1].Sub(arrivals[0]) < tt.minGap {
				t.Errorf("retried after %v, want at least %v", arrivals[1].Sub(arrivals[0]), tt.minGap)
			}
		})
	}
}

// TestRetryAfterPausesTheHost checks that while a host asks us to wait, its
// other URLs wait too.
func TestRetryAfterPausesTheHost(t *testing.T) {
	site := testsite.New(testsite.Options{RecordTime: true})
	srv := httptest.NewServer(site)
	defer srv.Close()
	list := srv.URL + testsite.PathFlaky + "1?code=429&retry-after=1\n"
	for i := 0; i < 3; i++ {
		list += fmt.Sprintf("%s/page/%d\n", srv.URL, i)
	}
	code, _, errOut := run(t, list, "scrape", "-c", "1", "--retries", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	arrivals := site.Arrivals()
	if len(arrivals) != 5 {
		t.Fatalf("%d arrivals", len(arrivals))
	}
	if gap := arrivals[1].Sub(arrivals[0]); gap < time.Second {
		t.Errorf("the host's next request came %v after its 429 with Retry-After: 1", gap)
	}
}

// TestRetriesCountAgainstRate checks that the host sees every attempt within
// --rate, give or take arrivalSlack requests whose delivery a loaded machine delayed
// into the next window (as TestScrapeRate allows: here the first attempts
// and the first retries each open a connection, and the rest reuse one, so
// delivery times differ by a connection's setup). The limiter's exact bound
// is tested on a fake clock in limiter/.
func TestRetriesCountAgainstRate(t *testing.T) {
	site := testsite.New(testsite.Options{RecordTime: true})
	srv := httptest.NewServer(site)
	defer srv.Close()
	var list strings.Builder
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&list, "%s%s2?code=503&n=%d\n", srv.URL, testsite.PathFlaky, i)
	}
	code, _, errOut := run(t, list.String(), "scrape", "-r", "10", "-c", "8", "--per-host", "0", "--retries", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := len(site.Arrivals()); n != 24 {
		t.Fatalf("%d arrivals, want 24 (8 URLs × 3 attempts)", n)
	}
	if most := site.MostInWindow(time.Second); most > 11+arrivalSlack {
		t.Errorf("%d attempts within one second at -r 10", most)
	}
}

func TestRequestHeaders(t *testing.T) {
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	defer srv.Close()
	tlsSrv := httptest.NewTLSServer(site)
	defer tlsSrv.Close()
	tests := []struct {
		name      string
		url       string
		args      []string
		wantTitle string
		wantKind  string
	}{
		{"default user agent", srv.URL + testsite.PathHeader + "User-Agent", nil, "fanout/", ""},
		{"-A", srv.URL + testsite.PathHeader + "User-Agent", []string{"-A", "my-bot/2.0"}, "my-bot/2.0", ""},
		{"-H repeatable", srv.URL + testsite.PathHeader + "X-Team", []string{"-H", "X-Team: blue", "-H", "x-team:green"}, "blue | green", ""},
		{"untrusted certificate", tlsSrv.URL + testsite.PathHeader + "Accept", nil, "", "tls"},
		{"--insecure", tlsSrv.URL + "/page/3", []string{"--insecure"}, "Page 3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.url+"\n", append([]string{"scrape", "--retries", "0"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			r := parseLines(t, out)[0]
			if !strings.HasPrefix(r.Title, tt.wantTitle) || r.ErrorKind != tt.wantKind {
				t.Errorf("title %q kind %q (%s), want %q %q", r.Title, r.ErrorKind, r.Error, tt.wantTitle, tt.wantKind)
			}
		})
	}
}

// TestBareHostFallsBackToHTTP checks that a line without a scheme is tried
// as https, then as http when https cannot connect.
func TestBareHostFallsBackToHTTP(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	bare := strings.TrimPrefix(srv.URL, "http://") + "/page/5"
	code, out, errOut := run(t, bare+"\n", "scrape")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	r := parseLines(t, out)[0]
	if r.URL != bare || r.FinalURL != srv.URL+"/page/5" || r.Status != 200 || r.Title != "Page 5" {
		t.Errorf("record %+v", r)
	}
}

// TestWaitingRetriesHoldNoSlot checks that URLs waiting to retry hold no
// slot: with -c 2 and two URLs of a host that asks to wait a second, another
// host's URLs are all fetched in the meantime.
func TestWaitingRetriesHoldNoSlot(t *testing.T) {
	slow := httptest.NewServer(testsite.New(testsite.Options{}))
	defer slow.Close()
	fast := httptest.NewServer(testsite.New(testsite.Options{}))
	defer fast.Close()
	list := fmt.Sprintf("%s%s1?code=503&retry-after=1&a\n%s%s1?code=503&retry-after=1&b\n", slow.URL, testsite.PathFlaky, slow.URL, testsite.PathFlaky)
	for i := 0; i < 10; i++ {
		list += fmt.Sprintf("%s/page/%d\n", fast.URL, i)
	}
	code, out, errOut := run(t, list, "scrape", "-c", "2", "--retries", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := parseLines(t, out)
	if len(recs) != 12 {
		t.Fatalf("%d records", len(recs))
	}
	for i, r := range recs[:10] {
		if !strings.HasPrefix(r.URL, fast.URL) {
			t.Fatalf("record %d is %s (attempts %d): the fast host waited for the retries", i, r.URL, r.Attempts)
		}
	}
	for _, r := range recs[10:] {
		if r.Status != 200 || r.Attempts != 2 {
			t.Errorf("%s: status %d after %d attempts", r.URL, r.Status, r.Attempts)
		}
	}
}
