package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// fullFile is a file on a disk with room bytes: a write past them writes
// what fits and fails with ENOSPC, as write(2) does. It can be cut back,
// as an *os.File can.
type fullFile struct {
	data []byte
	room int
}

func (f *fullFile) Write(p []byte) (int, error) {
	n := max(0, min(len(p), f.room-len(f.data)))
	f.data = append(f.data, p[:n]...)
	if n < len(p) {
		return n, fmt.Errorf("write out.jsonl: %w", syscall.ENOSPC)
	}
	return n, nil
}

func (f *fullFile) Seek(offset int64, whence int) (int64, error) {
	if whence == io.SeekCurrent {
		return int64(len(f.data)) + offset, nil
	}
	return offset, nil
}

func (f *fullFile) Truncate(size int64) error {
	f.data = f.data[:size]
	return nil
}

// lineStore is a store that keeps the line of every result put in it.
type lineStore struct{ lines []int }

func (s *lineStore) Put(r *record.Result) error { s.lines = append(s.lines, r.Line); return nil }
func (s *lineStore) Flush() error               { return nil }
func (s *lineStore) Close() error               { return nil }

// TestFullDiskLeavesWholeRecords fills the disk at several points of the
// output: the output then ends with a whole record (a prefix of what a
// disk with room gets, cut at a record's end), the run is told once, and
// in stream mode the store holds exactly the results whose records were
// written, so a resumed run fetches exactly what the output lacks.
func TestFullDiskLeavesWholeRecords(t *testing.T) {
	const n = 400
	for _, format := range Formats {
		for _, gather := range []bool{false, true} {
			ends := recordEnds(t, format, gather, n)
			full := ends[len(ends)-1]
			for _, room := range []int{0, 1, ends[2] + 3, 5000, min(flushAt+7, full-2), full/2 + 1, full - 1} {
				t.Run(fmt.Sprintf("%s/gather=%v/room=%d", format, gather, room), func(t *testing.T) {
					enc, _ := NewEncoder(format, gather)
					out, st := &fullFile{room: room}, &lineStore{}
					calls := 0
					w := &Writer{Out: out, Encoder: enc, Gather: gather, Store: st,
						OnError: func(error) { calls++ }}
					sum, err := w.Consume(resultsOf(n), time.Now())
					if !errors.Is(err, syscall.ENOSPC) || calls != 1 {
						t.Fatalf("error %v, told %d times; want ENOSPC once", err, calls)
					}
					defer sum.Close()
					whole := slices.Index(ends, len(out.data)) - 1 // records written whole
					if whole < -1 {
						t.Fatalf("the output (%d bytes) does not end at a record's end: %q", len(out.data), out.data[max(0, len(out.data)-60):])
					}
					if want := fullOutput(t, format, gather, n); !bytes.HasPrefix(want, out.data) {
						t.Fatalf("the output is not what a disk with room gets")
					}
					whole = max(0, whole)
					if gather {
						return // a resumed gather run writes its document anew
					}
					if len(st.lines) != whole || (whole > 0 && st.lines[whole-1] != whole) {
						t.Errorf("store has %d results (last %v), the output %d records", len(st.lines), st.lines[max(0, len(st.lines)-1):], whole)
					}
					if sum.Unwritten != n-whole {
						t.Errorf("summary counts %d not written, want %d", sum.Unwritten, n-whole)
					}
				})
			}
		}
	}
}

// resultsOf is a closed channel of n results in input order.
func resultsOf(n int) chan record.Result {
	results := make(chan record.Result, n)
	for i := range n {
		r := seqResult(i)
		r.FetchedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		results <- r
	}
	close(results)
	return results
}

// recordEnds is where the header and each record end in format's output
// of n results: ends[0] is 0, ends[1] the header's end, ends[1+i] the i-th
// record's.
func recordEnds(t *testing.T, format string, gather bool, n int) []int {
	t.Helper()
	enc, err := NewEncoder(format, gather)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc.Header(&buf)
	ends := []int{0, buf.Len()}
	for r := range resultsOf(n) {
		if err := enc.Record(&buf, &r, len(ends) == 2); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, buf.Len())
	}
	return ends
}

// fullOutput is format's output of n results on a disk with room.
func fullOutput(t *testing.T, format string, gather bool, n int) []byte {
	t.Helper()
	enc, _ := NewEncoder(format, gather)
	var out bytes.Buffer
	w := &Writer{Out: &out, Encoder: enc, Gather: gather}
	sum, err := w.Consume(resultsOf(n), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sum.Close()
	return out.Bytes()
}

// TestGatherSpillFailureLosesNothing makes every spill fail (TMPDIR does
// not exist), with results arriving in reverse so that all of them wait:
// the run is told once, and the document still holds every result and
// every failure, in input order, with its summary.
func TestGatherSpillFailureLosesNothing(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "gone"))
	const n = 500
	enc, _ := NewEncoder("jsonl", true)
	var out bytes.Buffer
	var told []error
	w := &Writer{Out: &out, Encoder: enc, Gather: true, heldInMemory: 8,
		OnError: func(err error) { told = append(told, err) }}
	results := make(chan record.Result, n)
	for i := n - 1; i >= 0; i-- {
		results <- seqResult(i)
	}
	close(results)
	sum, err := w.Consume(results, time.Now())
	t.Cleanup(func() { sum.Close() })
	var doc struct {
		Results []struct {
			Line int `json:"line"`
		} `json:"results"`
		Summary struct {
			Total  int `json:"total"`
			Errors []struct {
				Line int `json:"line"`
			} `json:"errors"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not one JSON document (%v): %.80q", err, out.String())
	}
	if len(doc.Results) != n || doc.Summary.Total != n || len(doc.Summary.Errors) != n/5 {
		t.Fatalf("%d results, total %d, %d errors listed; want %d, %d, %d", len(doc.Results), doc.Summary.Total, len(doc.Summary.Errors), n, n, n/5)
	}
	for i, r := range doc.Results {
		if r.Line != i+1 {
			t.Fatalf("result %d has line %d", i, r.Line)
		}
	}
	if err == nil || len(told) != 1 || !strings.Contains(err.Error(), "TMPDIR") {
		t.Fatalf("error %v, told %d times", err, len(told))
	}
}

// TestErrorListSpillFailureLosesNothing lists more failures than memory
// holds with no TMPDIR: every entry is listed still, in order, and Err
// says why the list is in memory.
func TestErrorListSpillFailureLosesNothing(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "gone"))
	l := &ErrorList{inMemory: 4}
	defer l.Close()
	const n = 1000
	for i := range n {
		l.Append(ErrorEntry{URL: fmt.Sprintf("http://x/%d", i), Line: i + 1, ErrorKind: record.KindDNS})
	}
	if l.Err() == nil {
		t.Error("no error said")
	}
	line := 0
	err := l.Each(func(e *ErrorEntry) error {
		if line++; e.Line != line {
			return fmt.Errorf("entry %d has line %d", line, e.Line)
		}
		return nil
	})
	if err != nil || line != n {
		t.Fatalf("%d entries listed, want %d: %v", line, n, err)
	}
}
