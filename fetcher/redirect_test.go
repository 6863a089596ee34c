package fetcher

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// headerLog records the headers of each request a server saw, by path.
type headerLog struct {
	mu   sync.Mutex
	seen map[string]http.Header
}

func (h *headerLog) record(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen == nil {
		h.seen = map[string]http.Header{}
	}
	h.seen[r.URL.Path] = r.Header.Clone()
}

func (h *headerLog) get(path string) http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen[path]
}

// serveOn starts handler on a loopback address of its own: 127.0.0.2 is
// another host than 127.0.0.1 to the fetcher.
func serveOn(t *testing.T, ip string, handler http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestRedirectHeaders(t *testing.T) {
	var log headerLog
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r)
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<title>landed</title>"))
	})
	other := serveOn(t, "127.0.0.2", page)
	var origin *httptest.Server
	origin = serveOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r)
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/landed-same", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/landed-away", http.StatusMovedPermanently)
		case "/away-and-back":
			http.Redirect(w, r, other.URL+"/back?to="+origin.URL, http.StatusTemporaryRedirect)
		case "/no-location":
			w.WriteHeader(http.StatusFound)
		case "/bad-location":
			w.Header()["Location"] = []string{"http://[::1"}
			w.WriteHeader(http.StatusFound)
		default:
			page(w, r)
		}
	}))
	other.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/back" {
			log.record(r)
			http.Redirect(w, r, r.URL.Query().Get("to")+"/landed-back", http.StatusPermanentRedirect)
			return
		}
		page(w, r)
	})

	hdr := http.Header{"Authorization": {"Bearer secret"}, "Cookie": {"a=1"}, "X-Mine": {"kept"}}
	tests := []struct {
		name       string
		path       string
		header     http.Header
		landed     string
		wantAuth   bool
		wantRef    string
		wantStatus int
		wantErr    string
	}{
		{name: "same host keeps credentials", path: "/same", header: hdr, landed: "/landed-same", wantAuth: true, wantRef: origin.URL + "/same", wantStatus: 200},
		{name: "another host gets none", path: "/away", header: hdr, landed: "/landed-away", wantRef: origin.URL + "/away", wantStatus: 200},
		{name: "and none back on the first host", path: "/away-and-back", header: hdr, landed: "/landed-back", wantStatus: 200},
		{name: "the user's Referer is kept", path: "/same", header: http.Header{"Referer": {"https://mine.example/"}}, landed: "/landed-same", wantRef: "https://mine.example/", wantStatus: 200},
		{name: "a 3xx without Location is the result", path: "/no-location", wantStatus: http.StatusFound},
		{name: "a bad Location is an error", path: "/bad-location", wantErr: "Location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, Options{Header: tt.header}, nil)
			defer f.Close()
			got := f.Fetch(context.Background(), target(t, origin.URL+tt.path), nil)
			if got.Status != tt.wantStatus || !strings.Contains(got.Error, tt.wantErr) || (tt.wantErr == "") != (got.Error == "") {
				t.Fatalf("status %d, error %q; want %d, error with %q", got.Status, got.Error, tt.wantStatus, tt.wantErr)
			}
			if tt.landed == "" {
				return
			}
			h := log.get(tt.landed)
			if h == nil {
				t.Fatalf("%s not requested", tt.landed)
			}
			if auth := h.Get("Authorization") != "" || h.Get("Cookie") != ""; auth != tt.wantAuth {
				t.Errorf("credentials sent to %s: %v, want %v", tt.landed, auth, tt.wantAuth)
			}
			if tt.header.Get("X-Mine") != "" && h.Get("X-Mine") != "kept" {
				t.Errorf("X-Mine = %q, want kept", h.Get("X-Mine"))
			}
			if tt.wantRef != "" && h.Get("Referer") != tt.wantRef {
				t.Errorf("Referer = %q, want %q", h.Get("Referer"), tt.wantRef)
			}
			if !strings.HasSuffix(got.FinalURL, tt.landed) || got.Title != "landed" {
				t.Errorf("final URL %q, title %q", got.FinalURL, got.Title)
			}
		})
	}
}

