package fetcher

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/resolve"
)

// maxKnownHosts is how many hosts may have connected through one Transport
// before it is replaced by a fresh one: it bounds what a Transport keeps per
// host, whatever the hosts do.
const maxKnownHosts = 4096

// maxFailedFirsts is how many hosts may have failed their first connection
// through one Transport before it is replaced: each leaves a few hundred
// bytes behind in it (see conns).
const maxFailedFirsts = 1024

// conns sends every request over one keep-alive Transport, and makes a
// host's first connection alone: while a host that has not yet connected
// through the Transport is being connected to, the host's other requests
// wait for that connection to be made (or to fail) before they ask for
// theirs. Then, over HTTP/2, they share the connection made (the Transport
// pools it before handing it over); over HTTP/1.1, they open at most
// MaxConnsPerHost (the per-host concurrency) connections in all. Without
// the wait, every request in flight to a new host dials its own connection
// at once, and an h2 host gets as many connections as requests.
//
// Memory: net/http's Transport keeps, per host key, a queue of requests
// waiting for an idle connection, and removes a key's entry only when a
// connection to that key goes idle (Go 1.26 net/http/transport.go,
// queueForIdleConn, tryPutIdleConn). A host whose first connection fails
// (refused, unreachable) leaves its entry behind for good: a million refused
// hosts kept hundreds of megabytes. So the Transport is replaced (its idle
// connections closed, its requests in flight left to finish on it) once
// maxFailedFirsts hosts failed their first connection through it, or
// maxKnownHosts hosts connected through it: what one Transport keeps is
// bounded, and an old one is garbage once its last request ends. A host
// that connected is tried again alone on the next Transport.
type conns struct {
	newTransport func() *http.Transport
	dial         *dialer // the Transports' own
	proxied      bool    // requests may go through a proxy: no dial of a first connection here
	h1           *h1     // plain http without a proxy; nil: through the Transport
	h1s          *h1     // https without a proxy when only HTTP/1.1 is spoken; nil: through the Transport

	mu       sync.RWMutex // read-locked on every request to a known host: nothing else
	t        *http.Transport
	known    map[connKey]struct{} // hosts that connected through t
	first    map[connKey]*firstConn
	failed   int // hosts whose first connection through t failed
	maxKnown int // maxKnownHosts; tests set less
	maxFail  int // maxFailedFirsts; tests set less
}

// connKey names a host as its connections do: scheme and input.HostKey.
// Made per request without allocating (a string key would be built).
type connKey struct{ scheme, host string }

// firstConn is a host's first connection being made; done is closed once it
// is made or has failed.
type firstConn struct{ done chan struct{} }

// hpackTableSize bounds the HPACK table our h2 requests' headers are
// indexed in: 1 byte, so nothing is indexed. A run asks each path once,
// and indexing every new :path made both ends add it to the table and
// evict an older one per request, for nothing. Measured over TLS with h2,
// 20,000 pages of one host, alternating pairs of the two builds: 2% less
// client CPU and 3% more requests per second on a quiet machine, 18% less
// CPU with the machine loaded (docs/performance.md). The other headers go
// as literals too: about 100 bytes more per request.
const hpackTableSize = 1

// writeBufferSize is the buffer an HTTP/1.1 connection writes its requests
// through: a GET's request line and headers, a few hundred bytes (a larger
// request goes in more than one write). net/http's default, 4 KiB, kept
// 4 KiB a connection for nothing: 41 MiB of live heap of 10,000 requests
// in flight (heap profile), and three times that in heap the collector
// lets grow at GOGC 200 (docs/performance.md).
const writeBufferSize = 1024

func newConns(opts Options, res *resolve.Resolver) *conns {
	d := &dialer{net: net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}, resolver: res}
	tlsConf := &tls.Config{
		InsecureSkipVerify: opts.Insecure,
		RootCAs:            opts.RootCAs,
		// Shared by the Transports, so that a host met again on a new
		// Transport resumes its TLS session.
		ClientSessionCache: tls.NewLRUClientSessionCache(256),
	}
	proxy := http.ProxyFromEnvironment
	if opts.Proxy != nil {
		proxy = http.ProxyURL(opts.Proxy)
	}
	var protos http.Protocols
	protos.SetHTTP1(true)
	protos.SetHTTP2(!opts.HTTP1 && opts.Capture == nil)
	// Through a proxy, requests to many hosts may share one Transport key
	// (http over an HTTP proxy): no cap on its connections then.
	maxConns := opts.IdleConnsPerHost
	if proxied(opts) {
		maxConns = 0
	}
	mk := func() *http.Transport {
		t := &http.Transport{
			Proxy:               proxy,
			DialContext:         d.DialContext,
			Protocols:           &protos,
			HTTP2:               &http.HTTP2Config{MaxEncoderHeaderTableSize: hpackTableSize},
			MaxIdleConns:        max(1024, opts.IdleConnsPerHost),
			MaxIdleConnsPerHost: opts.IdleConnsPerHost,
			MaxConnsPerHost:     maxConns,
			IdleConnTimeout:     90 * time.Second,
			WriteBufferSize:     writeBufferSize,
			TLSHandshakeTimeout: opts.Timeout,
			TLSClientConfig:     tlsConf.Clone(), // each Transport sets its NextProtos
		}
		if opts.Capture != nil {
			captureConns(t, d, opts.Capture)
		}
		return t
	}
	plain, secure := newH1Pools(opts, d, tlsConf, protos.HTTP2())
	return &conns{
		h1:           plain,
		h1s:          secure,
		newTransport: mk,
		dial:         d,
		proxied:      proxied(opts),
		t:            mk(),
		known:        map[connKey]struct{}{},
		first:        map[connKey]*firstConn{},
		maxKnown:     maxKnownHosts,
		maxFail:      maxFailedFirsts,
	}
}

