package pipeline

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pages yields n page targets of base, and a few bad lines.
type pages struct {
	base    string
	n, next int
}

func (p *pages) Next() (input.Target, error) {
	if p.next == p.n {
		return input.Target{}, io.EOF
	}
	p.next++
	line := fmt.Sprintf("%s/page/%d", p.base, p.next)
	if p.next%50 == 0 {
		line = "gopher://" + line
	}
	t, _ := input.Parse([]byte(line))
	t.Line = p.next
	return t, nil
}

// collect is a Consume that keeps every result by Seq, failing t on a
// Seq reported twice.
func collect(t testing.TB, got map[int]record.Result) func(<-chan record.Result, func(error)) error {
	return func(results <-chan record.Result, _ func(error)) error {
		for r := range results {
			if _, dup := got[r.Seq]; dup {
				t.Errorf("seq %d reported twice", r.Seq)
			}
			got[r.Seq] = r
		}
		return nil
	}
}

func runPages(ctx context.Context, t testing.TB, base string, n int, cfg Config) (map[int]record.Result, Outcome, error) {
	t.Helper()
	got := map[int]record.Result{}
	cfg.Fetch = fetcher.Options{Timeout: 5 * time.Second}
	cfg.Source = &pages{base: base, n: n}
	cfg.Consume = collect(t, got)
	out, err := Run(ctx, cfg)
	return got, out, err
}

func TestRunOneResultPerTarget(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 5 * time.Millisecond})
	srv := httptest.NewServer(site)
	defer srv.Close()
	tests := []struct {
		name   string
		limits limiter.Config
		window int
	}{
		{"c 1", limiter.Config{Concurrency: 1}, 0},
		{"c 16 window 4", limiter.Config{Concurrency: 16}, 4},
		{"c 64 per-host 3", limiter.Config{Concurrency: 64, PerHost: 3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, out, err := runPages(context.Background(), t, srv.URL, 300, Config{Limits: tt.limits, Window: tt.window})
			if err != nil || out.Read != 300 || len(got) != 300 {
				t.Fatalf("err %v, read %d, %d results", err, out.Read, len(got))
			}
			for seq, r := range got {
				if r.Seq != seq || (r.Line%50 == 0) != (r.ErrorKind == record.KindInvalidURL) {
					t.Errorf("seq %d: %+v", seq, r)
				}
			}
		})
	}
}

// TestRunCanceledAccountsForStarted stops a run once 20 requests have
// arrived: every URL that started gets exactly one result (canceled: none
// could finish), and the targets read but not started get none and are
// counted instead.
func TestRunCanceledAccountsForStarted(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: time.Minute})
	srv := httptest.NewServer(site)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		defer cancel()
		for end := time.Now().Add(10 * time.Second); site.Requests() < 20 && time.Now().Before(end); {
			time.Sleep(time.Millisecond) // polling a condition, with a deadline
		}
	}()
	const c = 20
	got, out, err := runPages(ctx, t, srv.URL, 1000, Config{Limits: limiter.Config{Concurrency: c}, Window: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != out.Read-out.Unstarted {
		t.Errorf("%d results for %d targets read, %d not started", len(got), out.Read, out.Unstarted)
	}
	canceled := 0
	for _, r := range got {
		if r.ErrorKind == record.KindCanceled {
			canceled++
		} else if r.ErrorKind != record.KindInvalidURL {
			t.Errorf("%s: %s %s", r.URL, r.ErrorKind, r.Error)
		}
	}
	if int64(canceled) < site.Requests() || canceled > c {
		t.Errorf("%d canceled results for %d requests the server saw at -c %d: only started URLs get one", canceled, site.Requests(), c)
	}
}

// blocking is a Source that yields its lines, then waits for more until
// release is closed, as a pipe whose writer keeps it open does.
type blocking struct {
	list
	release chan struct{}
}

func (b *blocking) Next() (input.Target, error) {
	if b.next < len(b.lines) {
		return b.list.Next()
	}
	<-b.release
	return input.Target{}, io.EOF
}

func (b *blocking) MayWait() bool { return true }

// TestDeadlineDoesNotWaitForInput checks that at the deadline a run whose
// input stays open ends, with a result for every target it read.
func TestDeadlineDoesNotWaitForInput(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: time.Minute})
	srv := httptest.NewServer(site)
	defer srv.Close()
	src := &blocking{list: list{lines: []string{srv.URL + "/page/1", srv.URL + "/page/2"}}, release: make(chan struct{})}
	defer close(src.release)
	got := map[int]record.Result{}
	cfg := Config{
		Limits: limiter.Config{Concurrency: 4}, Fetch: fetcher.Options{Timeout: time.Minute},
		Deadline: 200 * time.Millisecond, Source: src, Consume: collect(t, got),
	}
	type ended struct {
		out Outcome
		err error
	}
	done := make(chan ended, 1)
	go func() {
		out, err := Run(context.Background(), cfg)
		done <- ended{out, err}
	}()
	select {
	case e := <-done:
		if e.err != nil || !e.out.Deadline || e.out.Read != 2 || len(got) != 2 {
			t.Fatalf("err %v, deadline %v, read %d, %d results", e.err, e.out.Deadline, e.out.Read, len(got))
		}
		for _, r := range got {
			if r.ErrorKind != record.KindCanceled {
				t.Errorf("%s: %q, want canceled", r.URL, r.ErrorKind)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not end at its deadline: it waits for input that never comes")
	}
}

// BenchmarkPipeline runs the whole path of one URL against an in-process
// server: per-op figures are per URL.
func BenchmarkPipeline(b *testing.B) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	b.ReportAllocs()
	b.ResetTimer()
	got, _, err := runPages(context.Background(), b, srv.URL, b.N, Config{Limits: limiter.Config{Concurrency: 32}})
	if err != nil || len(got) != b.N {
		b.Fatalf("%v, %d results", err, len(got))
	}
}

