package fetcher

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/record"
)

// TestH1AgainstTransport fetches the hostile site through h1 and through
// net/http's Transport, a client that shares no connection code with h1,
// and wants the same record from both: over plain http, and over https
// with HTTP/1.1 only (--http1).
func TestH1AgainstTransport(t *testing.T) {
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	tlsSrv := httptest.NewTLSServer(site)
	t.Cleanup(tlsSrv.Close)
	opts := Options{MaxBody: 1 << 20, HTTP1: true, Insecure: true, Exchange: ExchangeTLS | ExchangeIP}
	ours, theirs := newFetcher(t, opts, nil), newFetcher(t, opts, nil)
	theirs.transport.h1, theirs.transport.h1s = nil, nil
	for _, base := range []string{srv.URL, tlsSrv.URL} {
		if got := ours.Fetch(context.Background(), target(t, base+"/page/1"), nil); got.Status != 200 {
			t.Fatalf("%s: status %d (%s)", base, got.Status, got.Error)
		}
	}
	if ours.transport.h1.nidle != 1 || ours.transport.h1s.nidle != 1 {
		t.Fatalf("idle connections: %d plain, %d TLS; want 1 each, from h1", ours.transport.h1.nidle, ours.transport.h1s.nidle)
	}
	paths := []string{
		"/page/7", testsite.PathInfinite, testsite.PathGzipBomb, testsite.PathRedirectLoop,
		testsite.PathRedirectFile, testsite.PathRedirectChain + "3", testsite.PathReset,
		testsite.PathBigTitle, testsite.PathLateTitle, testsite.PathBinary, testsite.PathJSON,
		testsite.PathMalformed, testsite.PathStatus + "404", testsite.PathStatus + "503?retry-after=1",
		testsite.PathHeader + "Accept-Encoding", testsite.PathHeader + "User-Agent",
	}
	for _, base := range []string{srv.URL, tlsSrv.URL} {
		for _, p := range paths {
			t.Run(base[:5]+p, func(t *testing.T) {
				t.Parallel()
				tg := target(t, base+p)
				got, want := ours.Fetch(context.Background(), tg, nil), theirs.Fetch(context.Background(), tg, nil)
				if got.Status != want.Status || got.Title != want.Title || got.Size != want.Size ||
					got.Truncated != want.Truncated || got.ErrorKind != want.ErrorKind ||
					got.Redirects != want.Redirects || got.ContentType != want.ContentType || got.Proto != want.Proto {
					t.Errorf("h1: %d %q size %d truncated %v kind %q (%s) redirects %d %q %s\nTransport: %d %q size %d truncated %v kind %q (%s) redirects %d %q %s",
						got.Status, got.Title, got.Size, got.Truncated, got.ErrorKind, got.Error, got.Redirects, got.ContentType, got.Proto,
						want.Status, want.Title, want.Size, want.Truncated, want.ErrorKind, want.Error, want.Redirects, want.ContentType, want.Proto)
				}
				if (got.IP == "") != (want.IP == "") {
					t.Errorf("ip %q, Transport %q", got.IP, want.IP)
				}
				if g, w := fmt.Sprintf("%+v", got.TLS), fmt.Sprintf("%+v", want.TLS); g != w {
					t.Errorf("tls %s\nTransport %s", g, w)
				}
			})
		}
	}
}

// rawServer serves each connection with serve, on 127.0.0.1, and counts
// the connections it accepted.
type rawServer struct {
	ln    net.Listener
	conns atomic.Int64
	wg    sync.WaitGroup
}

func newRawServer(t *testing.T, serve func(n int64, c net.Conn, br *bufio.Reader)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := s.conns.Add(1)
			s.wg.Go(func() {
				defer c.Close()
				serve(n, c, bufio.NewReader(c))
			})
		}
	})
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *rawServer) url(path string) string { return "http://" + s.ln.Addr().String() + path }

// readRequest reads one request's head from br, and reports whether one came.
func readRequest(br *bufio.Reader) bool {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return false
		}
		if line == "\r\n" {
			return true
		}
	}
}

