package warc

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nlnwa/gowarc/v3"
)

// pieceConn is the far end of a recorded connection: it takes what is
// written, and answers each Read with the next piece of its response (of
// the sizes size gives, one read after another), then with end once the
// response is all read.
type pieceConn struct {
	net.Conn
	resp []byte
	size func(read int) int
	end  error
	read int
}

func (c *pieceConn) Write(p []byte) (int, error) { return len(p), nil }

func (c *pieceConn) Read(p []byte) (int, error) {
	if len(c.resp) == 0 {
		return 0, c.end
	}
	n := min(c.size(c.read), len(p), len(c.resp))
	c.read++
	copy(p, c.resp[:n])
	c.resp = c.resp[n:]
	return n, nil
}

func (c *pieceConn) RemoteAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }
func (c *pieceConn) Close() error         { return nil }

func gzipBytes(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

// exchangeCases are responses as a server sends them, what the far end
// does after them (end: io.EOF, the peer closed; a reset; nil, the
// connection stays open), whether the fetcher cut the response, and the
// WARC-Truncated they should get.
func exchangeCases() []struct {
	name      string
	resp      []byte
	end       error
	cut       bool
	truncated string
} {
	page := strings.Repeat("<p>a paragraph of the page</p>\n", 100)
	zipped := gzipBytes(page)
	return []struct {
		name      string
		resp      []byte
		end       error
		cut       bool
		truncated string
	}{
		{"length", []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(page), page)), nil, false, ""},
		{"chunked", []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1f\r\n" + page[:31] + "\r\n4;ext=1\r\nmore\r\n0\r\n\r\n"), nil, false, ""},
		{"gzip-encoded", append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(zipped))), zipped...), nil, false, ""},
		{"until close", []byte("HTTP/1.0 200 OK\r\n\r\n" + page), io.EOF, false, ""},
		{"closed mid-body", []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(page), page[:1000])), io.EOF, false, "disconnect"},
		{"killed mid-body", []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + page[:500]), syscall.ECONNRESET, false, "disconnect"},
		{"cut by the fetcher", []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(page), page[:1500])), nil, true, "length"},
		{"header only, open", []byte("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), nil, false, "unspecified"},
	}
}

// readPatterns are the sizes of the reads that bring a response: one
// byte at a time, every small size, random sizes, all at once.
func readPatterns() map[string]func(int) int {
	p := map[string]func(int) int{"all at once": func(int) int { return 1 << 20 }}
	for k := 1; k <= 24; k++ {
		p[fmt.Sprintf("%d bytes", k)] = func(int) int { return k }
	}
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 25))
		p[fmt.Sprintf("random %d", seed)] = func(int) int { return 1 + r.IntN(80) }
	}
	return p
}

// TestRecordsHowEverTheBytesCome: a response recorded from reads of any
// sizes gets the same records: its bytes as the block, its digests (block
// and payload) as computed over the whole, WARC-Truncated as its framing
// says. The file is read back by gowarc, which checks the digests too.
// Each connection carries two exchanges, so the second starts from what
// the first left.
func TestRecordsHowEverTheBytesCome(t *testing.T) {
	const req = "GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
	first := []byte("HTTP/1.1 301 Moved Permanently\r\nLocation: /page\r\nContent-Length: 0\r\n\r\n")
	for _, c := range exchangeCases() {
		for name, size := range readPatterns() {
			path := filepath.Join(t.TempDir(), "run.warc")
			w, err := Create(path, 0, []Field{{"software", "test"}})
			if err != nil {
				t.Fatal(err)
			}
			rec := NewRecorder(w)
			pc := &pieceConn{resp: append(bytes.Clone(first), c.resp...), size: size, end: c.end}
			conn := rec.Wrap(pc, "http")
			conn.Write([]byte(req))
			readAll(conn, len(first))
			conn.Write([]byte(req))
			readAll(conn, len(c.resp))
			if c.end != nil {
				conn.Read(make([]byte, 10)) // the end, as net/http sees it waiting for the next response
			}
			if c.cut {
				conn.(interface{ Cut() }).Cut()
			}
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			responses := readResponses(t, path)
			if len(responses) != 2 {
				t.Fatalf("%s, %s: %d responses, want 2", c.name, name, len(responses))
			}
			for i, want := range []struct {
				block     []byte
				truncated string
			}{{first, ""}, {c.resp, c.truncated}} {
				got := responses[i]
				if !bytes.Equal(got.block, want.block) {
					t.Fatalf("%s, %s: response %d block differs from the bytes received", c.name, name, i)
				}
				if got.blockDigest != Digest(want.block) || got.payloadDigest != Digest(want.block[headerEnd(want.block):]) {
					t.Errorf("%s, %s: response %d digests %s, %s; want those of the whole", c.name, name, i, got.blockDigest, got.payloadDigest)
				}
				if got.truncated != want.truncated {
					t.Errorf("%s, %s: response %d WARC-Truncated %q, want %q", c.name, name, i, got.truncated, want.truncated)
				}
			}
		}
	}
}

