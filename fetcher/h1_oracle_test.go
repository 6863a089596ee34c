package fetcher

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestH1WireOracle sends GET and HEAD through h1 and through net/http's
// Transport to servers that answer with the bytes of each case (framings,
// interim answers, broken answers, silence), and wants the same record
// from both. One difference is h1's own: its errors do not begin with
// the Transport's "net/http: HTTP/1.x transport connection broken: ". A
// 101's body is empty either way (the fetcher reads no other protocol),
// and a server holding the connection after it does not hold the fetch.
func TestH1WireOracle(t *testing.T) {
	tests := []struct {
		name, answer string
		hold         bool // keep the connection open after the answer
	}{
		{"1.0, to the close", "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<title>a</title>", false},
		{"1.0, keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 16\r\n\r\n<title>a</title>", true},
		{"1.1, no length", "HTTP/1.1 200 OK\r\n\r\n<title>a</title>", false},
		{"chunked with a trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n10\r\n<title>a</title>\r\n0\r\nX-T: 1\r\n\r\n", true},
		{"204", "HTTP/1.1 204 No Content\r\n\r\n", true},
		{"304 with a length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", true},
		{"100, then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n<title>a</title>", true},
		{"101", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\nabc", false},
		{"101, held", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\nabc", true},
		{"two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", true},
		{"body short of its length", "HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n<title>a</title>", false},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true},
		{"not gzip", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nabcde", true},
		{"gzip cut short", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\n\x1f\x8b\x08\x00\x00", true},
		{"closed without a word", "", false},
		{"silent", "", true},
		{"no body after the header", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true},
		{"half a header", "HTTP/1.1 200 OK\r\nContent-", true},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n", false},
		{"HTTP/0.9", "<title>a</title>", false},
		{"status 600", "HTTP/1.1 600 X\r\nContent-Length: 0\r\n\r\n", true},
		{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 16\n\n<title>a</title>", true},
	}
	for _, method := range []string{"GET", "HEAD"} {
		for _, tt := range tests {
			t.Run(method+" "+tt.name, func(t *testing.T) {
				t.Parallel()
				srv := newRawServer(t, func(n int64, c net.Conn, br *bufio.Reader) {
					if readRequest(br) {
						io.WriteString(c, tt.answer)
						if tt.hold {
							c.SetReadDeadline(time.Now().Add(5 * time.Second)) // a bound, should a client never close
							io.Copy(io.Discard, br)
						}
					}
				})
				opts := Options{Timeout: 300 * time.Millisecond, Method: method}
				ours, theirs := newFetcher(t, opts, nil), newFetcher(t, opts, nil)
				theirs.transport.h1, theirs.transport.h1s = nil, nil
				tg := target(t, srv.url("/"))
				got, want := ours.Fetch(context.Background(), tg, nil), theirs.Fetch(context.Background(), tg, nil)
				want.Error = strings.TrimPrefix(want.Error, "net/http: HTTP/1.x transport connection broken: ")
				if got.Status != want.Status || got.Title != want.Title || got.Size != want.Size || got.Truncated != want.Truncated ||
					got.ErrorKind != want.ErrorKind || got.Error != want.Error || got.Proto != want.Proto {
					t.Errorf("h1: %d %q size %d truncated %v kind %q (%s) %s\nTransport: %d %q size %d truncated %v kind %q (%s) %s",
						got.Status, got.Title, got.Size, got.Truncated, got.ErrorKind, got.Error, got.Proto,
						want.Status, want.Title, want.Size, want.Truncated, want.ErrorKind, want.Error, want.Proto)
				}
			})
		}
	}
}