func page(title string) string {
	body := "<title>" + title + "</title>"
	return fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

// TestH1ConnectionReuse checks when a connection is used again, and that
// a request never gets an answer meant for no one.
func TestH1ConnectionReuse(t *testing.T) {
	tests := []struct {
		name  string
		serve func(n int64, c net.Conn, br *bufio.Reader)
		conns int64 // the server accepts this many for three fetches in turn
	}{
		{"kept alive", func(n int64, c net.Conn, br *bufio.Reader) {
			for readRequest(br) {
				io.WriteString(c, page(fmt.Sprint("conn ", n)))
			}
		}, 1},
		{"Connection: close, the server keeping it open", func(n int64, c net.Conn, br *bufio.Reader) {
			for readRequest(br) {
				io.WriteString(c, strings.Replace(page(fmt.Sprint("conn ", n)), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1))
			}
		}, 3},
		{"closed after each answer", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(c, page(fmt.Sprint("conn ", n)))
			}
		}, 3},
		{"closed when the second request comes: sent again on a new connection", func(n int64, c net.Conn, br *bufio.Reader) {
			for i := 0; readRequest(br); i++ {
				if i == 1 && n == 1 {
					return
				}
				io.WriteString(c, page(fmt.Sprint("conn ", n)))
			}
		}, 2},
		{"an answer nobody asked for is not taken as the next one's", func(n int64, c net.Conn, br *bufio.Reader) {
			for readRequest(br) {
				io.WriteString(c, page(fmt.Sprint("conn ", n))+page("unasked"))
			}
		}, 3},
		{"an interim 103 comes before the answer", func(n int64, c net.Conn, br *bufio.Reader) {
			for readRequest(br) {
				io.WriteString(c, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"+page(fmt.Sprint("conn ", n)))
			}
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRawServer(t, tt.serve)
			f := newFetcher(t, Options{}, nil)
			seen := map[string]bool{}
			for i := range 3 {
				got := f.Fetch(context.Background(), target(t, srv.url(fmt.Sprint("/", i))), nil)
				if got.Status != 200 || !strings.HasPrefix(got.Title, "conn ") {
					t.Fatalf("fetch %d: status %d title %q (%s)", i, got.Status, got.Title, got.Error)
				}
				seen[got.Title] = true
			}
			if n := srv.conns.Load(); n != tt.conns || int64(len(seen)) != tt.conns {
				t.Errorf("%d connections accepted, answers from %d, want %d", n, len(seen), tt.conns)
			}
		})
	}
}

// TestH1LateUnasked checks that bytes a server sends on an idle
// connection, after the answer was read, make the connection unfit: the
// next request goes on a new one.
func TestH1LateUnasked(t *testing.T) {
	send, sent := make(chan struct{}), make(chan struct{})
	srv := newRawServer(t, func(n int64, c net.Conn, br *bufio.Reader) {
		for i := 0; readRequest(br); i++ {
			io.WriteString(c, page(fmt.Sprint("conn ", n)))
			if n == 1 && i == 0 {
				<-send
				io.WriteString(c, page("unasked"))
				close(sent)
			}
		}
	})
	f := newFetcher(t, Options{}, nil)
	first := f.Fetch(context.Background(), target(t, srv.url("/1")), nil)
	close(send)
	<-sent // on loopback, in the client's socket once written
	second := f.Fetch(context.Background(), target(t, srv.url("/2")), nil)
	if first.Title != "conn 1" || second.Title != "conn 2" {
		t.Errorf("titles %q (%s), %q (%s); want conn 1, conn 2", first.Title, first.Error, second.Title, second.Error)
	}
}

// TestH1ConnsPerHost checks that a host never has more than maxPerHost
// connections, however many requests want one at once, and that the pool
// keeps nothing of a host once its connections are closed.
func TestH1ConnsPerHost(t *testing.T) {
	var open, most atomic.Int64
	srv := httptest.NewUnstartedServer(testsite.New(testsite.Options{}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			n := open.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	f := newFetcher(t, Options{IdleConnsPerHost: 2}, nil)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 10 {
				if got := f.Fetch(context.Background(), target(t, fmt.Sprintf("%s/page/%d", srv.URL, i*10+j)), nil); got.Status != 200 {
					t.Errorf("status %d (%s)", got.Status, got.Error)
				}
			}
		})
	}
	wg.Wait()
	if m := most.Load(); m > 2 {
		t.Errorf("%d connections open at once, want at most 2", m)
	}
	f.Close()
	p := f.transport.h1
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.hosts) != 0 || p.nidle != 0 {
		t.Errorf("%d hosts and %d idle connections kept after Close", len(p.hosts), p.nidle)
	}
}

