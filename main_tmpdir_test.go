package main

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestOneHostWithFullTmpdir runs a list of one host, longer than that
// host's share of the window, with TMPDIR on a full 16 KiB filesystem: the
// targets beyond the share cannot wait in the temporary file, so they wait
// in the window instead (the run is less fair between hosts, and nothing
// else changes). Every URL gets one record and is fetched once, exit 0.
// (It failed with "reading a spilled target: … no space left on device"
// after a handful of URLs.)
func TestOneHostWithFullTmpdir(t *testing.T) {
	if err := exec.Command("unshare", "-rm", "true").Run(); err != nil {
		t.Skipf("no mount namespace here (unshare -rm: %v)", err)
	}
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	defer srv.Close()
	const n = 3000
	list := writeList(t, srv.URL, n)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	script := `mount -t tmpfs -o size=16k tmpfs "$1" || exit 99; TMPDIR=$1; export TMPDIR; shift; exec "$@"`
	c := exec.Command("unshare", "-rm", "sh", "-c", script, "sh", t.TempDir(), os.Args[0],
		"scrape", "-q", "-o", out, list)
	c.Env = append(c.Environ(), "FANOUT_RUN_MAIN=1")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if code := exitCode(c.Run()); code != 0 {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	seen := map[string]int{}
	for _, r := range readRecords(t, out) {
		seen[r.URL]++
		if r.Status != 200 {
			t.Errorf("%s: status %d, %s", r.URL, r.Status, r.ErrorKind)
		}
	}
	for i := range n {
		p := fmt.Sprintf("/page/%d", i)
		if got, hits := seen[srv.URL+p], site.Hits(p); got != 1 || hits != 1 {
			t.Fatalf("%s: %d records, fetched %d times", p, got, hits)
		}
	}
}
