// Package resolve looks up the addresses of host names for one run: a cache
// bounded in size and in time, concurrent lookups of one name shared, and
// the DNS servers of the user's choice (--resolver) or the system's. Its
// errors say which DNS failure happened (NXDOMAIN, SERVFAIL, a timeout).
package resolve

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/fanout-dev/fanout/input"
)

// Config configures a Resolver. Zero fields take the defaults named.
type Config struct {
	// Servers are DNS servers as host:port (a bare IP gets port 53); every
	// query goes to one of them, in turn. Empty: the system's resolver
	// configuration (/etc/resolv.conf).
	Servers []string
	// Timeout bounds one lookup, all its queries and retries; default 5s.
	Timeout time.Duration
	// MaxNames bounds the names cached, answers and failures together;
	// default 4096. The cache never holds more.
	MaxNames int
	// TTL is how long addresses are kept; default 5 minutes. Go's resolver
	// does not report the records' own TTLs, so one bound serves all.
	TTL time.Duration
	// NegativeTTL is how long a failure is kept; default 5 seconds.
	NegativeTTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Resolver looks up host names through a cache. It is safe for concurrent
// use. The zero value is not usable: call New.
type Resolver struct {
	cfg     Config
	net     *net.Resolver
	flights singleflight.Group
	lookups atomic.Int64

	mu    sync.Mutex
	names map[string]*list.Element // of *entry; at most MaxNames
	order list.List                // least recently used at the back
}

type entry struct {
	host    string
	addrs   []netip.Addr
	err     error
	expires time.Time
}

// New returns a Resolver for cfg.
func New(cfg Config) *Resolver {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.MaxNames <= 0 {
		cfg.MaxNames = 4096
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 5 * time.Minute
	}
	if cfg.NegativeTTL <= 0 {
		cfg.NegativeTTL = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Resolver{cfg: cfg, net: &net.Resolver{}, names: map[string]*list.Element{}}
	if len(cfg.Servers) > 0 {
		r.net = &net.Resolver{PreferGo: true, Dial: serversDialer(cfg.Servers)}
	}
	return r
}

// serversDialer returns a net.Resolver Dial function that ignores the
// server Go's resolver chose from the system configuration and connects to
// the next of servers instead, so no query goes anywhere else.
func serversDialer(servers []string) func(ctx context.Context, network, _ string) (net.Conn, error) {
	var next atomic.Uint64
	var d net.Dialer
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		server := servers[(next.Add(1)-1)%uint64(len(servers))]
		c, err := d.DialContext(ctx, network, server)
		if err != nil {
			return nil, err
		}
		// Go's resolver bounds a query's read by a deadline only; end it
		// when the query's context ends too, so that a lookup nobody waits
		// for any longer stops at once rather than after resolv.conf's
		// timeout.
		context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
		return c, nil
	}
}

// ServerAddr checks a --resolver value and returns it as host:port: an IP
// address, with an optional port (53 when absent). Names are refused, since
// looking them up would need a resolver.
func ServerAddr(s string) (string, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.String(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.AddrPortFrom(a, 53).String(), nil
	}
	return "", fmt.Errorf("%q is not a DNS server address such as 1.1.1.1, 127.0.0.1:5353 or [::1]:53", s)
}

// Lookups returns how many lookups went to the DNS (or the system), as
// opposed to answers from the cache or shared with a concurrent lookup.
func (r *Resolver) Lookups() int64 { return r.lookups.Load() }

// LookupHost returns the addresses of host, a name (not an IP address):
// from the cache when a fresh entry is there, else from one lookup shared by
// every caller that asks for host meanwhile. A caller whose ctx ends stops
// waiting with ctx's error; the shared lookup goes on, bounded by
// Config.Timeout, for the others and the cache. A failed lookup's error is
// an *Error.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	host = input.HostName(host) // the one form of a name: two spellings share an entry
	if e, ok := r.cached(host); ok {
		return e.addrs, e.err
	}
	ch := r.flights.DoChan(host, func() (any, error) {
		// A flight that ended between the miss above and DoChan has
		// stored its answer: use it rather than ask again.
		if e, ok := r.cached(host); ok {
			return e, nil
		}
		e := r.lookup(host)
		r.store(host, e)
		return e, nil
	})
	select {
	case res := <-ch:
		e := res.Val.(entry)
		return e.addrs, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lookup asks the DNS for host's A and AAAA records.
func (r *Resolver) lookup(host string) entry {
	r.lookups.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), r.cfg.Timeout)
	defer cancel()
	addrs, err := r.net.LookupNetIP(ctx, "ip", host)
	now := r.cfg.Now()
	if err != nil {
		return entry{err: newError(host, r.cfg.Timeout, r.namingServers(err)), expires: now.Add(r.cfg.NegativeTTL)}
	}
	for i, a := range addrs {
		addrs[i] = a.Unmap()
	}
	return entry{addrs: addrs, expires: now.Add(r.cfg.TTL)}
}

