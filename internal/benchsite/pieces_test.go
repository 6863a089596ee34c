package benchsite

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPiecesChunks reads a page off the wire and checks that it went out in
// chunks of at most the piece size, and whole.
func TestPiecesChunks(t *testing.T) {
	tests := []struct {
		name string
		size int
		gap  time.Duration
	}{
		{"pieces of 1", 1, 0},
		{"pieces of 7 with a gap", 7, time.Millisecond},
		{"pieces of 512", 512, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(New(Options{Pieces: tt.size, Gap: tt.gap, Lean: true}))
			defer srv.Close()
			chunks, body := readChunked(t, srv.Listener.Addr().String(), "/page/3")
			if want := Page(3, 2048); !bytes.Equal(body, want) {
				t.Fatalf("body of %d bytes, want the %d-byte page", len(body), len(want))
			}
			for i, n := range chunks {
				if n > tt.size {
					t.Fatalf("chunk %d has %d bytes, more than %d", i, n, tt.size)
				}
			}
			if min := (2048 + tt.size - 1) / tt.size; len(chunks) < min {
				t.Errorf("%d chunks, want at least %d", len(chunks), min)
			}
		})
	}
}

// readChunked sends a GET for path over a fresh connection and returns the
// size of every chunk of the response body, and the body.
func readChunked(t *testing.T, addr, path string) ([]int, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, addr)
	br := bufio.NewReader(conn)
	chunked := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("headers: %v", err)
		}
		if strings.EqualFold(strings.TrimSpace(line), "Transfer-Encoding: chunked") {
			chunked = true
		}
		if line == "\r\n" {
			break
		}
	}
	if !chunked {
		t.Fatal("the response is not chunked")
	}
	var sizes []int
	var body []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("chunk size: %v", err)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 32)
		if err != nil {
			t.Fatalf("chunk size %q: %v", line, err)
		}
		if n == 0 {
			return sizes, body
		}
		chunk := make([]byte, n+2) // and its CRLF
		if _, err := io.ReadFull(br, chunk); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, int(n))
		body = append(body, chunk[:n]...)
	}
}

// TestPiecesHijack checks that a handler under Pieces can still take over
// its connection (the dropped connections of DropRate).
func TestPiecesHijack(t *testing.T) {
	srv := httptest.NewServer(New(Options{Pieces: 8, DropRate: 1, Lean: true}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/page/1")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got %s, want a dropped connection", resp.Status)
	}
}
