package warc

import (
	"bytes"
	"crypto/sha1"
	"crypto/tls"
	"net"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/warc/internal/sha1x2"
)

// Recorder records the HTTP/1.1 exchanges of the connections it wraps:
// the bytes written (a request) and the bytes read until the next request
// or the connection's end (its response), as sent and received — after
// TLS, before any decoding (chunked framing and Content-Encoding kept). Each
// exchange becomes a request and a response record, written whole
// together. Safe for concurrent use.
type Recorder struct {
	w *Writer

	mu     sync.Mutex
	conns  map[*conn]struct{}
	closed bool
}

// NewRecorder returns a Recorder writing to w.
func NewRecorder(w *Writer) *Recorder {
	return &Recorder{w: w, conns: map[*conn]struct{}{}}
}

// Wrap returns c recording its exchanges; scheme (http or https) makes the
// WARC-Target-URI of a request in origin form.
func (r *Recorder) Wrap(c net.Conn, scheme string) net.Conn {
	wc := &conn{Conn: c, rec: r, scheme: scheme, ip: c.RemoteAddr().String(), sums: sha1x2.New()}
	if h, _, err := net.SplitHostPort(wc.ip); err == nil {
		wc.ip = h
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.conns[wc] = struct{}{}
	}
	return wc
}

// Close writes the exchanges still held by open connections (an idle
// keep-alive connection holds its last one), then closes the file.
func (r *Recorder) Close() error {
	r.mu.Lock()
	r.closed = true
	conns := r.conns
	r.conns = nil
	r.mu.Unlock()
	for c := range conns {
		c.mu.Lock()
		c.flush()
		c.mu.Unlock()
	}
	return r.w.Close()
}

// conn is a recorded connection.
type conn struct {
	net.Conn
	rec    *Recorder
	scheme string
	ip     string // the peer's address, for WARC-IP-Address

	mu        sync.Mutex
	req, resp bytes.Buffer
	respEnd   int          // resp's header length (headerEnd), 0 until it has come
	sums      *sha1x2.Pair // SHA-1 of resp as it comes (the block digest), and of its bytes after the header (the payload digest)
	reqAt     time.Time
	respAt    time.Time
	reading   bool // bytes were read since the request: the next write is a new exchange
	peerEnded bool // a read failed before we closed: the peer ended the connection
	ourClose  bool
	cut       bool // the fetcher cut the response being read (--max-body)
	flushes   int  // how many times req and resp were emptied
	fields    [2][8]Field
}

// TLSState is the connection's TLS state, nil for plain HTTP: net/http
// reads it only from a *tls.Conn, which a recorded connection wraps.
func (c *conn) TLSState() *tls.ConnectionState {
	tc, ok := c.Conn.(*tls.Conn)
	if !ok {
		return nil
	}
	cs := tc.ConnectionState()
	return &cs
}

// Cut marks the response being read as cut short by the reader: its
// record says WARC-Truncated: length.
func (c *conn) Cut() {
	c.mu.Lock()
	c.cut = true
	c.mu.Unlock()
}