// cached returns host's entry if it is fresh.
func (r *Resolver) cached(host string) (entry, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	el, ok := r.names[host]
	if !ok {
		return entry{}, false
	}
	e := el.Value.(*entry)
	if !r.cfg.Now().Before(e.expires) {
		r.order.Remove(el)
		delete(r.names, host)
		return entry{}, false
	}
	r.order.MoveToFront(el)
	return *e, true
}

// store caches e for host, dropping the least recently used name when the
// cache is full.
func (r *Resolver) store(host string, e entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.host = host
	if el, ok := r.names[host]; ok {
		*el.Value.(*entry) = e
		r.order.MoveToFront(el)
		return
	}
	if len(r.names) >= r.cfg.MaxNames {
		last := r.order.Back()
		delete(r.names, last.Value.(*entry).host)
		r.order.Remove(last)
	}
	r.names[host] = r.order.PushFront(&e)
}

// namingServers makes Go's *net.DNSError name the configured servers: Go's
// resolver names the one resolv.conf gives (often 127.0.0.1:53), which our
// dialer does not use.
func (r *Resolver) namingServers(err error) error {
	dnsErr, ok := err.(*net.DNSError)
	if !ok || len(r.cfg.Servers) == 0 {
		return err
	}
	named := *dnsErr
	named.Server = strings.Join(r.cfg.Servers, " or ")
	return &named
}

// Reason is what kind of DNS failure an Error is.
type Reason string

// The DNS failures an Error tells apart.
const (
	NotFound      Reason = "NXDOMAIN" // no such name, or no A or AAAA record
	ServerFailure Reason = "SERVFAIL" // the server said it failed
	Timeout       Reason = "timeout"  // no answer within Config.Timeout
	Other         Reason = "error"    // a bad answer, or no server reachable
)

// Error is a failed lookup.
type Error struct {
	Host    string
	Reason  Reason
	Timeout time.Duration // the lookup's bound, for the message
	Err     error         // Go's *net.DNSError, or what else failed
}

func newError(host string, timeout time.Duration, err error) *Error {
	e := &Error{Host: host, Reason: Other, Timeout: timeout, Err: err}
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		e.Reason = NotFound
	case errors.As(err, &dnsErr) && dnsErr.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		e.Reason = Timeout
	case errors.As(err, &dnsErr) && dnsErr.IsTemporary && dnsErr.Err == "server misbehaving":
		// Go's resolver says "server misbehaving" for every bad rcode, and
		// marks only SERVFAIL temporary.
		e.Reason = ServerFailure
	}
	return e
}

func (e *Error) Error() string {
	switch e.Reason {
	case NotFound:
		return fmt.Sprintf("dns: %s: no such host (NXDOMAIN, or no A or AAAA record)", e.Host)
	case ServerFailure:
		return fmt.Sprintf("dns: %s: the DNS server failed to answer (SERVFAIL)", e.Host)
	case Timeout:
		return fmt.Sprintf("dns: %s: no answer from the DNS server within %s (resolver timeout)", e.Host, e.Timeout)
	}
	return fmt.Sprintf("dns: %s: lookup failed: %v", e.Host, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
