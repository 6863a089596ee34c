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

// closeCounter is a Capturer that counts the connections it wrapped,
// those closed through their wrapper (warc.Recorder writes a connection's
// last exchange, and lets go of it, when its wrapper is closed), and those
// whose reads failed before that: warc.Recorder says the peer ended them.
type closeCounter struct {
	mu                     sync.Mutex
	wrapped, closed, ended int
}

func (cc *closeCounter) Wrap(c net.Conn, _ string) net.Conn {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.wrapped++
	return &countedConn{Conn: c, cc: cc}
}

func (cc *closeCounter) counts() (wrapped, closed, ended int) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.wrapped, cc.closed, cc.ended
}

type countedConn struct {
	net.Conn
	cc            *closeCounter
	closed, ended bool // under cc.mu
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.cc.mu.Lock()
	if err != nil && !c.closed && !c.ended {
		c.ended = true
		c.cc.ended++
	}
	c.cc.mu.Unlock()
	return n, err
}

func (c *countedConn) Close() error {
	c.cc.mu.Lock()
	if !c.closed {
		c.closed = true
		c.cc.closed++
	}
	c.cc.mu.Unlock()
	return c.Conn.Close()
}

// TestH1ClosesThroughCapture checks that h1 closes a captured connection
// through the Capturer's wrapper, on every path that ends one (the
// server's Connection: close, a body cut at --max-body, a timeout, an
// idle connection the server closed, Close): the wrapper writes the
// connection's last exchange when closed, and holds it until then. A
// connection fanout ends (a timeout) is closed before its reads fail, so
// that the record does not say the server ended it, as with net/http's
// Transport.
func TestH1ClosesThroughCapture(t *testing.T) {
	big := strings.Repeat("x", 64<<10)
	tests := []struct {
		name    string
		serve   func(n int64, c net.Conn, br *bufio.Reader)
		fetches int
		open    int // connections still open (idle) after the fetches
		ended   int // connections whose reads failed before they were closed
	}{
		{"Connection: close", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(c, strings.Replace(page("t"), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1))
				io.Copy(io.Discard, br)
			}
		}, 1, 0, 0},
		{"body cut at --max-body", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(big), big)
				io.Copy(io.Discard, br)
			}
		}, 1, 0, 0},
		{"timeout waiting for the answer", func(n int64, c net.Conn, br *bufio.Reader) {
			io.Copy(io.Discard, br)
		}, 1, 0, 0},
		{"timeout reading the body", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<title>")
				io.Copy(io.Discard, br)
			}
		}, 1, 0, 0},
		{"the server ends the body early", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<title>")
			}
		}, 1, 0, 1},
		{"an idle connection the server closed", func(n int64, c net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(c, page("t"))
			}
		}, 2, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRawServer(t, tt.serve)
			cc := &closeCounter{}
			f := newFetcher(t, Options{Capture: cc, MaxBody: 1 << 10, Timeout: 200 * time.Millisecond}, nil)
			for i := range tt.fetches {
				f.Fetch(context.Background(), target(t, srv.url(fmt.Sprint("/", i))), nil)
			}
			if wrapped, closed, ended := cc.counts(); wrapped-closed != tt.open || ended != tt.ended {
				t.Errorf("%d connections wrapped, %d closed through the wrapper, %d ended by the server: want %d left open, %d ended",
					wrapped, closed, ended, tt.open, tt.ended)
			}
			f.Close()
			if wrapped, closed, _ := cc.counts(); wrapped != closed {
				t.Errorf("after Close: %d connections wrapped, %d closed through the wrapper", wrapped, closed)
			}
		})
	}
}
