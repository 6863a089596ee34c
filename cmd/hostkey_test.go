package cmd

import (
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/dnstest"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestTwoSpellingsOneHost runs one internationalised host written two ways
// (Unicode and IDNA's ASCII form), found through --resolver on a loopback
// DNS server, at --per-host 1 -c 4: the server must never see two of its
// requests in flight at once, since both spellings are one host with one
// budget (issue 18 point 2). The server waits up to 3 seconds for a second
// request, so a run that would send one does.
func TestTwoSpellingsOneHost(t *testing.T) {
	g := newGate(2)
	g.wait = 3 * time.Second
	srv := httptest.NewServer(g.wrap(testsite.New(testsite.Options{})))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))
	var list strings.Builder
	for i := range 3 {
		fmt.Fprintf(&list, "http://bücher.test:%s/page/%d\nhttp://XN--BCHER-KVA.test:%s/page/%d\n", port, i, port, i+10)
	}
	code, out, errOut := runDNS(t, dns, list.String(), "scrape", "--per-host", "1", "-c", "4")
	if recs := parseLines(t, out); code != exit.OK || len(recs) != 6 {
		t.Fatalf("exit %d, %d records: %s", code, len(recs), errOut)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.peak != 1 {
		t.Errorf("the host saw %d requests at once with --per-host 1 (by Host header: %v)", g.peak, g.hostPeak)
	}
}
