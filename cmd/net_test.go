package cmd

import (
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/internal/dnstest"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/limiter"
)

// TestNamesResolvedOncePerName checks a list of 10,000 URLs on 100 names:
// each name is looked up once (one A and one AAAA question). (With a server
// that closes every connection, so one lookup per connection would show:
// fetcher's TestOneLookupPerName, smaller, as 10,000 connections take a
// minute under the race detector.)
func TestNamesResolvedOncePerName(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream") // nothing to parse: the test is about DNS
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))

	const names, urls = 100, 10_000
	var list strings.Builder
	for i := range urls {
		fmt.Fprintf(&list, "http://name%d.test:%s/page/%d\n", i%names, port, i)
	}
	code, out, errOut := runDNS(t, dns, list.String(), "scrape", "-q", "-c", "64", "--per-host", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := parseLines(t, out)
	ok := 0
	for _, r := range recs {
		if r.Status == 200 {
			ok++
		}
	}
	if len(recs) != urls || ok != urls {
		t.Fatalf("%d records, %d with status 200; want %d and %d", len(recs), ok, urls, urls)
	}
	for i := range names {
		name := fmt.Sprintf("name%d.test.", i)
		if a, aaaa := dns.Asked(name, "A"), dns.Asked(name, "AAAA"); a != 1 || aaaa != 1 {
			t.Errorf("%s: %d A and %d AAAA questions, want 1 and 1", name, a, aaaa)
		}
	}
}

// TestBareNames checks bare names as a user lists them: https first, http
// when https cannot connect, and each DNS failure named.
func TestBareNames(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))
	list := "site.test:" + port + "/page/3\nnx.test\nservfail.test\n"
	code, out, errOut := runDNS(t, dns, list, "scrape", "-q", "--report", "gather", "-f", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	tests := []struct {
		url, kind, has string
		status         int
	}{
		{url: "site.test:" + port + "/page/3", status: 200, has: ""},
		{url: "nx.test", kind: "dns", has: "NXDOMAIN"},
		{url: "servfail.test", kind: "dns", has: "SERVFAIL"},
	}
	for _, tt := range tests {
		if !strings.Contains(out, fmt.Sprintf("%q", tt.url)) {
			t.Errorf("no record for %s", tt.url)
		}
	}
	for _, line := range []string{`"final_url":"http://site.test:` + port + `/page/3"`, `"error_kind":"dns"`, "NXDOMAIN", "SERVFAIL"} {
		if !strings.Contains(out, line) {
			t.Errorf("output does not have %s: %s", line, out)
		}
	}
	if errOut != "" {
		t.Errorf("stderr with -q: %q", errOut)
	}
}

// TestHeaderFlag checks that a bad -H is a usage error before any request,
// and that a good one reaches the server.
func TestHeaderFlag(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name     string
		header   string
		wantCode int
		errHas   string
	}{
		{name: "space in the name", header: "X Bad: 1", wantCode: exit.Usage, errHas: "not a valid header name"},
		{name: "no colon", header: "Accept", wantCode: exit.Usage, errHas: "not a header line"},
		{name: "control character in the value", header: "X-Token: a\x01b", wantCode: exit.Usage, errHas: "control character"},
		{name: "escape in the value", header: "X-Token: a\x1b[31m", wantCode: exit.Usage, errHas: "control character"},
		{name: "line break in the value", header: "X-Token: a\r\nEvil: 1", wantCode: exit.Usage, errHas: "control character"},
		{name: "a good header", header: "X-Token: secret", wantCode: 0},
		{name: "a tab is allowed", header: "X-Token: a\tb", wantCode: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, srv.URL+testsite.PathHeader+"X-Token\n", "scrape", "-q", "-H", tt.header)
			if code != tt.wantCode || !strings.Contains(errOut, tt.errHas) {
				t.Fatalf("exit %d, stderr %q; want %d saying %q", code, errOut, tt.wantCode, tt.errHas)
			}
			if tt.wantCode == exit.Usage && out != "" {
				t.Errorf("a usage error wrote results: %q", out)
			}
		})
	}
}

// TestUserAcceptEncoding checks that -H Accept-Encoding keeps titles of
// gzip bodies, and says so when it asks for an encoding fanout cannot read.
func TestUserAcceptEncoding(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			fmt.Fprint(w, "<title>Plain</title>")
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprint(zw, "<title>Zipped</title>")
		zw.Close()
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name, header, wantTitle, wantNote string
	}{
		{name: "gzip is decoded", header: "Accept-Encoding: gzip", wantTitle: "Zipped"},
		{name: "br is named", header: "Accept-Encoding: br, gzip;q=0.5", wantTitle: "Zipped", wantNote: "asks for br, which fanout does not decode"},
		{name: "identity", header: "Accept-Encoding: identity", wantTitle: "Plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, srv.URL+"/\n", "scrape", "-H", tt.header)
			recs := parseLines(t, out)
			if code != 0 || len(recs) != 1 || recs[0].Title != tt.wantTitle {
				t.Fatalf("exit %d, records %+v; want title %q (%s)", code, recs, tt.wantTitle, errOut)
			}
			if tt.wantNote != "" && !strings.Contains(errOut, tt.wantNote) || tt.wantNote == "" && strings.Contains(errOut, "note:") {
				t.Errorf("stderr %q, want a note saying %q", errOut, tt.wantNote)
			}
		})
	}
}

// TestResolverFlag checks --resolver values.
func TestResolverFlag(t *testing.T) {
	tests := []struct {
		value    string
		wantCode int
	}{
		{value: "127.0.0.1:5353", wantCode: 0},
		{value: "::1", wantCode: 0},
		{value: "dns.example", wantCode: exit.Usage},
		{value: "127.0.0.1:99999", wantCode: exit.Usage},
	}
	for _, tt := range tests {
		code, _, errOut := run(t, "", "scrape", "-q", "--resolver", tt.value)
		if code != tt.wantCode {
			t.Errorf("--resolver %q: exit %d (%s), want %d", tt.value, code, errOut, tt.wantCode)
		}
	}
}

// The limiter is the gate the fetcher asks for a global pause after a
// local resource failure.
var _ fetcher.GlobalPauser = (*limiter.Limits)(nil)
