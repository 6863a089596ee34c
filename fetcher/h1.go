package fetcher

import (
	"bufio"
	"context"
	"crypto/tls"
	"net"
	"slices"
	"sync"
	"time"
)

// h1 is fanout's own HTTP/1.1 client, for plain http without a proxy, and
// for https when only HTTP/1.1 is spoken (--http1, --warc) (see
// docs/ARCHITECTURE.md, "Connections"): the goroutine that makes a request
// writes it and reads its response itself, on a connection it takes from a
// pool. net/http's Transport gives every connection a goroutine that reads
// and one that writes, and hands each request and response between them and
// the caller over channels: on 2 cores that hand-off cost more CPU than the
// rest of a request (docs/performance.md). The request is written by
// net/http (Request.Write) and the response read by net/http
// (ReadResponse): only the connection's keeping is ours.
//
// Invariants:
//   - A host has at most maxPerHost connections open or being dialed (0:
//     no cap), as MaxConnsPerHost gives the Transport.
//   - A connection is idle (in its host's idle list and in the LRU list)
//     only after its response was read to the end with nothing left over
//     (in br, or in the tls.Conn: tlsLeftOver), and neither side asked to
//     close it; at most maxIdle are idle, the longest idle closed first,
//     and one idle longer than idleTimeout (90 s) is closed instead of
//     used, or when another goes idle after it.
//   - A connection is closed through conn (a Capturer's wrapper writes
//     its last exchange then), never through raw alone.
//   - A host's entry exists only while it has a connection open or a
//     request waiting for one: a host that refuses leaves nothing behind.
//   - A request that finds its reused connection closed by the server
//     before any byte of a response came is sent again on another
//     connection (GET and HEAD only are sent: both are idempotent), as
//     net/http does.
type h1 struct {
	dial        func(ctx context.Context, network, addr string) (net.Conn, error)
	wrap        func(c net.Conn, scheme string) net.Conn // Capture's; nil: none
	secure      *tls.Config                              // https: TLS over each connection, offering http/1.1 only; nil: plain http
	maxPerHost  int
	maxIdle     int
	idleTimeout time.Duration
	headerLimit int64 // bytes of a response's header (1xx included)

	mu    sync.Mutex
	hosts map[string]*h1Host
	lru   h1Conn // sentinel of the idle connections, oldest first
	nidle int
}

// h1Host is what the pool keeps of one host (host:port).
type h1Host struct {
	open    int       // connections open or being dialed
	idle    []*h1Conn // most recently idle last
	waiting int       // requests waiting for a connection
	freed   chan struct{}
}

// h1Conn is one connection of the pool.
type h1Conn struct {
	conn   net.Conn // as used: wrapped by Capture, if any; closed through this, so a Capturer writes the last exchange and lets go
	raw    net.Conn // as dialed
	br     *bufio.Reader
	tls    *tls.ConnectionState // https; nil for plain http
	tc     *tls.Conn            // https: the TLS layer under conn; nil for plain http
	host   string
	limit  int64 // bytes br may still read from conn; see Read
	idleAt time.Time

	prev, next *h1Conn // in the pool's LRU list while idle
}

// h1HeaderLimit is the most bytes a response's header may take: net/http's
// Transport default (MaxResponseHeaderBytes).
const h1HeaderLimit = 10 << 20

// h1ReadBuffer is each connection's read buffer: net/http's default.
const h1ReadBuffer = 4 << 10

// newH1 returns a pool of plain http connections, or of https ones when
// secure is not nil.
func newH1(dial func(context.Context, string, string) (net.Conn, error), secure *tls.Config, wrap func(net.Conn, string) net.Conn, maxPerHost, maxIdle int) *h1 {
	if secure != nil {
		secure = secure.Clone()
		secure.NextProtos = []string{"http/1.1"}
	}
	p := &h1{dial: dial, secure: secure, wrap: wrap, maxPerHost: maxPerHost, maxIdle: maxIdle,
		idleTimeout: 90 * time.Second, headerLimit: h1HeaderLimit, hosts: map[string]*h1Host{}}
	p.lru.prev, p.lru.next = &p.lru, &p.lru
	return p
}

