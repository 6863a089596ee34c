package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/record"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func target(t testing.TB, raw string) input.Target {
	t.Helper()
	tg, ok := input.Parse([]byte(raw))
	if !ok {
		t.Fatalf("line %q skipped", raw)
	}
	return tg
}

// refusedAddr returns an address on 127.0.0.1 that nothing listens on.
func refusedAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestFetchHostile(t *testing.T) {
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewTLSServer(site)
	t.Cleanup(tlsSrv.Close)

	// Only the cases that must time out get a short timeout: the others end
	// by themselves, and a loaded machine must not turn them into timeouts.
	short := newFetcher(t, Options{Timeout: 1500 * time.Millisecond, MaxBody: 1 << 20}, nil)
	t.Cleanup(short.Close)
	f := newFetcher(t, Options{Timeout: 30 * time.Second, MaxBody: 1 << 20}, nil)
	t.Cleanup(f.Close)

	tests := []struct {
		name      string
		url       string
		wantKind  record.Kind
		wantCode  int
		wantTitle string
		truncated bool
		wantSize  int64 // -1: don't check
		wantRedir int
		errHas    string
	}{
		{name: "page", url: srv.URL + "/page/7", wantCode: 200, wantTitle: "Page 7", wantSize: 2048},
		{name: "never answers", url: srv.URL + testsite.PathNever, wantKind: record.KindTimeout, errHas: "waiting for the response", wantSize: -1},
		{name: "trickles after headers", url: srv.URL + testsite.PathTrickle, wantKind: record.KindTimeout, wantCode: 200, errHas: "reading the body", wantSize: -1},
		{name: "infinite body is cut", url: srv.URL + testsite.PathInfinite, wantCode: 200, wantTitle: "Endless", truncated: true, wantSize: 1 << 20},
		{name: "gzip bomb is cut after inflating", url: srv.URL + testsite.PathGzipBomb, wantCode: 200, wantTitle: "Bomb", truncated: true, wantSize: 1 << 20},
		{name: "redirect loop", url: srv.URL + testsite.PathRedirectLoop, wantKind: record.KindRedirect, errHas: "redirect loop", wantSize: -1},
		{name: "redirect to file", url: srv.URL + testsite.PathRedirectFile, wantKind: record.KindRedirect, errHas: `unsupported scheme "file"`, wantSize: -1},
		{name: "redirect chain", url: srv.URL + testsite.PathRedirectChain + "3", wantCode: 200, wantTitle: "Page 0", wantRedir: 4, wantSize: 2048},
		{name: "too many redirects", url: srv.URL + testsite.PathRedirectChain + "30", wantKind: record.KindRedirect, errHas: "stopped after 11 redirects", wantSize: -1},
		{name: "reset mid-body", url: srv.URL + testsite.PathReset, wantKind: record.KindReset, wantCode: 200, wantSize: -1},
		{name: "big title is capped", url: srv.URL + testsite.PathBigTitle, wantCode: 200, wantTitle: strings.Repeat("T", extract.MaxTitleRunes), truncated: true, wantSize: 1 << 20},
		{name: "late title", url: srv.URL + testsite.PathLateTitle, wantCode: 200, wantTitle: "Late but found", wantSize: -1},
		{name: "binary body", url: srv.URL + testsite.PathBinary, wantCode: 200, truncated: true, wantSize: 1 << 20},
		{name: "json", url: srv.URL + testsite.PathJSON, wantCode: 200, wantSize: 38},
		{name: "malformed response", url: srv.URL + testsite.PathMalformed, wantKind: record.KindProtocol, wantSize: -1},
		{name: "404 is data", url: srv.URL + testsite.PathStatus + "404", wantCode: 404, wantTitle: "Status 404", wantSize: -1},
		{name: "503 is data", url: srv.URL + testsite.PathStatus + "503", wantCode: 503, wantTitle: "Status 503", wantSize: -1},
		{name: "refused", url: "http://" + refusedAddr(t) + "/", wantKind: record.KindConnect, errHas: "connection refused", wantSize: -1},
		{name: "untrusted certificate", url: tlsSrv.URL + "/page/1", wantKind: record.KindTLS, errHas: "certificate", wantSize: -1},
		{name: "https to a plain http server", url: strings.Replace(srv.URL, "http:", "https:", 1) + "/page/1", wantKind: record.KindTLS, wantSize: -1},
		{name: "invalid line", url: "ftp://example.com/", wantKind: record.KindInvalidURL, errHas: "unsupported scheme", wantSize: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := f
			if tt.wantKind == record.KindTimeout {
				f = short
			}
			got := f.Fetch(context.Background(), target(t, tt.url), nil)
			if got.ErrorKind != tt.wantKind || got.Status != tt.wantCode {
				t.Fatalf("kind %q status %d (%s), want kind %q status %d", got.ErrorKind, got.Status, got.Error, tt.wantKind, tt.wantCode)
			}
			if got.Title != tt.wantTitle {
				t.Errorf("title %.40q (len %d), want %.40q", got.Title, len(got.Title), tt.wantTitle)
			}
			if got.Truncated != tt.truncated {
				t.Errorf("truncated %v, want %v", got.Truncated, tt.truncated)
			}
			if tt.wantSize >= 0 && got.Size != tt.wantSize {
				t.Errorf("size %d, want %d", got.Size, tt.wantSize)
			}
			if got.Redirects != tt.wantRedir {
				t.Errorf("redirects %d, want %d", got.Redirects, tt.wantRedir)
			}
			if !strings.Contains(got.Error, tt.errHas) {
				t.Errorf("error %q does not say %q", got.Error, tt.errHas)
			}
			if got.URL != tt.url {
				t.Errorf("url %q, want the line %q", got.URL, tt.url)
			}
			if tt.wantKind != record.KindInvalidURL && got.Attempts != 1 {
				t.Errorf("attempts %d, want 1", got.Attempts)
			}
		})
	}
}

