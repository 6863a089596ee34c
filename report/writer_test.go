package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// TestGatherIsInInputOrder sends results in reverse, with room for only a
// few in memory: the document's results and its summary's errors both come
// out in input order.
func TestGatherIsInInputOrder(t *testing.T) {
	const n = 500
	for _, format := range []string{"jsonl", "text"} {
		t.Run(format, func(t *testing.T) {
			enc, err := NewEncoder(format, true)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			w := &Writer{Out: &out, Encoder: enc, Gather: true, heldInMemory: 8}
			results := make(chan record.Result, n)
			for i := n - 1; i >= 0; i-- {
				results <- seqResult(i)
			}
			close(results)
			sum, err := w.Consume(results, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			defer sum.Close()
			if sum.Total != n || sum.Failed != n/5 {
				t.Fatalf("total %d, failed %d", sum.Total, sum.Failed)
			}
			if format == "text" {
				checkTextOrder(t, out.String())
				return
			}
			var doc struct {
				Results []struct {
					Line int `json:"line"`
				} `json:"results"`
				Summary struct {
					Failed int `json:"failed"`
					Errors []struct {
						Line int `json:"line"`
					} `json:"errors"`
				} `json:"summary"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("not one JSON document: %v", err)
			}
			for i, r := range doc.Results {
				if r.Line != i+1 {
					t.Fatalf("result %d has line %d", i, r.Line)
				}
			}
			if len(doc.Results) != n || len(doc.Summary.Errors) != n/5 {
				t.Fatalf("%d results, %d errors listed", len(doc.Results), len(doc.Summary.Errors))
			}
			for i, e := range doc.Summary.Errors {
				if e.Line != 5*i+1 {
					t.Fatalf("error %d is line %d, want %d (input order)", i, e.Line, 5*i+1)
				}
			}
		})
	}
}

func checkTextOrder(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	var errs []string
	for _, l := range lines {
		if strings.HasPrefix(l, "  http://") {
			errs = append(errs, l)
		}
	}
	if len(errs) != 100 || !strings.HasPrefix(errs[1], "  http://h5/p  connect  refused") {
		t.Errorf("%d error lines, second %q", len(errs), errs[min(1, len(errs)-1)])
	}
}

// TestStreamKeepsCountsNotAList checks that stream mode lists no failed URL.
func TestStreamKeepsCountsNotAList(t *testing.T) {
	enc, _ := NewEncoder("jsonl", false)
	w := &Writer{Out: &bytes.Buffer{}, Encoder: enc}
	results := make(chan record.Result, 10)
	for i := range 10 {
		results <- seqResult(i)
	}
	close(results)
	sum, err := w.Consume(results, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 2 || sum.Errors.Len() != 0 {
		t.Errorf("failed %d, listed %d: want 2 counted, none listed", sum.Failed, sum.Errors.Len())
	}
	b, err := json.Marshal(sum)
	if err != nil || !strings.Contains(string(b), `"by_error":{"connect":2},"errors":[],"requests"`) {
		t.Errorf("summary %s, %v", b, err)
	}
}
