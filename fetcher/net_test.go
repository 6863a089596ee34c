package fetcher

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/dnstest"
	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/resolve"
)

// newFetcher returns a Fetcher for the test, closed when it ends, whose
// every DNS lookup goes to a DNS server of the test's own on 127.0.0.1:
// every Fetcher of this package's tests is made here, so none can use the
// system's resolver.
func newFetcher(t testing.TB, opts Options, gate Gate) *Fetcher {
	t.Helper()
	return newFetcherDNS(t, opts, gate, dnstest.Start(t))
}

func newFetcherDNS(t testing.TB, opts Options, gate Gate, dns *dnstest.Server) *Fetcher {
	t.Helper()
	opts.Resolvers = []string{dns.Addr}
	f := New(opts, gate)
	t.Cleanup(f.Close)
	return f
}

// silentAddr returns an address on 127.0.0.1 that accepts connections and
// never says anything.
func silentAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// TestBareHostFallback checks when a bare host's https attempt falls back
// to http: only when https could not connect.
func TestBareHostFallback(t *testing.T) {
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewTLSServer(site)
	t.Cleanup(tlsSrv.Close)
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))
	f := newFetcherDNS(t, Options{Timeout: 30 * time.Second}, nil, dns)
	short := newFetcherDNS(t, Options{Timeout: 500 * time.Millisecond}, nil, dns)
	plain := strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := net.SplitHostPort(plain)
	refused := refusedAddr(t)

	tests := []struct {
		name     string
		line     string
		f        *Fetcher
		wantKind record.Kind
		wantURL  string // final_url
		attempts int
		errHas   []string
	}{
		{name: "plain http server", line: plain + "/page/1", f: f, wantURL: srv.URL + "/page/1", attempts: 2},
		{name: "a name, plain http server", line: "www.test:" + port + "/page/1", f: f, wantURL: "http://www.test:" + port + "/page/1", attempts: 2},
		{name: "certificate not trusted: no downgrade", line: strings.TrimPrefix(tlsSrv.URL, "https://") + "/page/1", f: f,
			wantKind: record.KindTLS, attempts: 1, errHas: []string{"certificate"}},
		{name: "refused both ways: both errors kept", line: refused + "/", f: f, wantKind: record.KindConnect, attempts: 2,
			errHas: []string{"https: ", "connection refused; http: ", "connection refused"}},
		{name: "silent both ways: both timeouts kept", line: silentAddr(t) + "/", f: short, wantKind: record.KindTimeout, attempts: 2,
			errHas: []string{"https: timed out", "; http: timed out"}},
		{name: "NXDOMAIN: no fallback", line: "nx.test/", f: f, wantKind: record.KindDNS, attempts: 1, errHas: []string{"NXDOMAIN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, tt.line)
			if !tg.Bare {
				t.Fatalf("%q is not a bare host", tt.line)
			}
			got := tt.f.Fetch(context.Background(), tg, nil)
			if got.ErrorKind != tt.wantKind || got.Attempts != tt.attempts {
				t.Fatalf("kind %q after %d attempts (%s), want %q after %d", got.ErrorKind, got.Attempts, got.Error, tt.wantKind, tt.attempts)
			}
			if tt.wantURL != "" && got.FinalURL != tt.wantURL {
				t.Errorf("final_url %q, want %q", got.FinalURL, tt.wantURL)
			}
			for _, s := range tt.errHas {
				if !strings.Contains(got.Error, s) {
					t.Errorf("error %q does not say %q", got.Error, s)
				}
			}
		})
	}
}

