package fetcher

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/resolve"
)

// maxAliveHosts is how many hosts may be marked alive before the keep-alive
// Transport is replaced by a fresh one: it bounds what that Transport keeps
// per host, whatever the hosts do.
const maxAliveHosts = 4096

// conns sends requests over two Transports that share one dialer. A host's
// first exchanges go over connections used once and closed (keep-alive off);
// once the host has answered, it is alive, and its later requests go over
// the keep-alive Transport, whose idle connections are reused.
//
// Why two: net/http's Transport keeps, per host key, a queue of requests
// waiting for an idle connection, and removes a key's entry only when a
// connection to that key goes idle or the key is asked for again (Go 1.26
// net/http/transport.go, queueForIdleConn). A host that never answers leaves
// its entry behind for good: a million refused hosts kept hundreds of
// megabytes. A Transport with keep-alives off keeps no such queue. The
// keep-alive Transport sees only hosts that answered, and it is replaced (its
// idle connections closed, its requests in flight left to finish) once
// maxAliveHosts hosts were marked alive, so that hosts that answered and then
// died cannot make it grow without bound either. A host that has one URL, the
// common case of a list of hosts, never leaves an idle connection open.
type conns struct {
	once    *http.Transport
	newKept func() *http.Transport

	mu       sync.Mutex
	kept     *http.Transport
	alive    map[string]struct{} // scheme://host:port that answered since kept was made
	maxAlive int                 // maxAliveHosts; tests set less
}

func newConns(opts Options, res *resolve.Resolver) *conns {
	d := &dialer{net: net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}, resolver: res}
	tlsConf := &tls.Config{
		InsecureSkipVerify: opts.Insecure,
		RootCAs:            opts.RootCAs,
		// Shared by the clones, so that the keep-alive Transport resumes
		// the TLS session a host's first, closed connection began.
		ClientSessionCache: tls.NewLRUClientSessionCache(256),
	}
	proxy := http.ProxyFromEnvironment
	if opts.Proxy != nil {
		proxy = http.ProxyURL(opts.Proxy)
	}
	mk := func(keepAlive bool) *http.Transport {
		return &http.Transport{
			Proxy:               proxy,
			DialContext:         d.DialContext,
			ForceAttemptHTTP2:   true,
			DisableKeepAlives:   !keepAlive,
			MaxIdleConns:        max(1024, opts.IdleConnsPerHost),
			MaxIdleConnsPerHost: opts.IdleConnsPerHost,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: opts.Timeout,
			TLSClientConfig:     tlsConf.Clone(), // each Transport sets its NextProtos: one each
		}
	}
	return &conns{
		once:     mk(false),
		newKept:  func() *http.Transport { return mk(true) },
		kept:     mk(true),
		alive:    map[string]struct{}{},
		maxAlive: maxAliveHosts,
	}
}

// RoundTrip sends req over the keep-alive Transport if its host is alive,
// else over a connection of its own, and marks the host alive when it
// answers.
func (c *conns) RoundTrip(req *http.Request) (*http.Response, error) {
	key := req.URL.Scheme + "://" + input.HostKey(req.URL)
	c.mu.Lock()
	_, alive := c.alive[key]
	t := c.kept
	c.mu.Unlock()
	if !alive {
		t = c.once
	}
	resp, err := t.RoundTrip(req)
	if err == nil && !alive {
		c.markAlive(key)
	}
	return resp, err
}

func (c *conns) markAlive(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.alive) >= c.maxAlive {
		c.kept.CloseIdleConnections()
		c.kept = c.newKept()
		clear(c.alive)
	}
	c.alive[key] = struct{}{}
}

// CloseIdleConnections closes the keep-alive Transport's idle connections.
func (c *conns) CloseIdleConnections() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kept.CloseIdleConnections()
}