// get returns an idle connection to addr (reused), or dials a new one when
// addr has fewer than maxPerHost, or waits for one of the two.
func (p *h1) get(ctx context.Context, addr string) (c *h1Conn, reused bool, err error) {
	p.mu.Lock()
	h := p.hosts[addr]
	if h == nil {
		h = &h1Host{}
		p.hosts[addr] = h
	}
	for {
		for len(h.idle) > 0 {
			c = h.idle[len(h.idle)-1]
			h.idle[len(h.idle)-1] = nil
			h.idle = h.idle[:len(h.idle)-1]
			p.unlink(c)
			// c is ours now, and still counted in open, so h stays in
			// hosts: the look at it (a system call) and its closing (a
			// Capturer writes its last exchange then) go unlocked.
			p.mu.Unlock()
			if time.Since(c.idleAt) < p.idleTimeout && !closedWhileIdle(c.raw) {
				return c, true, nil
			}
			c.conn.Close()
			p.mu.Lock()
			h.open--
		}
		if p.maxPerHost <= 0 || h.open < p.maxPerHost {
			h.open++
			p.mu.Unlock()
			c, err = p.connect(ctx, addr)
			if err != nil {
				p.mu.Lock()
				h.open--
				p.freeLocked(addr, h)
				p.mu.Unlock()
				return nil, false, err
			}
			return c, false, nil
		}
		if h.freed == nil {
			h.freed = make(chan struct{})
		}
		freed := h.freed
		h.waiting++
		p.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
		}
		p.mu.Lock()
		h.waiting--
		if ctx.Err() != nil {
			p.freeLocked(addr, h)
			p.mu.Unlock()
			return nil, false, ctx.Err()
		}
	}
}

// connect dials addr, and makes the TLS handshake over https.
func (p *h1) connect(ctx context.Context, addr string) (*h1Conn, error) {
	raw, err := p.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &h1Conn{conn: raw, raw: raw, host: addr}
	scheme := "http"
	if p.secure != nil {
		scheme = "https"
		conf := p.secure
		if host, _, err := net.SplitHostPort(addr); err == nil && conf.ServerName == "" {
			conf = conf.Clone() // a Config per connection, as net/http's Transport makes
			conf.ServerName = host
		}
		tc := tls.Client(raw, conf)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		state := tc.ConnectionState()
		c.conn, c.tls, c.tc = tc, &state, tc
	}
	if p.wrap != nil {
		c.conn = p.wrap(c.conn, scheme)
	}
	c.br = bufio.NewReaderSize(c, h1ReadBuffer)
	return c, nil
}

// put makes c idle, closing the longest idle connections while more than
// maxIdle are, and those idle for idleTimeout.
func (p *h1) put(c *h1Conn) {
	p.mu.Lock()
	h := p.hosts[c.host]
	c.idleAt = time.Now()
	h.idle = append(h.idle, c)
	c.prev, c.next = p.lru.prev, &p.lru
	c.prev.next, p.lru.prev = c, c
	p.nidle++
	p.wakeLocked(h)
	// The longest idle go first: beyond maxIdle, or idle for idleTimeout
	// (a server has closed most of those by then, and each holds a socket).
	var old []*h1Conn
	for o := p.lru.next; o != c && (p.nidle > p.maxIdle || c.idleAt.Sub(o.idleAt) >= p.idleTimeout); o = p.lru.next {
		p.dropIdleLocked(o)
		old = append(old, o)
	}
	p.mu.Unlock()
	for _, o := range old {
		o.conn.Close() // unlocked: a Capturer writes its last exchange then
	}
}

// discard closes c, which is not idle.
func (p *h1) discard(c *h1Conn) {
	c.conn.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hosts[c.host]
	h.open--
	p.freeLocked(c.host, h)
}

// dropIdleLocked takes idle c out of the pool, to be closed by the caller
// (unlocked). p.mu is held.
func (p *h1) dropIdleLocked(c *h1Conn) {
	h := p.hosts[c.host]
	if i := slices.Index(h.idle, c); i >= 0 {
		h.idle = slices.Delete(h.idle, i, i+1) // the freed slot is zeroed: no closed connection kept
	}
	p.unlink(c)
	h.open--
	p.freeLocked(c.host, h)
}

// unlink takes idle c out of the LRU list. p.mu is held.
func (p *h1) unlink(c *h1Conn) {
	c.prev.next, c.next.prev = c.next, c.prev
	c.prev, c.next = nil, nil
	p.nidle--
}

// freeLocked wakes h's waiters (a connection closed or went idle), and
// drops h when it keeps nothing. p.mu is held.
func (p *h1) freeLocked(addr string, h *h1Host) {
	p.wakeLocked(h)
	if h.open == 0 && h.waiting == 0 {
		delete(p.hosts, addr)
	}
}

func (p *h1) wakeLocked(h *h1Host) {
	if h.freed != nil {
		close(h.freed)
		h.freed = nil
	}
}

// CloseIdleConnections closes every idle connection.
func (p *h1) CloseIdleConnections() {
	var idle []*h1Conn
	p.mu.Lock()
	for c := p.lru.next; c != &p.lru; c = p.lru.next {
		p.dropIdleLocked(c)
		idle = append(idle, c)
	}
	p.mu.Unlock()
	for _, c := range idle {
		c.conn.Close() // unlocked: a Capturer writes its last exchange then
	}
}