func (c *conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.reading {
		c.flush()
	}
	if c.req.Len() == 0 {
		c.reqAt = time.Now()
	}
	start, flushes := c.req.Len(), c.flushes
	c.req.Write(p)
	c.mu.Unlock()
	n, err := c.Conn.Write(p)
	if n < len(p) {
		c.mu.Lock()
		// What was not sent leaves the request, unless the exchange was
		// written meanwhile (Close, or the Recorder's at a stop: the
		// write failed because the connection was closed under it).
		if !c.reading && c.flushes == flushes {
			c.req.Truncate(start + n)
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if n > 0 && c.req.Len() > 0 {
		if !c.reading {
			c.respAt = time.Now()
		}
		c.received(p[:n])
		c.reading = true
	}
	if err != nil && !c.ourClose {
		c.peerEnded = true
	}
	c.mu.Unlock()
	return n, err
}

func (c *conn) Close() error {
	c.mu.Lock()
	c.ourClose = true
	c.flush()
	c.mu.Unlock()
	c.rec.mu.Lock()
	delete(c.rec.conns, c)
	c.rec.mu.Unlock()
	return c.Conn.Close()
}

// received holds b, the next bytes of the response, and adds them to the
// response's digests while they are at hand: the block's, and once the
// header has come, the payload's; c.mu held.
func (c *conn) received(b []byte) {
	from := c.resp.Len()
	c.resp.Write(b)
	if c.respEnd > 0 {
		c.sums.WriteBoth(b)
		return
	}
	look := max(from-len(crlf2)+1, 0) // the blank line may have begun in the bytes before
	end := headerEnd(c.resp.Bytes()[look:])
	if end == 0 {
		c.sums.Write(b)
		return
	}
	c.respEnd = look + end // within b: the search found no blank line before it
	c.sums.Write(b[:c.respEnd-from])
	c.sums.WriteBoth(b[c.respEnd-from:])
}

// flush writes the exchange held, if any, and empties it; c.mu held.
func (c *conn) flush() {
	c.flushes++
	if c.req.Len() > 0 {
		c.write() // a write error is the Writer's, reported at Close
	}
	c.req.Reset()
	c.resp.Reset()
	c.sums.Reset()
	c.respEnd = 0
	c.reading, c.cut = false, false
}

// write writes the request record and (when bytes were read) the
// response record of the exchange held; nothing when the request cannot
// be read. The records' blocks are the bytes c holds, not copies: the
// Writer writes them before returning, under c.mu.
func (c *conn) write() {
	method, target, ok := requestLine(c.req.Bytes(), c.scheme)
	if !ok {
		return
	}
	var sums [2][sha1.Size]byte
	reqID, respID := NewID(), NewID()
	req := Record{Type: "request", ID: reqID, Block: c.req.Bytes(), Fields: c.fields[0][:0]}
	sums[0] = sha1.Sum(req.Block)
	req.BlockSum = sums[0][:]
	req.Fields = append(req.Fields, Field{"WARC-Date", Date(c.reqAt)},
		Field{"WARC-Target-URI", target}, Field{"WARC-IP-Address", c.ip})
	if c.resp.Len() > 0 {
		req.Fields = append(req.Fields, Field{"WARC-Concurrent-To", respID})
	}
	if end := headerEnd(req.Block); end > 0 {
		req.Fields = append(req.Fields, Field{"WARC-Payload-Digest", Digest(req.Block[end:])})
	}
	req.Fields = append(req.Fields, Field{"Content-Type", "application/http;msgtype=request"})
	if c.resp.Len() == 0 {
		c.rec.w.Write(req) // no response: a failure before any byte came back
		return
	}
	resp := Record{Type: "response", ID: respID, Block: c.resp.Bytes(), Fields: c.fields[1][:0]}
	var payload [sha1x2.Size]byte
	resp.BlockSum, _ = c.sums.Sums(sums[1][:0], payload[:0])
	resp.Fields = append(resp.Fields, Field{"WARC-Date", Date(c.respAt)},
		Field{"WARC-Target-URI", target}, Field{"WARC-IP-Address", c.ip}, Field{"WARC-Concurrent-To", reqID})
	if c.respEnd > 0 {
		resp.Fields = append(resp.Fields, Field{"WARC-Payload-Digest", string(appendDigest(nil, payload[:]))})
	}
	if why := c.truncated(method); why != "" {
		resp.Fields = append(resp.Fields, Field{"WARC-Truncated", why})
	}
	resp.Fields = append(resp.Fields, Field{"Content-Type", "application/http;msgtype=response"})
	c.rec.w.Write(req, resp)
}

// truncated is the WARC-Truncated reason when the response held is not
// whole by its own framing (Content-Length, chunked, or the connection's
// end), else "": length when the fetcher cut it (--max-body, Cut),
// disconnect when the peer ended the connection, unspecified otherwise
// (a timeout, the run stopped).
func (c *conn) truncated(method string) string {
	switch {
	case responseWhole(c.resp.Bytes(), c.respEnd, method, c.peerEnded):
		return ""
	case c.cut:
		return "length"
	case c.peerEnded:
		return "disconnect"
	}
	return "unspecified"
}
