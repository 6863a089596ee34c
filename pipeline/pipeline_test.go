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

func run(ctx context.Context, t testing.TB, base string, n int, cfg Config) (map[int]record.Result, Stats, error) {
	t.Helper()
	f := fetcher.New(fetcher.Options{Timeout: 5 * time.Second}, cfg.Limits)
	defer f.Close()
	cfg.Fetcher = f
	out := make(chan record.Result, 16)
	got := map[int]record.Result{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for r := range out {
			if _, dup := got[r.Seq]; dup {
				t.Errorf("seq %d reported twice", r.Seq)
			}
			got[r.Seq] = r
		}
	}()
	stats, err := Run(ctx, context.Background(), cfg, &pages{base: base, n: n}, out)
	<-done
	return got, stats, err
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
			got, stats, err := run(context.Background(), t, srv.URL, 300, Config{
				Limits: limiter.New(tt.limits), Window: tt.window, Outstanding: 2 * tt.limits.Concurrency,
			})
			if err != nil || stats.Read != 300 || len(got) != 300 {
				t.Fatalf("err %v, read %d, %d results", err, stats.Read, len(got))
			}
			for seq, r := range got {
				if r.Seq != seq || (r.Line%50 == 0) != (r.ErrorKind == record.KindInvalidURL) {
					t.Errorf("seq %d: %+v", seq, r)
				}
			}
		})
	}
}

func TestRunCanceledAccountsForStarted(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: time.Second})
	srv := httptest.NewServer(site)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	got, _, err := run(ctx, t, srv.URL, 1000, Config{Limits: limiter.New(limiter.Config{Concurrency: 20}), Window: 100, Outstanding: 40})
	if err != nil {
		t.Fatal(err)
	}
	canceled := 0
	for _, r := range got {
		if r.ErrorKind == record.KindCanceled {
			canceled++
		}
	}
	if int64(canceled) < site.Requests() || len(got) > 1000 {
		t.Errorf("%d canceled results for %d requests started; %d results", canceled, site.Requests(), len(got))
	}
}

// BenchmarkPipeline runs the whole path of one URL against an in-process
// server: per-op figures are per URL.
func BenchmarkPipeline(b *testing.B) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	b.ReportAllocs()
	b.ResetTimer()
	got, _, err := run(context.Background(), b, srv.URL, b.N, Config{
		Limits: limiter.New(limiter.Config{Concurrency: 32}), Outstanding: 64,
	})
	if err != nil || len(got) != b.N {
		b.Fatalf("%v, %d results", err, len(got))
	}
}

// instant is a Fetcher that answers at once, to measure the pipeline alone.
type instant struct{}

func (instant) Fetch(_ context.Context, t input.Target, release func()) record.Result {
	if release != nil {
		release()
	}
	return record.Result{URL: t.Raw, Line: t.Line, Seq: t.Seq, Status: 200}
}

// BenchmarkPipelineOverhead is the cost per URL of reading, scheduling,
// limiting and handing over results, without HTTP.
func BenchmarkPipelineOverhead(b *testing.B) {
	b.ReportAllocs()
	out := make(chan record.Result, 1024)
	done := make(chan int)
	go func() {
		n := 0
		for range out {
			n++
		}
		done <- n
	}()
	cfg := Config{Limits: limiter.New(limiter.Config{Concurrency: 64, PerHost: 8}), Fetcher: instant{}, Outstanding: 128}
	Run(context.Background(), context.Background(), cfg, &pages{base: "http://127.0.0.1:1", n: b.N}, out)
	if n := <-done; n != b.N {
		b.Fatalf("%d results", n)
	}
}
