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

// TestGatherErrorsNameTheirFile checks that the summary's list of failed
// URLs says which file each came from when the run read several (the same
// line number can fail in two files), and names no file with one.
func TestGatherErrorsNameTheirFile(t *testing.T) {
	tests := []struct {
		name   string
		format string
		files  []string // the File of each result, in input order
		want   string   // jsonl: the summary's errors as JSON; text: the error lines
	}{
		{
			name:   "jsonl several files",
			format: "jsonl",
			files:  []string{"a.txt", "b.txt"},
			want: `[{"url":"http://h0/p","line":1,"file":"a.txt","error_kind":"connect","error":"refused"},` +
				`{"url":"http://h0/p","line":1,"file":"b.txt","error_kind":"connect","error":"refused"}]`,
		},
		{
			name:   "jsonl one file",
			format: "jsonl",
			files:  []string{""},
			want:   `[{"url":"http://h0/p","line":1,"error_kind":"connect","error":"refused"}]`,
		},
		{
			name:   "text several files",
			format: "text",
			files:  []string{"a.txt", "b\x1b.txt"},
			want:   "  http://h0/p  connect  refused  (a.txt line 1)\n  http://h0/p  connect  refused  (b\ufffd.txt line 1)\n",
		},
		{
			name:   "text one file",
			format: "text",
			files:  []string{""},
			want:   "  http://h0/p  connect  refused\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := gatherFailures(t, tt.format, tt.files)
			got := errorLines(out)
			if tt.format == "jsonl" {
				var doc struct {
					Summary struct {
						Errors json.RawMessage `json:"errors"`
					} `json:"summary"`
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("not one JSON document: %v", err)
				}
				got = string(doc.Summary.Errors)
			}
			if got != tt.want {
				t.Errorf("errors\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// gatherFailures writes, in gather mode, one failed result (line 1) per
// entry of files, with that File, and returns the document.
func gatherFailures(t *testing.T, format string, files []string) string {
	t.Helper()
	enc, err := NewEncoder(format, true)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := &Writer{Out: &out, Encoder: enc, Gather: true}
	results := make(chan record.Result, len(files))
	for i, f := range files {
		r := seqResult(0) // line 1, failed: connect, refused
		r.Seq, r.File = i, f
		results <- r
	}
	close(results)
	sum, err := w.Consume(results, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := sum.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// errorLines keeps the lines of a text document that list a failed URL.
func errorLines(doc string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(doc, "\n") {
		if strings.HasPrefix(l, "  http://") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// counter is a Progress that counts what it is told.
type counter struct{ n int }

func (c *counter) Add(*record.Result) { c.n++ }

// TestTee checks that every watcher Tee is given sees every result, and
// that the nil ones are left out.
func TestTee(t *testing.T) {
	a, b := &counter{}, &counter{}
	p := Tee(nil, a, b, nil)
	for range 3 {
		p.Add(&record.Result{})
	}
	if a.n != 3 || b.n != 3 {
		t.Errorf("the watchers saw %d and %d results, want 3 each", a.n, b.n)
	}
}
