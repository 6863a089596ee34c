package cmd

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fanout-dev/fanout/internal/buildinfo"
	"github.com/fanout-dev/fanout/internal/dnstest"
	"github.com/fanout-dev/fanout/internal/exit"
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
	if code != exit.OK || out != site+"/page\n" {
		t.Fatalf("sitemap: exit %d, out %q, stderr %s", code, out, errOut)
	}
	if code, _, errOut := runDNS(t, dns, out, "scrape", "-q"); code != exit.OK {
		t.Fatalf("scrape: exit %d: %s", code, errOut)
	}
	want := buildinfo.Read().UserAgent()
	mu.Lock()
	if agents["/sitemap.xml"] != want || agents["/page"] != want {
		t.Errorf("User-Agent: sitemap sent %q, scrape %q; want the build's, %q", agents["/sitemap.xml"], agents["/page"], want)
	}
	mu.Unlock()
	_, help, _ := run(t, "", "sitemap", "--help")
	help = strings.Join(strings.Fields(help), " ") // help is wrapped
	if !strings.Contains(help, "(default "+want+")") {
		t.Errorf("sitemap --help does not give the build's User-Agent %q as the default:\n%s", want, help)
	}
}

// TestFilesFanoutReadsSendTheHeaders checks that the files fanout reads
// itself (a sitemap, robots.txt for --robots and --from-robots) are
// requested as pages are, -H 'Host: …' included (issue 18 point 3: they
// went through a second copy of the request path that dropped it).
func TestFilesFanoutReadsSendTheHeaders(t *testing.T) {
	var mu sync.Mutex
	hosts := map[string]string{} // path → Host
	var base string              // the server's URL: links name it, not the Host asked for
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts[r.URL.Path] = r.Host
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "User-agent: *\nAllow: /\nSitemap: %s/sitemap.xml\n", base)
		case "/sitemap.xml":
			fmt.Fprintf(w, "<urlset><url><loc>%s/page</loc></url></urlset>", base)
		default:
			fmt.Fprint(w, "<title>page</title>")
		}
	}))
	defer srv.Close()
	base = srv.URL
	const host = "site.test"
	tests := []struct {
		name  string
		args  []string
		paths []string
	}{
		{"sitemap", []string{"sitemap", "-H", "Host: " + host, srv.URL + "/sitemap.xml"}, []string{"/sitemap.xml"}},
		{"sitemap --from-robots", []string{"sitemap", "-H", "Host: " + host, "--from-robots", srv.URL}, []string{"/robots.txt", "/sitemap.xml"}},
		{"scrape --robots obey", []string{"scrape", "-q", "-H", "Host: " + host, "--robots", "obey", srv.URL + "/page"},
			[]string{"/robots.txt", "/page"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			clear(hosts)
			mu.Unlock()
			if code, _, errOut := run(t, "", tt.args...); code != exit.OK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range tt.paths {
				if hosts[p] != host {
					t.Errorf("%s was asked for with Host %q, want -H's %q", p, hosts[p], host)
				}
			}
		})
	}
}
