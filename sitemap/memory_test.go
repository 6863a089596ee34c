package sitemap

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestDeepNestingFailsAtOnce serves a small gzipped file of deeply nested
// elements (encoding/xml keeps every open element: a 50 KB file of them
// took 2.1 GB) and checks that the walk warns and allocates little.
func TestDeepNestingFailsAtOnce(t *testing.T) {
	body := []byte(gz(`<?xml version="1.0"?><urlset>` + strings.Repeat("<a>", 300_000)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	t.Cleanup(srv.Close)
	open := openWith(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, warns, err := walkAll(t, srv.URL+"/deep.xml.gz", open, Options{})
	runtime.ReadMemStats(&after)
	const most = 8 << 20
	if n := after.TotalAlloc - before.TotalAlloc; n > most {
		t.Errorf("the walk allocated %.1f MiB for a %d-byte file, want at most %d MiB", float64(n)/(1<<20), len(body), most>>20)
	}
	if err != nil || len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0].err, "nested more than 8 deep") {
		t.Errorf("err %v, %d URLs, warnings %q; want one warning about the nesting", err, len(got), warns)
	}
}

// TestIndexMemory walks an index of many long sitemap URLs and checks that
// the heap does not hold them all while the sitemaps are read (it held
// each twice: ~120 MB for 6,000 URLs of 8 KiB), that every sitemap is read
// once, in order, and that the index is read again for the next ones.
func TestIndexMemory(t *testing.T) {
	const children, locLen, pass = 100, 8000, 128 << 10
	pad := strings.Repeat("p", locLen-40)
	var idx strings.Builder
	idx.WriteString("<sitemapindex>")
	for i := range children {
		fmt.Fprintf(&idx, "<sitemap><loc>/c/%05d/%s</loc></sitemap>\n", i, pad)
	}
	idx.WriteString("</sitemapindex>")
	index := idx.String()
	var indexReads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/index.xml" {
			indexReads.Add(1)
			io.WriteString(w, index)
			return
		}
		fmt.Fprintf(w, "<urlset><url><loc>http://h%s</loc></url></urlset>", r.URL.Path[:8])
	}))
	t.Cleanup(srv.Close)
	fetch := openWith(t)
	var base runtime.MemStats
	var peak uint64
	opened := 0
	open := func(ctx context.Context, loc string, read func(io.Reader) error) error {
		if strings.Contains(loc, "/c/") {
			if opened%10 == 5 {
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
			opened++
		}
		return fetch(ctx, loc, read)
	}
	runtime.GC()
	runtime.ReadMemStats(&base)
	got, warns, err := walkAll(t, srv.URL+"/index.xml", open, Options{childBytes: pass})
	if err != nil || len(warns) != 0 || len(got) != children {
		t.Fatalf("err %v, warnings %q, %d URLs; want %d URLs", err, warns, len(got), children)
	}
	for i, e := range got {
		if want := fmt.Sprintf("http://h/c/%05d", i); e.Loc != want {
			t.Fatalf("URL %d is %s, want %s: every sitemap once, in order", i, e.Loc, want)
		}
	}
	if n, want := indexReads.Load(), int32((children*locLen+pass-1)/pass); n < want || n > want+1 {
		t.Errorf("the index was read %d times, want about %d (128 KiB of sitemap URLs a pass)", n, want)
	}
	const most = 512 << 10
	grew := int64(peak) - int64(base.HeapAlloc)
	t.Logf("heap grew by %d KiB", grew>>10)
	if grew > most {
		t.Errorf("the heap grew by %.1f MiB while %.1f MiB of sitemap URLs were read, want at most %d KiB",
			float64(grew)/(1<<20), float64(children*locLen)/(1<<20), most>>10)
	}
}
