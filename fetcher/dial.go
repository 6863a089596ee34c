package fetcher

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/resolve"
)

// dialer opens TCP connections for both Transports, looking host names up
// through the run's resolve.Resolver (one lookup per name, cached) rather
// than through the system resolver on every connection.
type dialer struct {
	net      net.Dialer
	resolver *resolve.Resolver
}

// handoff is a connection opened before the Transport asks for one (see
// conns.connectFirst): the Transport's first dial for the request whose
// context carries it (as the value of handoffKey{}) takes it.
type handoff struct {
	mu   sync.Mutex
	conn net.Conn
}

type handoffKey struct{}

// take returns the connection, the first time only; then nil.
func (h *handoff) take() net.Conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.conn
	h.conn = nil
	return c
}

// closeUntaken closes the connection if no dial took it.
func (h *handoff) closeUntaken() {
	if c := h.take(); c != nil {
		c.Close()
	}
}

// minAddrShare is the least time one address of several gets before the
// next is tried, as net.Dialer's own dialSerial gives.
const minAddrShare = 2 * time.Second

// DialContext connects to addr (host:port). A name is resolved first: a
// failed lookup is a *net.OpError wrapping a *resolve.Error. The addresses
// are tried one after another, IPv4 first, each with an equal share of the
// time left (at least 2s), as net.Dialer does for a name without a resolver.
func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if h, ok := ctx.Value(handoffKey{}).(*handoff); ok {
		if c := h.take(); c != nil {
			return c, nil
		}
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return d.net.DialContext(ctx, network, addr)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return d.net.DialContext(ctx, network, addr) // a named port: net says what is wrong
	}
	addrs, err := d.resolver.LookupHost(ctx, host)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	addrs = slices.Clone(addrs)
	slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
		return boolInt(!a.Is4()) - boolInt(!b.Is4())
	})
	var first error
	for i, a := range addrs {
		actx, cancel := addrContext(ctx, len(addrs)-i)
		c, err := d.net.DialContext(actx, network, netip.AddrPortFrom(a, uint16(port)).String())
		cancel()
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// addrContext bounds one of the remaining addresses to its share of the
// time left before ctx's deadline.
func addrContext(ctx context.Context, remaining int) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok || remaining <= 1 {
		return context.WithCancel(ctx)
	}
	share := max(time.Until(dl)/time.Duration(remaining), minAddrShare)
	return context.WithTimeout(ctx, share)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
