package warc

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
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
	wc := &conn{Conn: c, rec: r, scheme: scheme}
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

	mu        sync.Mutex
	req, resp bytes.Buffer
	reqAt     time.Time
	respAt    time.Time
	reading   bool // bytes were read since the request: the next write is a new exchange
	peerEnded bool // a read failed before we closed: the peer ended the connection
	ourClose  bool
	cut       bool // the fetcher cut the response being read (--max-body)
	flushes   int  // how many times req and resp were emptied
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
		c.resp.Write(p[:n])
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

// flush writes the exchange held, if any, and empties it; c.mu held.
func (c *conn) flush() {
	c.flushes++
	if c.req.Len() == 0 {
		c.resp.Reset()
		c.reading = false
		return
	}
	if recs := c.records(); recs != nil {
		// The records' blocks are c.req's and c.resp's bytes, not copies:
		// Write encodes them before they are emptied, under c.mu.
		c.rec.w.Write(recs...) // a write error is the Writer's, reported at Close
	}
	c.req.Reset()
	c.resp.Reset()
	c.reading, c.cut = false, false
}

// records are the request and (when bytes were read) response records of
// the exchange held; nil when the request cannot be parsed. Their blocks
// are the bytes c holds: valid until c.req and c.resp are written again.
func (c *conn) records() []Record {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(c.req.Bytes())))
	if err != nil {
		return nil
	}
	target := req.RequestURI
	if !strings.Contains(target, "://") {
		target = c.scheme + "://" + req.Host + req.RequestURI
	}
	ip := c.RemoteAddr().String()
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	reqID, respID := NewID(), NewID()
	common := []Field{{"WARC-Target-URI", target}, {"WARC-IP-Address", ip}}
	reqRec := Record{Type: "request", ID: reqID, Block: c.req.Bytes()}
	reqRec.Fields = append([]Field{{"WARC-Date", Date(c.reqAt)}}, common...)
	if c.resp.Len() > 0 {
		reqRec.Fields = append(reqRec.Fields, Field{"WARC-Concurrent-To", respID})
	}
	reqRec.Fields = append(reqRec.Fields, payloadDigest(reqRec.Block)...)
	reqRec.Fields = append(reqRec.Fields, Field{"Content-Type", "application/http;msgtype=request"})
	if c.resp.Len() == 0 {
		return []Record{reqRec} // no response: a failure before any byte came back
	}
	respRec := Record{Type: "response", ID: respID, Block: c.resp.Bytes()}
	respRec.Fields = append([]Field{{"WARC-Date", Date(c.respAt)}}, common...)
	respRec.Fields = append(respRec.Fields, Field{"WARC-Concurrent-To", reqID})
	respRec.Fields = append(respRec.Fields, payloadDigest(respRec.Block)...)
	if why := c.truncated(req); why != "" {
		respRec.Fields = append(respRec.Fields, Field{"WARC-Truncated", why})
	}
	respRec.Fields = append(respRec.Fields, Field{"Content-Type", "application/http;msgtype=response"})
	return []Record{reqRec, respRec}
}

// payloadDigest is the WARC-Payload-Digest field of an HTTP message: the
// SHA-1 of the bytes after its header, as received (transfer coding kept,
// as wget and gowarc compute it); none when the header is incomplete.
func payloadDigest(msg []byte) []Field {
	i := bytes.Index(msg, []byte("\r\n\r\n"))
	if i < 0 {
		return nil
	}
	return []Field{{"WARC-Payload-Digest", Digest(msg[i+4:])}}
}

// truncated is the WARC-Truncated reason when the response held is not
// whole by its own framing (Content-Length, chunked, or the connection's
// end), else "": length when the fetcher cut it (--max-body, Cut),
// disconnect when the peer ended the connection, unspecified otherwise
// (a timeout, the run stopped).
func (c *conn) truncated(req *http.Request) string {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(c.resp.Bytes())), req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		if err == nil && resp.ContentLength < 0 && len(resp.TransferEncoding) == 0 && !c.peerEnded {
			err = io.ErrUnexpectedEOF // read until close, and we closed first
		}
	}
	switch {
	case err == nil:
		return ""
	case c.cut:
		return "length"
	case c.peerEnded:
		return "disconnect"
	}
	return "unspecified"
}
