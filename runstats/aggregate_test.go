package runstats

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
	"github.com/fanout-dev/fanout/store"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	okA      = `{"url":"http://a.test/1","line":1,"status":200,"size":10,"duration_ms":5,"attempts":1}`
	okB      = `{"url":"http://b.test/2","line":2,"status":404,"size":3,"duration_ms":7,"attempts":1}`
	cancelA  = `{"url":"http://a.test/1","line":1,"size":0,"duration_ms":0,"attempts":0,"error":"canceled","error_kind":"canceled"}`
	failedC  = `{"url":"http://c.test/3","line":3,"size":0,"duration_ms":9,"attempts":3,"error":"refused","error_kind":"connect"}`
	cancelC2 = `{"url":"http://c.test/4","line":4,"status":200,"size":5,"duration_ms":1,"attempts":1,"error":"canceled","error_kind":"canceled"}`
)

// TestFinalWinsOverCanceled reads outputs of interrupted and resumed runs,
// in both orders, and checks that a URL's final record replaces its
// canceled ones. The wants are counted by hand (okB answered 404: not ok).
func TestFinalWinsOverCanceled(t *testing.T) {
	tests := []struct {
		name                              string
		files                             []string // contents, each its own file; "-" prefix: stdin
		total, ok, failed, canceled, reqs int
		status200                         int
	}{
		{"canceled then final, one file", []string{cancelA + "\n" + okA + "\n" + okB}, 2, 1, 0, 0, 2, 1},
		{"final then canceled, two files", []string{okA + "\n" + okB, cancelA}, 2, 1, 0, 0, 2, 1},
		{"canceled twice counts once", []string{cancelA, cancelA + "\n" + okB}, 2, 0, 0, 1, 1, 0},
		{"canceled alone counts", []string{okB + "\n" + cancelC2 + "\n" + failedC}, 3, 0, 1, 1, 5, 1},
		{"final on stdin after canceled", []string{"-" + cancelA + "\n" + okA}, 1, 1, 0, 0, 1, 1},
		{"final in a file, canceled on stdin", []string{okA, "-" + cancelA}, 1, 1, 0, 0, 1, 1},
		// stdin is read once: a final record before a canceled one there is
		// not found again, so both count (docs/report.md).
		{"final before canceled, both on stdin", []string{"-" + okA + "\n" + cancelA}, 2, 1, 0, 1, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inputs []Input
			stdin := ""
			for i, body := range tt.files {
				if rest, ok := strings.CutPrefix(body, "-"); ok {
					stdin = rest
					inputs = append(inputs, Input{Name: "-"})
					continue
				}
				inputs = append(inputs, Input{Name: writeFile(t, fmt.Sprintf("out.%d.jsonl", i), body+"\n")})
			}
			a := NewAggregator()
			if _, err := Read(context.Background(), a, inputs, strings.NewReader(stdin)); err != nil {
				t.Fatal(err)
			}
			s := a.Report().Summary
			if s.Total != tt.total || s.OK != tt.ok || s.Failed != tt.failed || s.Canceled != tt.canceled ||
				s.Requests != tt.reqs || s.ByStatus[200] != tt.status200 {
				t.Errorf("total %d ok %d failed %d canceled %d requests %d 200s %d; want %d %d %d %d %d %d",
					s.Total, s.OK, s.Failed, s.Canceled, s.Requests, s.ByStatus[200],
					tt.total, tt.ok, tt.failed, tt.canceled, tt.reqs, tt.status200)
			}
			if s.ByError[record.KindCanceled] != tt.canceled {
				t.Errorf("by_error canceled %d, want %d", s.ByError[record.KindCanceled], tt.canceled)
			}
		})
	}
}