// TestRetriesByCause checks what is retried: a refused connection is final,
// as in curl; a reset or a 503 is retried.
func TestRetriesByCause(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	t.Cleanup(srv.Close)
	f := newFetcher(t, Options{Retries: 2}, nil)
	tests := []struct {
		name     string
		url      string
		wantKind record.Kind
		attempts int
	}{
		{name: "refused is final", url: "http://" + refusedAddr(t) + "/", wantKind: record.KindConnect, attempts: 1},
		{name: "reset is retried", url: srv.URL + testsite.PathReset, wantKind: record.KindReset, attempts: 3},
		{name: "503 is retried", url: srv.URL + testsite.PathStatus + "503", attempts: 3},
	}
	for _, tt := range tests {
		got := f.Fetch(context.Background(), target(t, tt.url), nil)
		if got.ErrorKind != tt.wantKind || got.Attempts != tt.attempts {
			t.Errorf("%s: kind %q after %d attempts (%s), want %q after %d", tt.name, got.ErrorKind, got.Attempts, got.Error, tt.wantKind, tt.attempts)
		}
	}
}

// TestDNSFailures checks that each DNS failure is error_kind dns, with a
// message that says which.
func TestDNSFailures(t *testing.T) {
	f := newFetcher(t, Options{Timeout: time.Second, Retries: 2}, nil) // lookups time out after 500ms
	tests := []struct {
		name, url, errHas string
	}{
		{name: "NXDOMAIN", url: "http://nx.test/", errHas: "dns: nx.test: no such host (NXDOMAIN"},
		{name: "SERVFAIL", url: "http://servfail.test/", errHas: "dns: servfail.test: the DNS server failed to answer (SERVFAIL)"},
		{name: "resolver timeout", url: "http://silent.test/", errHas: "dns: silent.test: no answer from the DNS server within 500ms (resolver timeout)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.Fetch(context.Background(), target(t, tt.url), nil)
			if got.ErrorKind != record.KindDNS || !strings.HasPrefix(got.Error, tt.errHas) || got.Attempts != 1 {
				t.Errorf("kind %q after %d attempts: %q; want dns after 1: %q", got.ErrorKind, got.Attempts, got.Error, tt.errHas)
			}
		})
	}
}

// TestOneLookupPerName checks that URLs on a few names cost one lookup per
// name (its A and AAAA questions), not one per connection, with a server
// that closes every connection.
func TestOneLookupPerName(t *testing.T) {
	srv := httptest.NewUnstartedServer(testsite.New(testsite.Options{}))
	srv.Config.SetKeepAlivesEnabled(false)
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))
	f := newFetcherDNS(t, Options{}, nil, dns)

	const names, perName = 20, 25
	urls := make(chan string, names*perName)
	for i := range perName {
		for n := range names {
			urls <- fmt.Sprintf("http://n%d.test:%s/page/%d", n, port, i)
		}
	}
	close(urls)
	var failed atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for u := range urls {
				if got := f.Fetch(context.Background(), target(t, u), nil); got.Status != 200 {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d fetches failed", failed.Load())
	}
	for n := range names {
		name := fmt.Sprintf("n%d.test.", n)
		if a, aaaa := dns.Asked(name, "A"), dns.Asked(name, "AAAA"); a != 1 || aaaa != 1 {
			t.Errorf("%s: %d A and %d AAAA questions for %d connections, want 1 and 1", name, a, aaaa, perName)
		}
	}
}

