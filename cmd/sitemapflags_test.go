package cmd

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fanout-dev/fanout/internal/dnstest"
)

// TestSitemapFetchesAsScrapeDoes checks, from a server that records what
// it is sent, that sitemap's requests are made as scrape's are: the same
// default User-Agent, the build's (issue 18 point 4), and the same fetch
// flags through the one engine, --resolver included (point 6).
func TestSitemapFetchesAsScrapeDoes(t *testing.T) {
	var mu sync.Mutex
	agents := map[string]string{} // path → User-Agent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.URL.Path] = r.UserAgent()
		mu.Unlock()
		if r.URL.Path == "/sitemap.xml" {
			fmt.Fprintf(w, "<urlset><url><loc>http://%s/page</loc></url></urlset>", r.Host)
			return
		}
		fmt.Fprint(w, "<title>page</title>")
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))
	site := "http://maps.test:" + port

	code, out, errOut := runDNS(t, dns, "", "sitemap", site+"/sitemap.xml")
	if code != ExitOK || out != site+"/page\n" {
		t.Fatalf("sitemap: exit %d, out %q, stderr %s", code, out, errOut)
	}
	if code, _, errOut := runDNS(t, dns, out, "scrape", "-q"); code != ExitOK {
		t.Fatalf("scrape: exit %d: %s", code, errOut)
	}
	want := userAgent(readVersion())
	mu.Lock()
	if agents["/sitemap.xml"] != want || agents["/page"] != want {
		t.Errorf("User-Agent: sitemap sent %q, scrape %q; want the build's, %q", agents["/sitemap.xml"], agents["/page"], want)
	}
	mu.Unlock()
	_, help, _ := run(t, "", "sitemap", "--help")
	if !strings.Contains(help, "(default "+want+")") {
		t.Errorf("sitemap --help does not give the build's User-Agent %q as the default:\n%s", want, help)
	}
}
