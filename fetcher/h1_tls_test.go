package fetcher

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// tlsServer serves each TLS connection with serve, on 127.0.0.1, with
// records of up to 16 KiB from the first byte (no dynamic record sizing),
// and counts the connections it accepted.
func tlsServer(t *testing.T, serve func(c net.Conn, br *bufio.Reader)) (addr string, conns *atomic.Int64) {
	t.Helper()
	cert := httptest.NewTLSServer(http.NotFoundHandler()) // only for its certificate
	conf := &tls.Config{Certificates: cert.TLS.Certificates, DynamicRecordSizingDisabled: true}
	cert.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", conf)
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int64)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			wg.Go(func() {
				defer c.Close()
				serve(c, bufio.NewReader(c))
			})
		}
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String(), conns
}

// TestH1TLSLeftOver checks that bytes after an answer that came in the
// answer's TLS record make its connection unfit, as bytes left in the
// read buffer do: the tls.Conn keeps them, where neither the buffer nor
// the socket's peek sees them, and the next request on the connection
// would read them as its answer.
func TestH1TLSLeftOver(t *testing.T) {
	body := strings.Repeat("x", 12000) // over twice the read buffer: the end is read past it
	answer := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	tests := []struct{ name, after string }{
		{"an answer nobody asked for", "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"},
		{"one byte", "H"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, conns := tlsServer(t, func(c net.Conn, br *bufio.Reader) {
				for readRequest(br) {
					io.WriteString(c, answer+tt.after) // one write, one record
				}
			})
			f := newFetcher(t, Options{HTTP1: true, Insecure: true}, nil)
			buf := make([]byte, 64<<10) // a read larger than the buffer goes around it
			for i := range 2 {
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://"+addr+"/", nil)
				resp, err := f.transport.RoundTrip(req)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				var got []byte
				for {
					n, err := resp.Body.Read(buf)
					got = append(got, buf[:n]...)
					if err != nil {
						break
					}
				}
				resp.Body.Close()
				if string(got) != body {
					t.Fatalf("request %d: body %.20q (%d bytes), want the %d x's", i, got, len(got), len(body))
				}
			}
			if n := conns.Load(); n != 2 {
				t.Errorf("%d connections, want 2: the first was left unfit", n)
			}
		})
	}
}
