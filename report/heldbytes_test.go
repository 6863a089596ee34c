package report

import (
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// TestGatherHoldsBoundedBytes sends one slow result last, behind 600
// results with 64 KiB of -e values each: what waits for its turn is
// spilled by bytes, not only by count, so the live heap stays near the
// bound (4 MiB here) rather than holding all 38 MiB of them.
func TestGatherHoldsBoundedBytes(t *testing.T) {
	const n, bound = 600, 4 << 20
	value := strings.Repeat("v", 64<<10)
	enc, _ := NewEncoder("jsonl", true)
	w := &Writer{Out: io.Discard, Encoder: enc, Gather: true, heldBytes: bound}
	results := make(chan record.Result)
	var peak uint64
	go func() {
		defer close(results)
		for i := 1; i <= n; i++ {
			r := seqResult(i)
			r.Extract = map[string][]string{"x": {string(append([]byte(nil), value...))}} // a string of its own each
			results <- r
			if i%50 == 0 {
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
		results <- seqResult(0) // the slow URL
	}()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sum, err := w.Consume(results, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer sum.Close()
	if sum.Total != n+1 {
		t.Fatalf("total %d", sum.Total)
	}
	if grew := int64(peak) - int64(before.HeapAlloc); grew > 3*bound {
		t.Errorf("the heap grew by %d MiB behind one slow result, bound %d MiB", grew>>20, bound>>20)
	}
}

// TestResultBytesCountsValues checks that the estimate is at least what a
// result's record takes, on results large in each of their parts.
func TestResultBytesCountsValues(t *testing.T) {
	big := strings.Repeat("x", 10_000)
	tests := []record.Result{
		{URL: big},
		{Title: big, Page: record.Page{Description: big, OG: map[string]string{"title": big}}},
		{Extract: map[string][]string{"a": {big, big}, "b": {big}}},
		{Headers: map[string]string{"server": big}},
		{TLS: &record.TLS{DNSNames: []string{big, big}}},
		{Outlinks: []string{big, big, big}},
	}
	for i, r := range tests {
		b, _ := json.Marshal(&r)
		want := len(b)
		if i == len(tests)-1 {
			want = 3 * len(big) // links are not in the record
		}
		if got := resultBytes(&r); got < want {
			t.Errorf("%d: resultBytes %d, want at least %d", i, got, want)
		}
	}
}
