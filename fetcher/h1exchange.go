package fetcher

// One exchange of h1 (h1.go): the request written and the answer read by
// the goroutine that asked, on a connection from the pool.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// Read reads from the connection, at most limit bytes: the bufio.Reader
// over it reads a response's header through this, so that a server
// sending an endless header runs out of limit, not of memory.
func (c *h1Conn) Read(p []byte) (int, error) {
	if c.limit <= 0 {
		return 0, errHeaderTooLong
	}
	if int64(len(p)) > c.limit {
		p = p[:c.limit]
	}
	n, err := c.conn.Read(p)
	c.limit -= int64(n)
	return n, err
}

var errHeaderTooLong = fmt.Errorf("server response headers exceeded %d bytes; aborted", h1HeaderLimit)

// RoundTrip sends req (a GET or HEAD to an http URL) and reads the
// response's header; the body is read from the connection as the caller
// reads it, and the connection goes back to the pool at its end.
func (p *h1) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	addr := input.HostKey(req.URL)
	for {
		c, reused, err := p.get(ctx, addr)
		if err != nil {
			return nil, err
		}
		if trace := httptrace.ContextClientTrace(ctx); trace != nil && trace.GotConn != nil {
			trace.GotConn(httptrace.GotConnInfo{Conn: c.conn, Reused: reused, WasIdle: reused})
		}
		resp, sent, err := p.exchange(ctx, c, req)
		if err == nil {
			return resp, nil
		}
		if !reused || sent || ctx.Err() != nil {
			return nil, err
		}
		// The server closed the idle connection as the request went out: send it again.
	}
}

// exchange writes req on c and reads the response's header. sent reports
// whether a byte of a response came: if not, the server may have closed c
// while it was idle, and req was never seen. On error c is closed.
func (p *h1) exchange(ctx context.Context, c *h1Conn, req *http.Request) (resp *http.Response, sent bool, err error) {
	// ctx's end closes c (its end, so c is discarded): through what it is
	// read with, so that a Capturer knows fanout ended it, not the server,
	// as net/http's Transport closes it.
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	defer func() {
		if err != nil {
			stop()
			p.discard(c)
			if ctx.Err() != nil {
				err = ctx.Err()
			}
		}
	}()
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(c.conn)
	err = req.Write(bw)
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	writers.Put(bw)
	if err != nil {
		return nil, false, err
	}
	c.limit = p.headerLimit
	if _, err := c.br.Peek(1); err != nil {
		return nil, false, err
	}
	for {
		resp, err = http.ReadResponse(c.br, req)
		if err != nil {
			if c.limit <= 0 {
				err = errHeaderTooLong
			}
			return nil, true, err
		}
		if resp.StatusCode < 100 || resp.StatusCode > 199 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		// An interim response (100 Continue, 103 Early Hints): the answer follows.
	}
	c.limit = 1<<63 - 1
	resp.TLS = c.tls
	reuse := !resp.Close && !req.Close && resp.StatusCode >= 200
	if resp.Body == http.NoBody {
		p.end(c, stop, reuse)
		return resp, true, nil
	}
	resp.Body = &h1Body{p: p, c: c, body: resp.Body, stop: stop, ctx: ctx, reuse: reuse}
	return resp, true, nil
}

// writers are the buffers requests are written through (writeBufferSize),
// shared by all connections: a connection holds none between requests.
var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, writeBufferSize) }}

// aLongTimeAgo is a deadline in the past: setting it ends a blocked read
// or write at once.
var aLongTimeAgo = time.Unix(1, 0)

// h1Body is a response's body: at its end the connection goes back to
// the pool, or is closed.
type h1Body struct {
	p     *h1
	c     *h1Conn
	body  io.ReadCloser // ReadResponse's
	stop  func() bool   // of the AfterFunc that ends reads when ctx does
	ctx   context.Context
	reuse bool
	err   error // what every Read returns once the body ended: io.EOF, a failure, errBodyClosed
}

func (b *h1Body) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.body.Read(p)
	switch {
	case err == io.EOF:
		b.err = io.EOF
		b.p.end(b.c, b.stop, b.reuse)
	case err != nil:
		if b.ctx.Err() != nil {
			err = b.ctx.Err()
		}
		b.err = err
		b.p.end(b.c, b.stop, false)
	}
	return n, err
}

// Close closes the connection if the body was not read to its end:
// reading the rest could take long, and a body cut short (--max-body)
// usually has more.
func (b *h1Body) Close() error {
	if b.err == nil {
		b.err = errBodyClosed
		b.p.end(b.c, b.stop, false)
	}
	return nil
}

var errBodyClosed = errors.New("http: read on closed response body")

// end ends c's exchange: back to the pool if reuse and nothing is left
// over and the AfterFunc had not run, else closed.
func (p *h1) end(c *h1Conn, stop func() bool, reuse bool) {
	if stop() && reuse && c.br.Buffered() == 0 && !c.tlsLeftOver() {
		p.put(c)
		return
	}
	p.discard(c)
}

// tlsLeftOver reports whether c's TLS layer holds bytes nobody read. A
// tls.Conn decrypts a whole record (up to 16 KiB) and keeps what did not
// fit the read it served, and a read larger than br's buffer goes around
// it: bytes after the answer in the answer's record are seen neither by
// br.Buffered nor by the socket's peek (closedWhileIdle), and the next
// request would read them as its answer. A read with a deadline in the
// past returns them if there are any, and reads nothing from the socket.
// Called only once the AfterFunc is stopped: c is then the caller's alone.
func (c *h1Conn) tlsLeftOver() bool {
	if c.tc == nil {
		return false
	}
	c.tc.SetReadDeadline(aLongTimeAgo)
	var one [1]byte
	n, err := c.tc.Read(one[:])
	c.tc.SetReadDeadline(time.Time{})
	return n > 0 || !errors.Is(err, os.ErrDeadlineExceeded)
}
