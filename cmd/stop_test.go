package cmd

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestDeadlineAccountsForEveryURL checks that at --deadline, in gather mode,
// every input URL is in the document, finished or canceled, and counted.
func TestDeadlineAccountsForEveryURL(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 300 * time.Millisecond})
	srv := httptest.NewServer(site)
	defer srv.Close()
	const n = 500
	var list strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&list, "%s/page/%d\n", srv.URL, i)
	}
	code, out, errOut := run(t, list.String(), "scrape", "--report", "gather", "--deadline", "1s",
		"-c", "10", "--per-host", "0", "--window", "50")
	if code != exit.Failure || !strings.Contains(errOut, "--deadline passed") {
		t.Fatalf("exit %d, stderr %q; want 1 and a word on the deadline", code, errOut)
	}
	var doc struct {
		Results []userRecord `json:"results"`
		Summary struct {
			Total, OK, Canceled int
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON document: %v", err)
	}
	if len(doc.Results) != n || doc.Summary.Total != n {
		t.Fatalf("%d results, total %d; want %d", len(doc.Results), doc.Summary.Total, n)
	}
	finished := 0
	for i, r := range doc.Results {
		if r.Line != i+1 {
			t.Fatalf("result %d is line %d", i, r.Line)
		}
		if r.ErrorKind == "" {
			finished++
		} else if r.ErrorKind != "canceled" {
			t.Errorf("line %d: %s %s", r.Line, r.ErrorKind, r.Error)
		}
	}
	if finished == 0 || finished != doc.Summary.OK || doc.Summary.Canceled != n-finished {
		t.Errorf("%d finished; summary ok %d canceled %d", finished, doc.Summary.OK, doc.Summary.Canceled)
	}
	if int(site.Requests()) > finished+10 {
		t.Errorf("%d requests made for %d finished URLs with -c 10", site.Requests(), finished)
	}
}

func TestFailFast(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 50 * time.Millisecond})
	srv := httptest.NewServer(site)
	defer srv.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + l.Addr().String() + "/"
	l.Close()
	var list strings.Builder
	for i := 0; i < 200; i++ {
		if i == 10 {
			list.WriteString(refused + "\n")
		}
		fmt.Fprintf(&list, "%s/page/%d\n", srv.URL, i)
	}
	code, out, errOut := run(t, list.String(), "scrape", "--fail-fast", "--retries", "0", "-c", "4", "--per-host", "0")
	if code != exit.Failure {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, refused) || !strings.Contains(errOut, "connect") {
		t.Errorf("stderr does not name the URL and its error: %q", errOut)
	}
	recs := parseLines(t, out)
	if len(recs) == 0 || site.Requests() >= 150 {
		t.Errorf("%d records, %d requests: the run went on after the failure", len(recs), site.Requests())
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.URL] = true
		if r.ErrorKind != "" && r.ErrorKind != "canceled" && r.URL != refused {
			t.Errorf("unexpected failure %+v", r)
		}
	}
	// Nothing started is lost: every URL the server saw has a record.
	for i := 0; i < 200; i++ {
		if site.Hits(fmt.Sprintf("/page/%d", i)) > 0 && !seen[fmt.Sprintf("%s/page/%d", srv.URL, i)] {
			t.Errorf("/page/%d was requested but has no record", i)
		}
	}
	if !seen[refused] {
		t.Errorf("the failed URL has no record")
	}
}