// TestReadStoreAndLines reads a --db store written by the store package and
// a JSON-lines file whose canceled record the store's final one replaces;
// and a gathered document, and lines that are not records.
func TestReadStoreAndLines(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "run.db")
	st, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []record.Result{
		{URL: "http://a.test/1", Line: 1, Status: 200, Size: 10, DurationMS: 5, Attempts: 1},
		{URL: "http://c.test/3", Line: 3, DurationMS: 9, Attempts: 3, Error: "refused", ErrorKind: record.KindConnect},
	} {
		if err := st.Put(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	gathered := "{\"results\": [\n" + okB + ",\n" + `{"url":"http://d.test/5","line":5,"status":500,"size":1,"duration_ms":2,"attempts":1}` +
		"\n],\n\"summary\": {\"total\": 2}}\n"
	lines := writeFile(t, "run.jsonl", cancelA+"\nnot json\n{\"line\":3}\n")
	a := NewAggregator()
	stats, err := Read(context.Background(), a, []Input{
		{Name: lines}, {Name: writeFile(t, "gather.json", gathered)}, {Name: dbPath, DB: true},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Malformed != 2 || !strings.HasSuffix(stats.Example, "run.jsonl:2") {
		t.Errorf("malformed %d (first at %s), want 2 at run.jsonl:2", stats.Malformed, stats.Example)
	}
	s := a.Report().Summary
	if s.Total != 4 || s.OK != 1 || s.Status4xx != 1 || s.Status5xx != 1 || s.Failed != 1 || s.Canceled != 0 || s.ByStatus[500] != 1 || s.ByError[record.KindConnect] != 1 {
		t.Errorf("summary %+v", s)
	}
	// A store knows when rows were written: the span is positive, and no
	// longer than this test.
	if s.Elapsed <= 0 || s.Elapsed > time.Minute {
		t.Errorf("elapsed %v from a store's fetched_at", s.Elapsed)
	}
	// A store named as a plain file is recognized by its header.
	b := NewAggregator()
	if _, err := Read(context.Background(), b, []Input{{Name: dbPath}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := b.Report().Summary.Total; got != 2 {
		t.Errorf("store read as a file: %d records, want 2", got)
	}
}

// TestSpaceSavingBounds feeds more hosts than the table holds, with a
// skewed distribution, and checks Space-Saving's guarantees against exact
// counts kept in a map: every host with more than n/capacity records is
// kept, and every kept count is over the truth by at most its error,
// itself at most n/capacity.
func TestSpaceSavingBounds(t *testing.T) {
	tests := []struct {
		name            string
		capacity, hosts int
		records         int
	}{
		{"fits: exact", 64, 50, 5000},
		{"ten times too many hosts", 50, 500, 20000},
		{"capacity one", 1, 30, 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tt.hosts)))
			zipf := rand.NewZipf(rng, 1.2, 1, uint64(tt.hosts-1))
			table := newHostTable(tt.capacity)
			exact := map[string]uint64{}
			failures := map[string]uint64{}
			for range tt.records {
				key := fmt.Sprintf("h%d.test:443", zipf.Uint64())
				r := &record.Result{Status: 200, Attempts: 1, DurationMS: 3}
				if rng.IntN(4) == 0 {
					r.ErrorKind = record.KindTimeout
					failures[key]++
				}
				exact[key]++
				table.add(key, r)
			}
			bound := uint64(tt.records / tt.capacity)
			lines := map[string]Host{}
			for _, h := range table.lines() {
				lines[h.Host] = h
			}
			for key, n := range exact {
				h, ok := lines[key]
				if n > bound && !ok {
					t.Errorf("%s has %d records (> n/capacity = %d) but is not in the table", key, n, bound)
				}
				if !ok {
					continue
				}
				if h.URLs < n || h.URLs > n+h.MaxError || h.MaxError > bound {
					t.Errorf("%s: count %d (error %d), exact %d, bound %d", key, h.URLs, h.MaxError, n, bound)
				}
				if h.Failures > failures[key] || h.Failures+h.MaxError < failures[key] {
					t.Errorf("%s: failures %d (error %d), exact %d", key, h.Failures, h.MaxError, failures[key])
				}
			}
			if exactFit := len(exact) <= tt.capacity; exactFit != (table.replaced == 0) {
				t.Errorf("%d hosts, capacity %d, %d replaced", len(exact), tt.capacity, table.replaced)
			}
		})
	}
}

// BenchmarkAggregatorAdd counts records spread over more hosts than the
// host table holds, so Space-Saving replaces hosts as it goes.
func BenchmarkAggregatorAdd(b *testing.B) {
	recs := make([]record.Result, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range recs {
		recs[i] = record.Result{URL: fmt.Sprintf("https://h%d.test/p/%d", rng.IntN(4*HostCapacity), i),
			Status: 200, Attempts: 1, DurationMS: 1 + 100*rng.Float64(), Size: 2048}
	}
	a := NewAggregator()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Add(&recs[i%len(recs)])
	}
}

// TestAggregatorCountsAsTheSummary checks that fanout report's figures are
// the scrape summary's for the same records: one rule of what is ok,
// failed and canceled, and of what a latency is.
func TestAggregatorCountsAsTheSummary(t *testing.T) {
	recs := []record.Result{
		{URL: "http://a.test/1", Status: 200, Attempts: 1, DurationMS: 5, Size: 10},
		{URL: "http://a.test/2", Status: 404, Attempts: 1, DurationMS: 7, Size: 3},
		{URL: "http://b.test/1", Status: 503, Attempts: 3, DurationMS: 90},
		{URL: "http://b.test/3", Attempts: 1, DurationMS: 10000, ErrorKind: record.KindTimeout, Error: "timed out"},
		{URL: "http://b.test/2", Attempts: 2, DurationMS: 30, ErrorKind: record.KindConnect, Error: "refused"},
		{URL: "http://c.test/1", Attempts: 1, DurationMS: 1000, ErrorKind: record.KindCanceled, Error: "canceled"},
		{URL: "notaurl", ErrorKind: record.KindInvalidURL, Error: "bad"},
	}
	var want report.Summary
	a := NewAggregator()
	for i := range recs {
		want.Add(&recs[i])
		a.Add(&recs[i])
	}
	got := a.Report().Summary
	if got.Total != want.Total || got.OK != want.OK || got.Failed != want.Failed || got.Canceled != want.Canceled ||
		got.Requests != want.Requests || got.Bytes != want.Bytes || !reflect.DeepEqual(got.ByStatus, want.ByStatus) ||
		!reflect.DeepEqual(got.ByError, want.ByError) || got.Latency.Count() != want.Latency.Count() ||
		got.Latency.Quantile(0.5) != want.Latency.Quantile(0.5) || got.Latency.Max() != want.Latency.Max() {
		t.Errorf("report's summary differs from scrape's:\ngot  %+v\nwant %+v", got, &want)
	}
}