// instant is a Fetcher that answers at once, to measure the pipeline alone.
type instant struct{}

func (instant) Step(_ context.Context, j *fetcher.Job, release func()) (time.Duration, bool) {
	if release != nil {
		release()
	}
	j.Result.Status = 200
	return 0, true
}

// BenchmarkPipelineOverhead is the cost per URL of reading, scheduling,
// limiting and handing over results, without HTTP.
func BenchmarkPipelineOverhead(b *testing.B) {
	b.ReportAllocs()
	n := 0
	cfg := Config{
		Limits: limiter.Config{Concurrency: 64, PerHost: 8},
		Source: &pages{base: "http://127.0.0.1:1", n: b.N},
		Consume: func(results <-chan record.Result, _ func(error)) error {
			for range results {
				n++
			}
			return nil
		},
	}
	run(context.Background(), cfg, limiter.New(cfg.Limits), instant{})
	if n != b.N {
		b.Fatalf("%d results", n)
	}
}

// TestRetriesHoldNoWorker runs 200 URLs that each fail twice (503) and then
// succeed, at -c 4: while many URLs wait to retry at once, the workers stay
// within the concurrency, because a URL waiting to retry waits in the
// scheduler, not in a worker, and no worker waits there for a slot (see
// maxWorkers).
func TestRetriesHoldNoWorker(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	const n, c = 200, 4
	var lines []string
	for i := range n {
		lines = append(lines, fmt.Sprintf("%s%s2?code=503&n=%d", srv.URL, testsite.PathFlaky, i))
	}
	got := map[int]record.Result{}
	cfg := Config{
		Limits: limiter.Config{Concurrency: c},
		Source: &list{lines: lines},
	}
	cfg.Consume = collect(t, got)
	lim := limiter.New(cfg.Limits)
	f := fetcher.New(fetcher.Options{Timeout: 5 * time.Second, Retries: 2}, lim)
	defer f.Close()
	r := newRunner(cfg, lim, f)
	if _, err := r.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d results for %d URLs", len(got), n)
	}
	for _, res := range got {
		if res.Status != 200 || res.Attempts != 3 {
			t.Fatalf("%s: status %d after %d attempts, want 200 after 3", res.URL, res.Status, res.Attempts)
		}
	}
	if peak := r.pool.peak.Load(); peak > c {
		t.Errorf("%d workers at once at -c %d", peak, c)
	}
	if r.jobs.peak <= c {
		t.Errorf("at most %d URLs waited to retry at once: the test did not make many wait", r.jobs.peak)
	}
}

// list yields a target for each line.
type list struct {
	lines []string
	next  int
}

func (l *list) Next() (input.Target, error) {
	if l.next == len(l.lines) {
		return input.Target{}, io.EOF
	}
	l.next++
	t, _ := input.Parse([]byte(l.lines[l.next-1]))
	t.Line = l.next
	return t, nil
}