// TestNoRedirectsFollowed checks NoFollow (--max-redirects 0): the 3xx
// itself is the result, whatever its Location says.
func TestNoRedirectsFollowed(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	f := newFetcher(t, Options{MaxRedirects: NoFollow}, nil)
	defer f.Close()
	tests := []struct {
		name       string
		path       string
		wantStatus int
	}{
		{"a chain", testsite.PathRedirectChain + "2", http.StatusMovedPermanently},
		{"to file:", testsite.PathRedirectFile, http.StatusFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.Fetch(context.Background(), target(t, srv.URL+tt.path), nil)
			if got.Status != tt.wantStatus || got.ErrorKind != "" || got.Redirects != 0 || got.FinalURL != srv.URL+tt.path {
				t.Errorf("%+v: want the %d itself as the result", got, tt.wantStatus)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want record.Kind
	}{
		{"nil", nil, ""},
		{"canceled", &url.Error{Op: "Get", URL: "http://x", Err: context.Canceled}, record.KindCanceled},
		{"deadline", context.DeadlineExceeded, record.KindTimeout},
		{"dns", &url.Error{Op: "Get", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}}}, record.KindDNS},
		{"redirect", &url.Error{Op: "Get", Err: &RedirectError{"loop"}}, record.KindRedirect},
		{"unexpected eof", fmt.Errorf("reading the body: %w", io.ErrUnexpectedEOF), record.KindReset},
		{"anything else", errors.New("malformed HTTP response"), record.KindProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("Classify = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFetchCanceled(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	f := newFetcher(t, Options{Timeout: 5 * time.Second}, nil)
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.AfterFunc(100*time.Millisecond, cancel) }()
	got := f.Fetch(ctx, target(t, srv.URL+testsite.PathNever), nil)
	if got.ErrorKind != record.KindCanceled {
		t.Fatalf("kind %q (%s), want canceled", got.ErrorKind, got.Error)
	}
}

// TestFetchReusesConnections checks that a fully read body leaves its
// connection for the next request: 20 requests one after another share one
// connection.
func TestFetchReusesConnections(t *testing.T) {
	site := testsite.New(testsite.Options{})
	srv := httptest.NewUnstartedServer(site)
	conns := 0
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns++
		}
	}
	srv.Start()
	defer srv.Close()
	f := newFetcher(t, Options{}, nil)
	defer f.Close()
	for i := 0; i < 20; i++ {
		if got := f.Fetch(context.Background(), target(t, srv.URL+"/page/1"), nil); got.Status != 200 {
			t.Fatalf("status %d %s", got.Status, got.Error)
		}
	}
	f.Close()
	srv.Close()
	if conns != 1 {
		t.Errorf("20 sequential requests opened %d connections, want 1", conns)
	}
}

// TestTruncatedBodyClosesConnection checks that a body cut at the cap is
// not drained: its connection is closed, and the next request opens another.
func TestTruncatedBodyClosesConnection(t *testing.T) {
	srv := httptest.NewUnstartedServer(testsite.New(testsite.Options{}))
	var conns atomic.Int64
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	f := newFetcher(t, Options{MaxBody: 64 << 10}, nil)
	defer f.Close()
	for i := 0; i < 3; i++ {
		got := f.Fetch(context.Background(), target(t, srv.URL+testsite.PathInfinite), nil)
		if !got.Truncated || got.Size != 64<<10 || got.ErrorKind != "" {
			t.Fatalf("%+v", got)
		}
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("3 truncated bodies used %d connections, want 3 (closed, not drained)", n)
	}
}

// TestHostileBoundedMemory checks that a gzip bomb and an endless body cost
// about the body cap in memory, not what the server sends.
func TestHostileBoundedMemory(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	f := newFetcher(t, Options{MaxBody: 1 << 20}, nil)
	defer f.Close()
	for _, path := range []string{testsite.PathGzipBomb, testsite.PathInfinite, testsite.PathBigTitle, testsite.PathBinary} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		got := f.Fetch(context.Background(), target(t, srv.URL+path), nil)
		runtime.ReadMemStats(&after)
		if got.Size > 1<<20 {
			t.Errorf("%s: read %d bytes past the cap", path, got.Size)
		}
		// The client's share: the server's own writes are counted too, so allow
		// generously, but far below the gibibyte the bomb inflates to.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: %d MiB allocated", path, alloc>>20)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"Wed, 25 Nov 2026 12:00:30 GMT", 30 * time.Second},
		{"Wed, 25 Nov 2026 11:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.v, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestLargeRequestHeaders checks that requests whose headers are far
// larger than the connection's write buffer (writeBufferSize) arrive whole,
// one after another on the same connection.
func TestLargeRequestHeaders(t *testing.T) {
	big := strings.Repeat("v", 3*writeBufferSize)
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("X-Big")+r.Header.Get("X-After"))
		mu.Unlock()
	}))
	defer srv.Close()
	f := newFetcher(t, Options{Header: http.Header{"X-Big": {big}, "X-After": {"end"}}}, nil)
	defer f.Close()
	for i := range 3 {
		if res := f.Fetch(context.Background(), target(t, fmt.Sprintf("%s/%d", srv.URL, i)), nil); res.Status != 200 {
			t.Fatalf("status %d %s", res.Status, res.Error)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("the server saw %d requests, want 3", len(got))
	}
	for i, h := range got {
		if h != big+"end" {
			t.Errorf("request %d: headers arrived as %d bytes, want %d", i, len(h), len(big)+3)
		}
	}
}
