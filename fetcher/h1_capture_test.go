package fetcher

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// closeCounter is a Capturer that counts the connections it wrapped and
// those closed through their wrapper (warc.Recorder writes a connection's
// last exchange, and lets go of it, when its wrapper is closed).
type closeCounter struct {
	mu              sync.Mutex
	wrapped, closed int
}

func (cc *closeCounter) Wrap(c net.Conn, _ string) net.Conn {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.wrapped++
	return &countedConn{Conn: c, cc: cc}
}

func (cc *closeCounter) counts() (wrapped, closed int) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.wrapped, cc.closed
}

type countedConn struct {
	net.Conn
	cc   *closeCounter
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.cc.mu.Lock()
		c.cc.closed++
		c.cc.mu.Unlock()
	})
	return c.Conn.Close()
}

// TestH1ClosesThroughCapture checks that h1 closes a captured connection
// through the Capturer's wrapper, on every path that ends one (the
// server's Connection: close, a body cut at --max-body, a timeout, an
// idle connection the server closed, Close): the wrapper writes the
// connection's last exchange when closed, and holds it until then.
func TestH1ClosesThroughCapture(t *testing.T) {
	big := strings.Repeat("x", 64<<10)
	tests := []struct {
		name    string
		serve   func(n int64, c net.Conn, br *bufio.Reader)
		fetches int
		open    int // connections still open (idle) after the fetches
	}{
		{"Connection: close", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(c, strings.Replace(page("t"), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1))
				io.Copy(io.Discard, br)
			}
		}, 1, 0},
		{"body cut at --max-body", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(big), big)
				io.Copy(io.Discard, br)
			}
		}, 1, 0},
		{"timeout", func(n int64, c net.Conn, br *bufio.Reader) {
			io.Copy(io.Discard, br)
		}, 1, 0},
		{"an idle connection the server closed", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(c, page("t"))
			}
		}, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRawServer(t, tt.serve)
			cc := &closeCounter{}
			f := newFetcher(t, Options{Capture: cc, MaxBody: 1 << 10, Timeout: 200 * time.Millisecond}, nil)
			for i := range tt.fetches {
				f.Fetch(context.Background(), target(t, srv.url(fmt.Sprint("/", i))), nil)
			}
			if wrapped, closed := cc.counts(); wrapped-closed != tt.open {
				t.Errorf("%d connections wrapped, %d closed through the wrapper: want %d left open", wrapped, closed, tt.open)
			}
			f.Close()
			if wrapped, closed := cc.counts(); wrapped != closed {
				t.Errorf("after Close: %d connections wrapped, %d closed through the wrapper", wrapped, closed)
			}
		})
	}
}
