package resolve_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/internal/dnstest"
	"github.com/fanout-dev/fanout/resolve"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newResolver returns a Resolver whose every query goes to a DNS server of
// the test's own on 127.0.0.1: no test of this package can reach another.
func newResolver(t *testing.T, cfg resolve.Config) (*resolve.Resolver, *dnstest.Server) {
	t.Helper()
	srv := dnstest.Start(t)
	cfg.Servers = []string{srv.Addr}
	return resolve.New(cfg), srv
}

func TestLookupHost(t *testing.T) {
	r, srv := newResolver(t, resolve.Config{Timeout: 500 * time.Millisecond})
	tests := []struct {
		name   string
		host   string
		want   []netip.Addr
		reason resolve.Reason
		msg    string
	}{
		{name: "a name", host: "www.test", want: []netip.Addr{netip.MustParseAddr(dnstest.Addr4("www.test.").String())}},
		{name: "case does not matter", host: "WWW.Test", want: []netip.Addr{netip.MustParseAddr(dnstest.Addr4("www.test.").String())}},
		{name: "AAAA only", host: "v6.test", want: []netip.Addr{netip.IPv6Loopback()}},
		{name: "NXDOMAIN", host: "nx.test", reason: resolve.NotFound, msg: "dns: nx.test: no such host (NXDOMAIN"},
		{name: "outside the zone", host: "example.com", reason: resolve.NotFound, msg: "NXDOMAIN"},
		{name: "SERVFAIL", host: "servfail.test", reason: resolve.ServerFailure, msg: "dns: servfail.test: the DNS server failed to answer (SERVFAIL)"},
		{name: "no answer", host: "silent.test", reason: resolve.Timeout, msg: "no answer from the DNS server within 500ms (resolver timeout)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.LookupHost(context.Background(), tt.host)
			if tt.reason == "" {
				if err != nil || len(got) != len(tt.want) || got[0] != tt.want[0] {
					t.Fatalf("LookupHost(%q) = %v, %v; want %v", tt.host, got, err, tt.want)
				}
				return
			}
			var re *resolve.Error
			if !errors.As(err, &re) || re.Reason != tt.reason {
				t.Fatalf("LookupHost(%q) = %v, %v; want a %s error", tt.host, got, err, tt.reason)
			}
			if msg := err.Error(); !contains(msg, tt.msg) {
				t.Errorf("message %q does not say %q", msg, tt.msg)
			}
		})
	}
	if n := srv.Asked("www.test.", "A"); n != 1 {
		t.Errorf("www.test asked %d times for A, want 1 (the second lookup is cached)", n)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestConcurrentLookupsShared checks that many callers asking for one name
// at once cause one lookup: one A and one AAAA question.
func TestConcurrentLookupsShared(t *testing.T) {
	r, srv := newResolver(t, resolve.Config{})
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 64 {
		wg.Go(func() {
			if _, err := r.LookupHost(context.Background(), "shared.test"); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 || r.Lookups() != 1 || srv.Asked("shared.test.", "A") != 1 || srv.Asked("shared.test.", "AAAA") != 1 {
		t.Errorf("%d failed, %d lookups, %d A and %d AAAA questions; want 0, 1, 1, 1",
			failed.Load(), r.Lookups(), srv.Asked("shared.test.", "A"), srv.Asked("shared.test.", "AAAA"))
	}
}

// TestCacheExpiry checks the cache's bounds in time, with a clock the test moves.
func TestCacheExpiry(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	r, _ := newResolver(t, resolve.Config{TTL: time.Minute, NegativeTTL: 5 * time.Second, Now: clock})

	tests := []struct {
		name        string
		host        string
		advance     time.Duration
		wantLookups int64
	}{
		{name: "first lookup", host: "a.test", wantLookups: 1},
		{name: "fresh answer cached", host: "a.test", advance: 59 * time.Second, wantLookups: 1},
		{name: "expired answer looked up again", host: "a.test", advance: time.Second, wantLookups: 2},
		{name: "NXDOMAIN", host: "nx.test", wantLookups: 3},
		{name: "NXDOMAIN cached briefly", host: "nx.test", advance: 4 * time.Second, wantLookups: 3},
		{name: "NXDOMAIN expired", host: "nx.test", advance: time.Second, wantLookups: 4},
	}
	for _, tt := range tests {
		advance(tt.advance)
		r.LookupHost(context.Background(), tt.host)
		if got := r.Lookups(); got != tt.wantLookups {
			t.Errorf("%s: %d lookups, want %d", tt.name, got, tt.wantLookups)
		}
	}
}

// TestCacheBoundedInNames checks that the cache never holds more than
// MaxNames: the first names are looked up again after many others.
func TestCacheBoundedInNames(t *testing.T) {
	r, _ := newResolver(t, resolve.Config{MaxNames: 8})
	for i := range 100 {
		if _, err := r.LookupHost(context.Background(), "n"+strconv.Itoa(i)+".test"); err != nil {
			t.Fatal(err)
		}
	}
	before := r.Lookups()
	for i := 92; i < 100; i++ {
		r.LookupHost(context.Background(), "n"+strconv.Itoa(i)+".test")
	}
	if got := r.Lookups() - before; got != 0 {
		t.Errorf("%d of the 8 latest names were looked up again, want 0", got)
	}
	before = r.Lookups()
	for i := range 8 {
		r.LookupHost(context.Background(), "n"+strconv.Itoa(i)+".test")
	}
	if got := r.Lookups() - before; got != 8 {
		t.Errorf("%d of the 8 first names were still cached after 100 names with MaxNames 8", 8-got)
	}
}

func TestCallerGivesUp(t *testing.T) {
	r, _ := newResolver(t, resolve.Config{Timeout: 300 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.LookupHost(ctx, "silent.test"); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	// The shared lookup ends by itself (goleak checks nothing is left).
	if _, err := r.LookupHost(context.Background(), "silent.test"); err == nil {
		t.Error("silent.test resolved")
	}
}

func TestServerAddr(t *testing.T) {
	tests := []struct {
		name, in, want string
		bad            bool
	}{
		{name: "IPv4", in: "127.0.0.1", want: "127.0.0.1:53"},
		{name: "IPv4 and port", in: "127.0.0.1:5353", want: "127.0.0.1:5353"},
		{name: "IPv6", in: "::1", want: "[::1]:53"},
		{name: "IPv6 and port", in: "[::1]:5353", want: "[::1]:5353"},
		{name: "a name", in: "dns.google", bad: true},
		{name: "empty", in: "", bad: true},
	}
	for _, tt := range tests {
		got, err := resolve.ServerAddr(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("%s: ServerAddr(%q) = %q, %v", tt.name, tt.in, got, err)
		}
	}
}

// TestErrorNamesTheConfiguredServer checks that a failed lookup names the
// server it was asked of (--resolver 127.0.0.1:PORT), not resolv.conf's.
func TestErrorNamesTheConfiguredServer(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close() // nobody answers there: the query is refused
	r := resolve.New(resolve.Config{Servers: []string{addr}, Timeout: 2 * time.Second})
	_, err = r.LookupHost(context.Background(), "www.test")
	if err == nil {
		t.Fatal("a lookup at a closed port succeeded")
	}
	if msg := err.Error(); !contains(msg, "on "+addr+":") {
		t.Errorf("message %q does not name the server %s", msg, addr)
	}
}
