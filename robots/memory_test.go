package robots

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestCacheBoundedByBytes serves a robots.txt of 128 KiB of short rules
// to 100 origins (1,000 hosts of 512 KiB took 1.66 GB) and checks that the
// cache's memory stays within its byte bound, and that an origin whose
// rules were dropped has them fetched again.
func TestCacheBoundedByBytes(t *testing.T) {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for i := 0; b.Len() < 128<<10; i++ {
		fmt.Fprintf(&b, "Disallow: /%d\n", i)
	}
	body := b.String()
	var fetches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	// Every origin's robots.txt comes from the one server.
	fetch := func(ctx context.Context, u *url.URL) (int, []byte, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/robots.txt?host="+u.Host, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		return resp.StatusCode, got, err
	}
	const maxBytes = 4 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := NewCache(fetch, Config{MaxBytes: maxBytes})
	const hosts = 100
	for i := range hosts {
		u, _ := url.Parse(fmt.Sprintf("http://h%d.test/1", i))
		if ok, err := c.Allowed(context.Background(), u); err != nil || ok {
			t.Fatalf("host %d: allowed %v, err %v; want /1 disallowed", i, ok, err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d origins: heap grew by %.1f MiB, the cache counts %.1f MiB in %d entries", hosts, float64(grew)/(1<<20), float64(c.bytes)/(1<<20), len(c.entries))
	if c.bytes > maxBytes || grew > 3*maxBytes {
		t.Errorf("the cache counts %d bytes, the heap grew by %d; want at most %d and %d", c.bytes, grew, maxBytes, 3*maxBytes)
	}
	runtime.KeepAlive(c)
	n := fetches.Load()
	u, _ := url.Parse("http://h0.test/2")
	if ok, err := c.Allowed(context.Background(), u); err != nil || ok || fetches.Load() != n+1 {
		t.Errorf("the first origin again: allowed %v, err %v, %d fetches; want its robots.txt fetched again", ok, err, fetches.Load()-n)
	}
}
