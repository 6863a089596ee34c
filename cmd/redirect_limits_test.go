package cmd

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// serveOn starts handler on a loopback address of its own: 127.0.0.2 is
// another host than 127.0.0.1 to fanout.
func serveOn(t *testing.T, ip string, handler http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestRedirectHopsKeepPerHost sends 200 URLs on 50 hosts that all redirect
// to one other host: that host, counting its own requests in flight, must
// never see more than --per-host at once.
func TestRedirectHopsKeepPerHost(t *testing.T) {
	target := testsite.New(testsite.Options{Latency: 20 * time.Millisecond})
	dest := serveOn(t, "127.0.0.2", target)
	var list strings.Builder
	for h := 0; h < 50; h++ {
		origin := serveOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, dest.URL+"/page/"+strings.TrimPrefix(r.URL.Path, "/"), http.StatusFound)
		}))
		for i := 0; i < 4; i++ {
			fmt.Fprintf(&list, "%s/%d\n", origin.URL, h*4+i)
		}
	}
	code, out, errOut := run(t, list.String(), "scrape", "-c", "50", "--per-host", "8")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := parseLines(t, out)
	if len(recs) != 200 {
		t.Fatalf("%d records", len(recs))
	}
	for _, r := range recs {
		if r.Status != 200 || !strings.HasPrefix(r.FinalURL, dest.URL) {
			t.Fatalf("%s: status %d, final %s, %s", r.URL, r.Status, r.FinalURL, r.Error)
		}
	}
	if got := target.MaxInFlight(); got > 8 {
		t.Errorf("the redirect target saw %d requests at once at --per-host 8", got)
	}
}

// TestRedirectHopsKeepRate checks that every hop of a redirect chain takes
// a token of --rate: the server sees no more than rate + burst requests
// within any second.
func TestRedirectHopsKeepRate(t *testing.T) {
	site := testsite.New(testsite.Options{RecordTime: true})
	srv := httptest.NewServer(site)
	defer srv.Close()
	var list strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&list, "%s%s2?n=%d\n", srv.URL, testsite.PathRedirectChain, i)
	}
	code, _, errOut := run(t, list.String(), "scrape", "-r", "10", "-c", "10", "--per-host", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := len(site.Arrivals()); n != 20 {
		t.Fatalf("%d requests, want 20 (5 URLs, 3 redirects each)", n)
	}
	if most := site.MostInWindow(time.Second); most > 11 {
		t.Errorf("%d requests within one second at -r 10", most)
	}
}
