package fetcher

import (
	"bytes"
	"compress/gzip"
	"context"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestEmptyEncodedBody checks that an answer labelled gzip (or deflate)
// with no body reads as an empty body, as net/http's Transport read it:
// a HEAD's answer, a 204, a 304, a Content-Length of 0, an empty chunked
// body. Servers label them so (a HEAD gets a GET's headers).
func TestEmptyEncodedBody(t *testing.T) {
	tests := []struct {
		name, method, encoding string
		status                 int
		length                 string // Content-Length; "": chunked, nothing written
	}{
		{"HEAD", http.MethodHead, "gzip", 200, "120"},
		{"HEAD, deflate", http.MethodHead, "deflate", 200, "120"},
		{"204", http.MethodGet, "gzip", 204, ""},
		{"304", http.MethodGet, "gzip", 304, ""},
		{"Content-Length: 0", http.MethodGet, "gzip", 200, "0"},
		{"empty chunked", http.MethodGet, "gzip", 200, ""},
		{"empty chunked, x-gzip", http.MethodGet, "x-gzip", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", tt.encoding)
				if tt.length != "" {
					w.Header().Set("Content-Length", tt.length)
				}
				w.WriteHeader(tt.status)
				if tt.length == "" && tt.status == 200 {
					w.(http.Flusher).Flush() // chunked, then no chunk
				}
			}))
			t.Cleanup(srv.Close)
			f := newFetcher(t, Options{Method: tt.method}, nil)
			got := f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
			if got.Status != tt.status || got.ErrorKind != "" || got.Size != 0 {
				t.Errorf("status %d size %d kind %q (%s), want %d, size 0, no error", got.Status, got.Size, got.ErrorKind, got.Error, tt.status)
			}
		})
	}
}

// TestGzipTruncated checks that truncated says whether the page, as
// decoded, went on past --max-body, whatever is left of the compressed
// bytes: a small compressed body is read whole by the decoder long before
// its page ends, and a page that ends exactly at the cap may still have
// its gzip trailer unread.
func TestGzipTruncated(t *testing.T) {
	random := make([]byte, 8<<10) // incompressible: the compressed body is as long
	rand.New(rand.NewSource(1)).Read(random)
	tests := []struct {
		name     string
		page     []byte
		maxBody  int64
		wantCut  bool
		wantSize int64
	}{
		{"small compressed, page past the cap", bytes.Repeat([]byte("<p>x</p>"), 2<<10), 1 << 10, true, 1 << 10},
		{"page ends at the cap, trailer unread", random, 8 << 10, false, 8 << 10},
		{"page shorter than the cap", []byte("<title>t</title>"), 1 << 10, false, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(tt.page)
			zw.Close()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(z.Bytes())
			}))
			t.Cleanup(srv.Close)
			f := newFetcher(t, Options{MaxBody: tt.maxBody}, nil)
			got := f.Fetch(context.Background(), target(t, srv.URL+"/"), nil)
			if got.Truncated != tt.wantCut || got.Size != tt.wantSize || got.ErrorKind != "" {
				t.Errorf("truncated %v size %d kind %q (%s), want truncated %v size %d", got.Truncated, got.Size, got.ErrorKind, got.Error, tt.wantCut, tt.wantSize)
			}
		})
	}
}