// TestDeadHostsLeaveNothing checks that hosts that refuse every connection
// leave nothing behind in the Fetcher: a run over many dead hosts uses the
// same memory as over a few.
func TestDeadHostsLeaveNothing(t *testing.T) {
	f := newFetcher(t, Options{}, nil)
	fetchDead := func(from, n int) {
		var wg sync.WaitGroup
		next := atomic.Int64{}
		next.Store(int64(from))
		for range 16 {
			wg.Go(func() {
				for i := next.Add(1) - 1; i < int64(from+n); i = next.Add(1) - 1 {
					u := fmt.Sprintf("http://127.%d.%d.%d:1/", 1+i>>16, i>>8&0xff, i&0xff)
					if got := f.Fetch(context.Background(), target(t, u), nil); got.ErrorKind != record.KindConnect {
						t.Errorf("%s: kind %q (%s), want connect", u, got.ErrorKind, got.Error)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	fetchDead(0, 200) // warm up: pools, buffers
	before := heap()
	fetchDead(200, 8000)
	after := heap()
	if len(f.transport.known) != 0 || len(f.transport.first) != 0 || len(f.transport.h1.hosts) != 0 {
		t.Errorf("%d dead hosts known, %d first connections left, %d hosts in h1", len(f.transport.known), len(f.transport.first), len(f.transport.h1.hosts))
	}
	// With one keep-alive Transport for all, 8,000 refused hosts left about
	// 2.5 MB in its queues of requests waiting for an idle connection.
	if grew := int64(after) - int64(before); grew > 512<<10 {
		t.Errorf("8,000 dead hosts left %d KiB on the heap, want under 512 KiB", grew>>10)
	}
}

// TestClassifyRealErrors checks Classify on errors as the standard library
// makes them.
func TestClassifyRealErrors(t *testing.T) {
	dialErr := func(errno syscall.Errno) error {
		return &url.Error{Op: "Get", URL: "http://x/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}}
	}
	tests := []struct {
		name string
		err  error
		want record.Kind
	}{
		{"refused", dialErr(syscall.ECONNREFUSED), record.KindConnect},
		{"too many open files", &url.Error{Op: "Get", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", syscall.EMFILE)}}, record.KindLocal},
		{"no local port", dialErr(syscall.EADDRNOTAVAIL), record.KindLocal},
		{"resolver timeout", &url.Error{Op: "Get", Err: &net.OpError{Op: "dial", Err: &resolve.Error{Host: "x", Reason: resolve.Timeout,
			Err: &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}}}}, record.KindDNS},
		{"NXDOMAIN", &url.Error{Op: "Get", Err: &net.OpError{Op: "dial", Err: &resolve.Error{Host: "x", Reason: resolve.NotFound,
			Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}}}, record.KindDNS},
	}
	for _, tt := range tests {
		if got := Classify(tt.err); got != tt.want {
			t.Errorf("%s: Classify = %q, want %q", tt.name, got, tt.want)
		}
	}
	if !refused(dialErr(syscall.ECONNREFUSED)) || refused(dialErr(syscall.EHOSTUNREACH)) {
		t.Error("refused does not tell a refused connection from an unreachable host")
	}
}

// TestHostHeader checks that -H 'Host: …' sets the request's Host.
func TestHostHeader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<title>%s</title>", r.Host)
	}))
	t.Cleanup(srv.Close)
	f := newFetcher(t, Options{Header: http.Header{"Host": {"virtual.example"}}}, nil)
	got := f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
	if got.Title != "virtual.example" {
		t.Errorf("the server saw Host %q, want virtual.example (%s)", got.Title, got.Error)
	}
}

// TestKnownHostsBounded checks that the Transport (https here: plain http
// goes through h1) is replaced once maxKnown hosts connected through it, so
// that what it keeps per host is bounded, and that fetches go on unharmed
// across the change.
func TestKnownHostsBounded(t *testing.T) {
	srv := httptest.NewTLSServer(testsite.New(testsite.Options{}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
	dns := dnstest.Start(t)
	dns.AnswerAll(net.IPv4(127, 0, 0, 1))
	f := newFetcherDNS(t, Options{Insecure: true}, nil, dns)
	f.transport.maxKnown = 4
	first := f.transport.t
	for round := range 2 {
		for i := range 10 {
			u := fmt.Sprintf("https://h%d.test:%s/page/%d", i, port, round)
			if got := f.Fetch(context.Background(), target(t, u), nil); got.Status != 200 {
				t.Fatalf("%s: status %d (%s)", u, got.Status, got.Error)
			}
		}
	}
	f.transport.mu.Lock()
	defer f.transport.mu.Unlock()
	if n := len(f.transport.known); n > 4 {
		t.Errorf("%d hosts known, want at most 4", n)
	}
	if f.transport.t == first {
		t.Error("the Transport was never replaced")
	}
}
