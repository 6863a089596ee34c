package robots

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/fetcher"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fetchWith gets robots.txt with a real fetcher, as a run does.
func fetchWith(f *fetcher.Fetcher) Fetch {
	return func(ctx context.Context, u *url.URL) (int, []byte, error) {
		return f.ReadRobots(ctx, u, MaxBytes)
	}
}

// robotsSite serves robots.txt as its handler says, and counts the fetches.
type robotsSite struct {
	srv     *httptest.Server
	fetches atomic.Int64
}

func newRobotsSite(t *testing.T, robots http.HandlerFunc) *robotsSite {
	s := &robotsSite{}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		robots(w, r)
	})
	mux.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if n == 0 {
			fmt.Fprint(w, "User-agent: *\nDisallow: /after-hops\n")
			return
		}
		http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusFound)
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *robotsSite) url(t *testing.T, path string) *url.URL {
	u, err := url.Parse(s.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func text(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", code) }
}

func newFetcher(t *testing.T) *fetcher.Fetcher {
	f := fetcher.New(fetcher.Options{Timeout: 30 * time.Second}, nil)
	t.Cleanup(f.Close)
	return f
}

func TestCacheVerdicts(t *testing.T) {
	big := "User-agent: *\nDisallow: /early\n" + strings.Repeat("# padding\n", MaxBytes/10) + "Disallow: /late\n"
	tests := []struct {
		name  string
		serve http.HandlerFunc
		allow []string
		deny  []string
	}{
		{name: "200 gives the rules", serve: text("User-agent: fanout\nDisallow: /no\n"), allow: []string{"/yes"}, deny: []string{"/no"}},
		{name: "404 allows everything", serve: status(404), allow: []string{"/", "/no"}},
		{name: "401 allows everything", serve: status(401), allow: []string{"/"}},
		{name: "403 allows everything", serve: status(403), allow: []string{"/"}},
		{name: "500 disallows everything", serve: status(500), deny: []string{"/", "/x"}, allow: []string{"/robots.txt"}},
		{name: "503 disallows everything", serve: status(503), deny: []string{"/"}},
		{name: "five redirects are followed", serve: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/hop/4", http.StatusMovedPermanently)
		}, allow: []string{"/"}, deny: []string{"/after-hops"}},
		{name: "a sixth redirect makes it unavailable", serve: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/hop/5", http.StatusMovedPermanently)
		}, allow: []string{"/", "/after-hops"}},
		{name: "at most 512 KiB is read", serve: text(big), allow: []string{"/late"}, deny: []string{"/early"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newRobotsSite(t, tt.serve)
			c := NewCache(fetchWith(newFetcher(t)), Config{})
			for _, p := range tt.allow {
				if ok, err := c.Allowed(context.Background(), site.url(t, p)); err != nil || !ok {
					t.Errorf("%s: allowed %v, %v; want allowed", p, ok, err)
				}
			}
			for _, p := range tt.deny {
				if ok, err := c.Allowed(context.Background(), site.url(t, p)); err != nil || ok {
					t.Errorf("%s: allowed %v, %v; want disallowed", p, ok, err)
				}
			}
			if n := site.fetches.Load(); n != 1 {
				t.Errorf("robots.txt fetched %d times, want once", n)
			}
		})
	}
}

func TestCacheUnreachableDisallows(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := NewCache(fetchWith(newFetcher(t)), Config{})
	u, _ := url.Parse("http://" + addr + "/page")
	if ok, err := c.Allowed(context.Background(), u); err != nil || ok {
		t.Errorf("allowed %v, %v; want disallowed when robots.txt is unreachable", ok, err)
	}
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestCacheExpiry(t *testing.T) {
	tests := []struct {
		name       string
		first      http.HandlerFunc
		wait       time.Duration
		refetched  bool
		afterAllow bool
	}{
		{name: "rules kept just under 24 hours", first: text("User-agent: *\nDisallow: /x\n"), wait: 24*time.Hour - time.Second},
		{name: "rules fetched again after 24 hours", first: text("User-agent: *\nDisallow: /x\n"), wait: 24 * time.Hour, refetched: true, afterAllow: true},
		{name: "5xx kept until the retry interval", first: status(500), wait: time.Minute - time.Second},
		{name: "5xx tried again after the retry interval", first: status(500), wait: time.Minute, refetched: true, afterAllow: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var second atomic.Bool
			site := newRobotsSite(t, func(w http.ResponseWriter, r *http.Request) {
				if second.Load() {
					fmt.Fprint(w, "User-agent: *\nAllow: /\n")
					return
				}
				tt.first(w, r)
			})
			clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			c := NewCache(fetchWith(newFetcher(t)), Config{Now: clk.Now, TTL: 48 * time.Hour})
			u := site.url(t, "/x")
			if ok, _ := c.Allowed(context.Background(), u); ok {
				t.Fatal("/x allowed before the wait")
			}
			second.Store(true)
			clk.Add(tt.wait)
			ok, _ := c.Allowed(context.Background(), u)
			if got := site.fetches.Load() == 2; got != tt.refetched || ok != tt.afterAllow {
				t.Errorf("refetched %v (want %v), allowed %v (want %v)", got, tt.refetched, ok, tt.afterAllow)
			}
		})
	}
}

