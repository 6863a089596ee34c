package fetcher

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/record"
)

// TestDeflateBodies checks Content-Encoding: deflate as zlib (RFC 9110) and
// as raw deflate, which some servers send and curl and browsers read.
func TestDeflateBodies(t *testing.T) {
	const page = "<html><head><title>Deflated</title></head><body>" + "x" + "</body></html>"
	zlibbed := func() []byte {
		var b bytes.Buffer
		zw := zlib.NewWriter(&b)
		io.WriteString(zw, page)
		zw.Close()
		return b.Bytes()
	}
	raw := func(level int) []byte {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, level)
		io.WriteString(fw, page)
		fw.Close()
		return b.Bytes()
	}
	tests := []struct {
		name      string
		body      []byte
		wantTitle string
		wantKind  record.Kind
	}{
		{name: "zlib", body: zlibbed(), wantTitle: "Deflated"},
		{name: "raw deflate", body: raw(flate.BestCompression), wantTitle: "Deflated"},
		{name: "raw deflate, stored", body: raw(flate.NoCompression), wantTitle: "Deflated"},
		{name: "raw deflate, fastest", body: raw(flate.BestSpeed), wantTitle: "Deflated"},
		{name: "empty", body: nil},
		{name: "garbage", body: []byte("\xff\xff\xff\xff not deflate"), wantKind: record.KindProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "deflate")
				w.Write(tt.body)
			}))
			t.Cleanup(srv.Close)
			f := newFetcher(t, Options{Timeout: 30 * time.Second, Header: http.Header{"Accept-Encoding": {"deflate"}}}, nil)
			got := f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
			if got.Status != 200 || got.Title != tt.wantTitle || got.ErrorKind != tt.wantKind {
				t.Errorf("status %d title %q kind %q (%s); want 200, %q, kind %q", got.Status, got.Title, got.ErrorKind, got.Error, tt.wantTitle, tt.wantKind)
			}
		})
	}
}

// TestRedirectToInvalidPort checks that a Location with a port that cannot
// be is a redirect error, tried once, and nothing is dialed.
func TestRedirectToInvalidPort(t *testing.T) {
	for _, loc := range []string{"http://127.0.0.1:99999/", "http://127.0.0.1:0/", "http://:80/"} {
		t.Run(loc, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				http.Redirect(w, r, loc, http.StatusFound)
			}))
			t.Cleanup(srv.Close)
			f := newFetcher(t, Options{Timeout: 30 * time.Second, Retries: 2, MaxRetryWait: time.Millisecond}, nil)
			got := f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
			if got.ErrorKind != record.KindRedirect || got.Attempts != 1 || hits.Load() != 1 {
				t.Errorf("kind %q (%s) after %d attempts, %d requests; want a redirect error after 1", got.ErrorKind, got.Error, got.Attempts, hits.Load())
			}
		})
	}
}

// TestBaseNotHTTP checks that a <base href> that is not http(s) is ignored
// when canonical and hreflang URLs are made absolute.
func TestBaseNotHTTP(t *testing.T) {
	tests := []struct {
		name, base, wantCanonical string
	}{
		{name: "javascript", base: "javascript:alert(1)//", wantCanonical: "/c"},
		{name: "javascript, spaced and cased", base: " JavaScript:void(0)/", wantCanonical: "/c"},
		{name: "data", base: "data:text/html,x/", wantCanonical: "/c"},
		{name: "http elsewhere", base: "http://other.example/dir/", wantCanonical: "http://other.example/dir/c"},
		{name: "relative", base: "/dir/", wantCanonical: "/dir/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, `<html><head><base href="`+tt.base+`"><link rel=canonical href="c">`+
					`<link rel=alternate hreflang=de href="c"><title>t</title></head></html>`)
			}))
			t.Cleanup(srv.Close)
			f := newFetcher(t, Options{Timeout: 30 * time.Second, Fields: extract.FieldTitle | extract.FieldCanonical | extract.FieldHreflang}, nil)
			got := f.Fetch(context.Background(), target(t, srv.URL+"/page"), nil)
			want := tt.wantCanonical
			if strings.HasPrefix(want, "/") {
				want = srv.URL + want
			}
			if got.Canonical != want || got.Hreflang["de"] != want {
				t.Errorf("canonical %q, hreflang %q; want %q", got.Canonical, got.Hreflang["de"], want)
			}
		})
	}
}

// TestSelectTooDeepKeepsTheRecord checks that a page nested deeper than
// the HTML parser's 512 open elements is a success with the values read
// before the nesting and a note (it was a protocol error).
func TestSelectTooDeepKeepsTheRecord(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<title>Deep</title><p>before</p>"+strings.Repeat("<div>", 600)+"<p>after</p>")
	}))
	t.Cleanup(srv.Close)
	sels := []extract.Selector{}
	for _, spec := range []string{"p=p", "none=table"} {
		s, err := extract.ParseSelector(spec)
		if err != nil {
			t.Fatal(err)
		}
		sels = append(sels, s)
	}
	f := newFetcher(t, Options{Timeout: 30 * time.Second, Selectors: sels}, nil)
	got := f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
	if got.ErrorKind != "" || got.Status != 200 || got.Title != "Deep" || len(got.Extract["p"]) != 1 || got.Extract["p"][0] != "before" ||
		!strings.Contains(got.Note, "nests more than 512") {
		t.Errorf("kind %q (%s) status %d title %q extract %q note %q; want a success with the first value and a note",
			got.ErrorKind, got.Error, got.Status, got.Title, got.Extract, got.Note)
	}
}

// TestTreesWaitForTheBudget checks that building a tree for -e waits for
// its share of the tree budget all attempts share, within the attempt's
// timeout.
func TestTreesWaitForTheBudget(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<p>x</p>")
	}))
	t.Cleanup(srv.Close)
	sel, _ := extract.ParseSelector("p=p")
	f := newFetcher(t, Options{Timeout: 300 * time.Millisecond, Selectors: []extract.Selector{sel}, TreeBudget: 1 << 20}, nil)
	if !f.trees.TryAcquire(1 << 20) { // another attempt's trees hold it all
		t.Fatal("the budget is not free")
	}
	got := f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
	if got.ErrorKind != record.KindTimeout || !strings.Contains(got.Error, "waiting for memory") {
		t.Errorf("kind %q (%s), want a timeout waiting for the tree budget", got.ErrorKind, got.Error)
	}
	f.trees.Release(1 << 20)
	got = f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
	if got.ErrorKind != "" || len(got.Extract["p"]) != 1 {
		t.Errorf("kind %q (%s), extract %q; want the value once the budget is free", got.ErrorKind, got.Error, got.Extract)
	}
}
