package main

import (
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestInterruptedWarcEndsWithWholeRecords stops a --warc run with SIGINT
// mid-run and reads its file back with an independent reader (gowarc,
// strict): every record is whole, its digests right, and every response
// follows its request.
func TestInterruptedWarcEndsWithWholeRecords(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 100 * time.Millisecond})
	srv := httptest.NewServer(site)
	defer srv.Close()
	list := writeList(t, srv.URL, 300)
	path := filepath.Join(t.TempDir(), "run.warc.gz")
	c := fanout("scrape", "-q", "-c", "20", "--per-host", "0", "-o", "/dev/null", "--warc", path, list)
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "60 requests", func() bool { return site.Requests() >= 60 })
	c.Process.Signal(syscall.SIGINT)
	if code := exitCode(c.Wait()); code != 130 {
		t.Fatalf("exit %d, want 130; stderr %s", code, stderr.String())
	}
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	requests := map[string]bool{}
	responses := 0
	for i := 0; ; i++ {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		w := rec.WarcRecord
		if v, err := w.ValidateDigest(); err != nil || len(v) > 0 {
			t.Fatalf("record %d: digests: %v %v", i, err, v)
		}
		h := w.WarcHeader()
		switch w.Type() {
		case gowarc.Request:
			requests[h.Get(gowarc.WarcRecordID)] = true
		case gowarc.Response:
			if !requests[h.Get(gowarc.WarcConcurrentTo)] {
				t.Fatalf("record %d: a response without its request before it", i)
			}
			responses++
		}
		w.Close()
	}
	if responses == 0 || responses >= 300 {
		t.Errorf("%d responses recorded; want those before the signal (some, not all 300)", responses)
	}
}