func TestCacheKeysOnSchemeHostPort(t *testing.T) {
	a := newRobotsSite(t, text("User-agent: *\nDisallow: /\n"))
	b := newRobotsSite(t, text(""))
	c := NewCache(fetchWith(newFetcher(t)), Config{})
	ctx := context.Background()
	okA, _ := c.Allowed(ctx, a.url(t, "/p"))
	okB, _ := c.Allowed(ctx, b.url(t, "/p"))
	// 127.0.0.1 and localhost are different hosts with one robots.txt each.
	other, _ := url.Parse(strings.Replace(a.srv.URL, "127.0.0.1", "LOCALHOST", 1) + "/p")
	key := originKey(other)
	if okA || !okB {
		t.Errorf("port %s allowed %v, port %s allowed %v: each port has its own robots.txt", a.srv.URL, okA, b.srv.URL, okB)
	}
	if want := "http://localhost:" + other.Port(); key != want {
		t.Errorf("originKey = %q, want %q", key, want)
	}
	for _, tt := range []struct{ in, want string }{
		{"http://Example.COM/a", "http://example.com:80"},
		{"https://example.com/a", "https://example.com:443"},
		{"https://example.com:8443/a", "https://example.com:8443"},
		{"http://[::1]/a", "http://[::1]:80"},
	} {
		u, _ := url.Parse(tt.in)
		if got := originKey(u); got != tt.want {
			t.Errorf("originKey(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCacheSharesOneFetch(t *testing.T) {
	gate := make(chan struct{})
	site := newRobotsSite(t, func(w http.ResponseWriter, r *http.Request) {
		<-gate
		fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
	})
	c := NewCache(fetchWith(newFetcher(t)), Config{})
	const callers = 16
	var wg sync.WaitGroup
	var denied atomic.Int64
	for range callers {
		wg.Go(func() {
			if ok, err := c.Allowed(context.Background(), site.url(t, "/x")); err == nil && !ok {
				denied.Add(1)
			}
		})
	}
	waitFor(t, func() bool { return site.fetches.Load() == 1 })
	close(gate)
	wg.Wait()
	if n := site.fetches.Load(); n != 1 || denied.Load() != callers {
		t.Errorf("%d fetches and %d verdicts, want 1 and %d", n, denied.Load(), callers)
	}
}

func TestCacheCanceledFetchIsNotKept(t *testing.T) {
	site := newRobotsSite(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c := NewCache(fetchWith(newFetcher(t)), Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.Allowed(ctx, site.url(t, "/x"))
		done <- err
	}()
	waitFor(t, func() bool { return site.fetches.Load() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if len(c.entries) != 0 {
		t.Errorf("%d entries kept after a canceled fetch, want none", len(c.entries))
	}
}

func TestCacheBounded(t *testing.T) {
	var fetches atomic.Int64
	fetch := func(ctx context.Context, u *url.URL) (int, []byte, error) {
		fetches.Add(1)
		return 200, []byte("User-agent: *\nDisallow: /" + u.Port() + "\n"), nil
	}
	c := NewCache(fetch, Config{MaxHosts: 3})
	ask := func(port int) bool {
		u, _ := url.Parse(fmt.Sprintf("http://h:%d/%d", port, port))
		ok, _ := c.Allowed(context.Background(), u)
		return ok
	}
	for _, port := range []int{1, 2, 3, 1, 4} { // 2 is least recently used when 4 comes
		if ask(port) {
			t.Fatalf("port %d allowed", port)
		}
	}
	if len(c.entries) != 3 || c.lru.Len() != 3 {
		t.Errorf("%d entries, %d in the list; want 3", len(c.entries), c.lru.Len())
	}
	before := fetches.Load()
	ask(1)
	ask(2)
	if got := fetches.Load() - before; got != 1 {
		t.Errorf("%d fetches for 1 (kept) and 2 (dropped), want 1", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCacheCachedNeverFetches(t *testing.T) {
	site := newRobotsSite(t, text("User-agent: *\nDisallow: /x\n"))
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := NewCache(fetchWith(newFetcher(t)), Config{Now: clk.Now})
	x, y := site.url(t, "/x"), site.url(t, "/y")
	if _, known := c.Cached(x); known || site.fetches.Load() != 0 {
		t.Fatalf("known %v before any fetch, %d fetches", known, site.fetches.Load())
	}
	c.Allowed(context.Background(), y)
	ax, kx := c.Cached(x)
	ay, ky := c.Cached(y)
	if ax || !kx || !ay || !ky {
		t.Errorf("/x: %v %v, /y: %v %v; want disallowed and allowed, both known", ax, kx, ay, ky)
	}
	clk.Add(MaxTTL)
	if _, known := c.Cached(x); known || site.fetches.Load() != 1 {
		t.Errorf("known %v after expiry, %d fetches; want unknown and 1", known, site.fetches.Load())
	}
}