// TestH1IdleBound checks that at most maxIdle connections stay idle, the
// longest idle closed first, and none idle for idleTimeout.
func TestH1IdleBound(t *testing.T) {
	tests := []struct {
		name        string
		maxIdle     int
		idleTimeout time.Duration
		kept        []int // the servers whose connections stay idle, longest idle first
	}{
		{"at most 2", 2, time.Hour, []int{2, 3}},
		{"idle timeout 0: only the last", 1024, 0, []int{3}},
		{"neither bound reached", 1024, time.Hour, []int{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, Options{}, nil)
			p := f.transport.h1
			p.maxIdle, p.idleTimeout = tt.maxIdle, tt.idleTimeout
			var hosts []string
			for range 4 {
				srv := httptest.NewServer(testsite.New(testsite.Options{}))
				t.Cleanup(srv.Close)
				hosts = append(hosts, strings.TrimPrefix(srv.URL, "http://"))
				if got := f.Fetch(context.Background(), target(t, srv.URL+"/page/1"), nil); got.Status != 200 {
					t.Fatalf("status %d (%s)", got.Status, got.Error)
				}
			}
			p.mu.Lock()
			defer p.mu.Unlock()
			var kept, want []string
			for c := p.lru.next; c != &p.lru; c = c.next {
				kept = append(kept, c.host)
			}
			for _, i := range tt.kept {
				want = append(want, hosts[i])
			}
			if fmt.Sprint(kept) != fmt.Sprint(want) || p.nidle != len(want) || len(p.hosts) != len(want) {
				t.Errorf("idle %v (%d, %d hosts), want %v", kept, p.nidle, len(p.hosts), want)
			}
		})
	}
}

// TestH1Canceled checks that a request waiting for its answer ends when
// its context does, as canceled, and leaves no connection behind.
func TestH1Canceled(t *testing.T) {
	arrived := make(chan struct{})
	srv := newRawServer(t, func(_ int64, c net.Conn, br *bufio.Reader) {
		if readRequest(br) {
			close(arrived)
			io.Copy(io.Discard, br) // until the client closes
		}
	})
	f := newFetcher(t, Options{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	got := f.Fetch(ctx, target(t, srv.url("/")), nil)
	if got.ErrorKind != record.KindCanceled {
		t.Errorf("kind %q (%s), want canceled", got.ErrorKind, got.Error)
	}
	p := f.transport.h1
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.hosts) != 0 {
		t.Errorf("%d hosts kept", len(p.hosts))
	}
}

// TestH1HeaderLimit checks that a header without end fails the request
// once it passes the limit, rather than filling memory.
func TestH1HeaderLimit(t *testing.T) {
	srv := newRawServer(t, func(_ int64, c net.Conn, br *bufio.Reader) {
		if !readRequest(br) {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\n")
		line := "X-Filler: " + strings.Repeat("x", 1000) + "\r\n"
		for {
			if _, err := io.WriteString(c, line); err != nil {
				return
			}
		}
	})
	f := newFetcher(t, Options{Timeout: time.Minute}, nil)
	f.transport.h1.headerLimit = 64 << 10
	got := f.Fetch(context.Background(), target(t, srv.url("/")), nil)
	if got.ErrorKind != record.KindProtocol || !strings.Contains(got.Error, "headers exceeded") {
		t.Errorf("kind %q (%s), want protocol, headers exceeded", got.ErrorKind, got.Error)
	}
}

// TestClosedWhileIdle checks the look at an idle connection, on a real
// socket: a byte nobody asked for, or the server's close, make it unfit.
func TestClosedWhileIdle(t *testing.T) {
	tests := []struct {
		name string
		then func(server net.Conn)
		want bool
	}{
		{"quiet", func(net.Conn) {}, false},
		{"a byte came", func(s net.Conn) { s.Write([]byte("H")) }, true},
		{"closed", func(s net.Conn) { s.Close() }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			client, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			server, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer server.Close()
			tt.then(server) // loopback: done when the call returns
			if got := closedWhileIdle(client); got != tt.want {
				t.Errorf("closedWhileIdle %v, want %v", got, tt.want)
			}
		})
	}
}