func TestSameDomain(t *testing.T) {
	tests := []struct {
		from, to string
		want     bool
	}{
		{"http://example.com/", "https://example.com/x", true},
		{"http://example.com/", "http://www.EXAMPLE.com/", true},
		{"http://www.example.com/", "http://example.com/", false},
		{"http://example.com/", "http://badexample.com/", false},
		{"http://[::1]:80/", "http://[::1]:81/", true},
		{"http://example.com/", "http://[::1%25.example.com]/", false},
	}
	for _, tt := range tests {
		from, to := target(t, tt.from).URL, target(t, tt.to).URL
		if got := sameDomain(from, to); got != tt.want {
			t.Errorf("sameDomain(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

// authLog records, in order, each request's host and Authorization header.
type authLog struct {
	mu   sync.Mutex
	seen []string
}

func (a *authLog) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen = append(a.seen, r.Host[:strings.LastIndexByte(r.Host, ':')]+r.URL.Path+" "+r.Header.Get("Authorization"))
		a.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (a *authLog) take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.seen
	a.seen = nil
	return s
}

// TestURLCredentials checks that user information in a URL is sent as
// Basic authentication exactly where net/http's Client sends it (the
// oracle: the same URL through http.Client, counted by the same servers),
// never to another host, and that the password shows in no field but url.
func TestURLCredentials(t *testing.T) {
	var log authLog
	other := serveOn(t, "127.0.0.2", log.handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<title>other</title>"))
	})))
	origin := serveOn(t, "127.0.0.1", log.handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/relative":
			http.Redirect(w, r, "/landed", http.StatusFound)
		case "/absolute-same":
			http.Redirect(w, r, "http://"+r.Host+"/landed", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/landed", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			w.Write([]byte("<title>origin</title>"))
		}
	})))
	withCreds := strings.Replace(origin.URL, "http://", "http://user:s3cret@", 1)
	tests := []struct {
		name      string
		path      string
		header    http.Header
		wantAuths int // requests that carried an Authorization header
		wantKind  string
	}{
		{name: "no redirect", path: "/page", wantAuths: 1},
		{name: "relative redirect keeps host and credentials", path: "/relative", wantAuths: 2},
		{name: "absolute redirect to the same host without them", path: "/absolute-same", wantAuths: 1},
		{name: "redirect to another host", path: "/away", wantAuths: 1},
		{name: "an Authorization header wins", path: "/page", header: http.Header{"Authorization": {"Bearer mine"}}, wantAuths: 1},
		{name: "a redirect error", path: "/loop", wantAuths: 1, wantKind: "redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, withCreds+tt.path, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			if resp, err := (&http.Client{}).Do(req); err == nil {
				resp.Body.Close()
			}
			want := log.take()

			f := New(Options{Header: tt.header}, nil)
			defer f.Close()
			got := f.Fetch(context.Background(), target(t, withCreds+tt.path), nil)
			seen := log.take()
			if tt.wantKind == "redirect" {
				want = want[:min(len(want), len(seen))] // http.Client follows a loop to 10
			}
			if strings.Join(seen, "\n") != strings.Join(want, "\n") {
				t.Errorf("fanout sent\n%s\nnet/http sent\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
			}
			auths := 0
			for _, s := range seen {
				if !strings.HasSuffix(s, " ") {
					auths++
				}
				if strings.HasPrefix(s, "127.0.0.2") && !strings.HasSuffix(s, " ") {
					t.Errorf("credentials sent to another host: %s", s)
				}
			}
			if auths != tt.wantAuths || string(got.ErrorKind) != tt.wantKind {
				t.Errorf("%d requests with credentials, kind %q; want %d, %q", auths, got.ErrorKind, tt.wantAuths, tt.wantKind)
			}
			if got.URL != withCreds+tt.path {
				t.Errorf("url %q, want the line as given", got.URL)
			}
			if strings.Contains(got.FinalURL, "s3cret") || strings.Contains(got.Error, "s3cret") {
				t.Errorf("password shown: final_url %q, error %q", got.FinalURL, got.Error)
			}
		})
	}
}

// holdGate admits every host but held at once; an Acquire for held waits
// until its context ends, as a host whose --per-host slots stay taken.
type holdGate struct{ held string }

func (g holdGate) Acquire(ctx context.Context, host string) (func(), error) {
	if host == g.held {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return func() {}, ctx.Err()
}
func (holdGate) Pause(string, time.Time) {}

// TestRedirectHopWaitTimesOut checks what a redirect hop that never gets its
// turn at the next host gives: a timeout whose message names that wait and
// host, not a response that was never asked for, and no request there.
func TestRedirectHopWaitTimesOut(t *testing.T) {
	var asked atomic.Int32
	next := serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
	}))
	origin := serveOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, next.URL+"/there", http.StatusFound)
	}))
	nextHost := strings.TrimPrefix(next.URL, "http://")
	tests := []struct {
		name string
		held string // the host whose turn never comes
		want string // in the record's error
	}{
		{name: "the hop's host is held", held: nextHost, want: "waiting for a turn at " + nextHost},
		{name: "nothing is held", held: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, Options{Timeout: 200 * time.Millisecond}, holdGate{held: tt.held})
			got := f.Fetch(context.Background(), target(t, origin.URL+"/here"), nil)
			if tt.want == "" {
				if got.ErrorKind != "" || got.Redirects != 1 {
					t.Errorf("error %q (%s), %d redirects: want the hop followed", got.Error, got.ErrorKind, got.Redirects)
				}
				return
			}
			if got.ErrorKind != record.KindTimeout || !strings.Contains(got.Error, tt.want) {
				t.Errorf("error %q (%s), want a timeout containing %q", got.Error, got.ErrorKind, tt.want)
			}
		})
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("the held host was asked %d times, want once (only when not held)", n)
	}
}