// readAll reads n bytes from c, in whatever reads c gives.
func readAll(c net.Conn, n int) {
	buf := make([]byte, 4096)
	for n > 0 {
		m, err := c.Read(buf[:min(n, len(buf))])
		n -= m
		if err != nil {
			return
		}
	}
}

// readRecord is a record as gowarc reads it back.
type readRecord struct {
	typ                                   string
	block                                 []byte
	blockDigest, payloadDigest, truncated string
}

// readRecords reads path with gowarc, strictly, checking every record's
// digests, and returns its records.
func readRecords(t *testing.T, path string) []readRecord {
	t.Helper()
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []readRecord
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		w := rec.WarcRecord
		if v, err := w.ValidateDigest(); err != nil || len(v) > 0 {
			t.Fatalf("%s record: digests: %v %v", w.Type(), err, v)
		}
		raw, err := w.Block().RawBytes()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(raw)
		h := w.WarcHeader()
		out = append(out, readRecord{w.Type().String(), b, h.Get(gowarc.WarcBlockDigest), h.Get(gowarc.WarcPayloadDigest), h.Get(gowarc.WarcTruncated)})
		w.Close()
	}
}

// readResponses are the response records of path, read by readRecords.
func readResponses(t *testing.T, path string) []readRecord {
	t.Helper()
	var out []readRecord
	for _, r := range readRecords(t, path) {
		if r.typ == "response" {
			out = append(out, r)
		}
	}
	return out
}

// BenchmarkExchange records one exchange per op through a Recorder: a
// request written, a 16 KiB page read back in 4 KiB reads (as net/http's
// reader asks), written out when the next request goes: the per-page cost
// of --warc at the connection, apart from the network.
func BenchmarkExchange(b *testing.B) {
	const req = "GET /page/17 HTTP/1.1\r\nHost: 127.0.0.1:9311\r\nUser-Agent: fanout\r\nAccept-Encoding: gzip\r\n\r\n"
	body := strings.Repeat("<p>a paragraph of the page, with <a href=\"/page/3\">a link</a>.</p>\n", 16384/68)
	resp := []byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(body), body))
	for _, name := range []string{"run.warc.gz", "run.warc"} {
		b.Run(name, func(b *testing.B) {
			w, err := Create(filepath.Join(b.TempDir(), name), 0, []Field{{"software", "bench"}})
			if err != nil {
				b.Fatal(err)
			}
			rec := NewRecorder(w)
			pc := &pieceConn{size: func(int) int { return 4096 }}
			conn := rec.Wrap(pc, "http")
			b.SetBytes(int64(len(req) + len(resp)))
			b.ReportAllocs()
			for b.Loop() {
				conn.Write([]byte(req))
				pc.resp = resp
				readAll(conn, len(resp))
			}
			if err := rec.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
