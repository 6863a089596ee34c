package fetcher

import (
	"context"
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
