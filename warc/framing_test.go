package warc

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// responseCases are responses as received, whole or not by net/http's
// reading; plain says whether the plain reading decides them (else they
// go to net/http).
var responseCases = []struct {
	name      string
	resp      string
	method    string
	peerEnded bool
	whole     bool
	plain     bool
}{
	{"length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "GET", false, true, true},
	{"length short", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhell", "GET", true, false, true},
	{"length and more", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello", "GET", false, true, true},
	{"length zero", "HTTP/1.1 404 Not Found\r\ncontent-length:0\r\n\r\n", "GET", false, true, true},
	{"length spaced", "HTTP/1.1 200 OK\r\nContent-Length: \t5 \r\n\r\nhello", "GET", false, true, true},
	{"length twice, same", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "GET", false, true, true},
	{"length twice, differing", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 4\r\n\r\nhello", "GET", false, false, true},
	{"length not a number", "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello", "GET", false, false, true},
	{"length empty", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "GET", false, false, true},
	{"gzip body", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00", "GET", false, true, true},
	{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n", "GET", false, true, true},
	{"chunked, upper case", "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\nA \r\n0123456789\r\n0\r\n\r\n", "GET", false, true, true},
	{"chunked, no end", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n", "GET", true, false, true},
	{"chunked, cut in a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "GET", true, false, true},
	{"chunked, data longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", "GET", false, false, true},
	{"chunked, bad size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\nhello\r\n0\r\n\r\n", "GET", false, false, true},
	{"chunked, bare LF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", "GET", false, false, true},
	{"chunked, a trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n", "GET", false, true, false},
	{"chunked, a bad trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nno colon\r\n\r\n", "GET", false, false, false},
	{"chunked, too much non-data", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strings.Repeat("1;"+strings.Repeat("x", 100)+"\r\na\r\n", 200) + "0\r\n\r\n", "GET", false, false, true},
	{"chunked, extensions within bounds", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strings.Repeat("1;"+strings.Repeat("x", 100)+"\r\na\r\n", 100) + "0\r\n\r\n", "GET", false, true, true},
	{"chunked, a chunk line too long", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + strings.Repeat("x", 4093) + "\r\na\r\n0\r\n\r\n", "GET", false, false, true},
	{"chunked, the longest chunk line", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + strings.Repeat("x", 4092) + "\r\na\r\n0\r\n\r\n", "GET", false, true, true},
	{"chunked, 17 hex digits", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\na\r\n0\r\n\r\n", "GET", false, false, true},
	{"chunked over length", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "GET", false, true, true},
	{"gzip coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "GET", true, false, true},
	{"two codings", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "GET", false, false, true},
	{"HTTP/1.0 ignores codings", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nhello", "GET", true, true, true},
	{"until close, closed", "HTTP/1.1 200 OK\r\n\r\nhello", "GET", true, true, true},
	{"until close, still open", "HTTP/1.1 200 OK\r\n\r\nhello", "GET", false, false, true},
	{"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD", false, true, true},
	{"HEAD, no length", "HTTP/1.1 200 OK\r\n\r\n", "HEAD", false, true, true},
	{"204", "HTTP/1.1 204 No Content\r\n\r\n", "GET", false, true, true},
	{"304", "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", false, true, true},
	{"no reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "GET", false, true, true},
	{"header cut", "HTTP/1.1 200 OK\r\nContent-Le", "GET", true, false, false},
	{"nothing", "", "GET", true, false, false},
	{"100 then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET", false, true, false},
	{"103 then a cut body", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nok", "GET", true, false, false},
	{"bare LF lines", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", "GET", false, true, false},
	{"folded line", "HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 2\r\n\r\nok", "GET", false, true, false},
	{"no colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", "GET", true, false, false},
	{"control byte in a value", "HTTP/1.1 200 OK\r\nX-A: \x01\r\nContent-Length: 0\r\n\r\n", "GET", false, false, false},
	{"HTTP/2 status line", "HTTP/2 200\r\nContent-Length: 0\r\n\r\n", "GET", false, false, false},
}

func TestResponseWhole(t *testing.T) {
	for _, c := range responseCases {
		t.Run(c.name, func(t *testing.T) {
			resp := []byte(c.resp)
			end := headerEnd(resp)
			if got := responseWhole(resp, end, c.method, c.peerEnded); got != c.whole {
				t.Errorf("responseWhole = %v, want %v", got, c.whole)
			}
			if got := netHTTPWhole(resp, c.method, c.peerEnded); got != c.whole {
				t.Errorf("net/http reads it whole = %v, want %v (the case is wrong)", got, c.whole)
			}
			if _, known := plainResponseWhole(resp, end, c.method, c.peerEnded); known != c.plain {
				t.Errorf("plain reading decides = %v, want %v", known, c.plain)
			}
		})
	}
}

// FuzzResponseWhole: wherever the plain reading decides whether a
// response is whole, net/http's reading decides the same.
func FuzzResponseWhole(f *testing.F) {
	for _, c := range responseCases {
		f.Add([]byte(c.resp), c.method == "HEAD", c.peerEnded)
	}
	f.Fuzz(func(t *testing.T, resp []byte, head, peerEnded bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		end := headerEnd(resp)
		whole, known := plainResponseWhole(resp, end, method, peerEnded)
		if !known {
			return
		}
		if want := netHTTPWhole(resp, method, peerEnded); whole != want {
			t.Fatalf("plain reading: whole = %v; net/http: %v", whole, want)
		}
	})
}

var requestCases = []struct {
	name, req, method, target string
	ok                        bool
}{
	{"origin form", "GET /a/b?c=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: x\r\n\r\n", "GET", "http://example.com:8080/a/b?c=1", true},
	{"a URL in the query", "GET /go?to=https://other.example/x HTTP/1.1\r\nHost: example.com\r\n\r\n", "GET", "http://example.com/go?to=https://other.example/x", true},
	{"absolute form", "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n", "GET", "http://example.com/x", true},
	{"host in lower case, first one", "HEAD / HTTP/1.1\r\nhost: a.example\r\nHost: b.example\r\n\r\n", "HEAD", "http://a.example/", true},
	{"a body", "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", "POST", "http://h/f", true},
	{"folded field", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n\r\n", "GET", "http://h/", true},
	{"header cut", "GET / HTTP/1.1\r\nHost: h\r\n", "", "", false},
	{"not a request", "hello\r\n\r\n", "", "", false},
}

func TestRequestLine(t *testing.T) {
	for _, c := range requestCases {
		t.Run(c.name, func(t *testing.T) {
			method, target, ok := requestLine([]byte(c.req), "http")
			if method != c.method || target != c.target || ok != c.ok {
				t.Errorf("requestLine = %q, %q, %v; want %q, %q, %v", method, target, ok, c.method, c.target, c.ok)
			}
		})
	}
}

// FuzzRequestLine: every request net/http reads gets the method and
// target net/http reads in it.
func FuzzRequestLine(f *testing.F) {
	for _, c := range requestCases {
		f.Add([]byte(c.req))
	}
	f.Fuzz(func(t *testing.T, req []byte) {
		method, target, ok := requestLine(req, "https")
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(req)))
		if err != nil {
			return
		}
		want := r.RequestURI
		if strings.HasPrefix(want, "/") || !strings.Contains(want, "://") {
			want = "https://" + r.Host + want
		}
		if !ok || method != r.Method || target != want {
			t.Fatalf("requestLine = %q, %q, %v; net/http: %q, %q", method, target, ok, r.Method, want)
		}
	})
}