// newH1Pools returns fanout's own HTTP/1.1 pools (h1.go) for plain http
// and, when h2 is not offered, for https; none through a proxy.
func newH1Pools(opts Options, d *dialer, tlsConf *tls.Config, h2 bool) (plain, secure *h1) {
	if proxied(opts) {
		return nil, nil
	}
	var wrap func(net.Conn, string) net.Conn
	if opts.Capture != nil {
		wrap = opts.Capture.Wrap
	}
	maxIdle := max(1024, opts.IdleConnsPerHost)
	plain = newH1(d.DialContext, nil, wrap, opts.IdleConnsPerHost, maxIdle)
	if !h2 {
		secure = newH1(d.DialContext, tlsConf, wrap, opts.IdleConnsPerHost, maxIdle)
	}
	return plain, secure
}

// RoundTrip sends req over the Transport. If req's host has not connected
// through it yet, req either makes the host's first connection or waits
// until another request made it (or failed), as its context allows.
func (c *conns) RoundTrip(req *http.Request) (*http.Response, error) {
	switch {
	case c.h1 != nil && req.URL.Scheme == "http":
		return c.h1.RoundTrip(req)
	case c.h1s != nil && req.URL.Scheme == "https":
		return c.h1s.RoundTrip(req)
	}
	key := connKey{req.URL.Scheme, input.HostKey(req.URL)}
	for {
		c.mu.RLock()
		t := c.t
		_, known := c.known[key]
		c.mu.RUnlock()
		if known {
			return t.RoundTrip(req)
		}
		c.mu.Lock()
		if _, ok := c.known[key]; ok || t != c.t {
			c.mu.Unlock()
			continue // known, or t replaced, since the read
		}
		fc := c.first[key]
		if fc == nil {
			fc = &firstConn{done: make(chan struct{})}
			c.first[key] = fc
			c.mu.Unlock()
			return c.connectFirst(t, key, fc, req)
		}
		c.mu.Unlock()
		select {
		case <-fc.done:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
}

// connectFirst sends req, the first to key, over t, and ends fc once req
// has a connection or failed to get one. Without a proxy, it first opens
// the TCP connection itself, and hands it to t's dial: a host that cannot be
// reached (no address, refused, unreachable, silent) then never reaches t,
// and leaves nothing in it.
func (c *conns) connectFirst(t *http.Transport, key connKey, fc *firstConn, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !c.proxied {
		conn, err := c.dial.DialContext(ctx, "tcp", key.host)
		if err != nil {
			c.endFirst(t, key, fc, false, false)
			return nil, err
		}
		h := &handoff{conn: conn}
		defer h.closeUntaken()
		ctx = context.WithValue(ctx, handoffKey{}, h)
	}
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { c.endFirst(t, key, fc, true, false) },
	})
	resp, err := t.RoundTrip(req.WithContext(ctx))
	c.endFirst(t, key, fc, false, true) // a no-op once connected
	return resp, err
}

// endFirst ends a host's first connection, made or not, once: the host is
// known to t, or (when t saw it fail) counted among its failures; either may
// replace t.
func (c *conns) endFirst(t *http.Transport, key connKey, fc *firstConn, connected, counted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.first[key] != fc {
		return // ended already
	}
	delete(c.first, key)
	close(fc.done)
	if t != c.t {
		return // t was replaced meanwhile: nothing it counts matters now
	}
	switch {
	case connected:
		c.known[key] = struct{}{}
	case counted:
		c.failed++
	}
	if len(c.known) >= c.maxKnown || c.failed >= c.maxFail {
		c.t.CloseIdleConnections()
		c.t = c.newTransport()
		clear(c.known)
		c.failed = 0
	}
}

// CloseIdleConnections closes the Transport's idle connections.
func (c *conns) CloseIdleConnections() {
	for _, p := range []*h1{c.h1, c.h1s} {
		if p != nil {
			p.CloseIdleConnections()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t.CloseIdleConnections()
}

// proxied reports whether requests may go through a proxy: Options.Proxy,
// or one named in the environment.
func proxied(opts Options) bool {
	if opts.Proxy != nil {
		return true
	}
	for _, name := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		if os.Getenv(name) != "" {
			return true
		}
	}
	return false
}

// errCaptureProxy fails a request that a proxy of the environment would
// carry, when exchanges are captured: the connection's bytes would be the
// proxy's (a CONNECT tunnel's TLS), not the exchange.
var errCaptureProxy = errors.New("--warc does not record through a proxy (HTTPS_PROXY, HTTP_PROXY): add the host to NO_PROXY")

// captureConns makes t's connections pass through capture: plain ones as
// dialed, TLS ones once their handshake (HTTP/1.1 only) is done.
func captureConns(t *http.Transport, d *dialer, capture Capturer) {
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return capture.Wrap(c, "http"), nil
	}
	proxy := t.Proxy
	t.Proxy = func(req *http.Request) (*url.URL, error) {
		if u, err := proxy(req); u != nil || err != nil {
			return nil, errCaptureProxy
		}
		return nil, nil
	}
	conf := t.TLSClientConfig
	t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cc := conf.Clone()
		cc.NextProtos = []string{"http/1.1"}
		if cc.ServerName == "" {
			cc.ServerName, _, _ = net.SplitHostPort(addr)
		}
		tc := tls.Client(c, cc)
		hctx, cancel := context.WithTimeout(ctx, t.TLSHandshakeTimeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			c.Close()
			return nil, err
		}
		return capture.Wrap(tc, "https"), nil
	}
}
