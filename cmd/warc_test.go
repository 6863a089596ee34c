package cmd

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nlnwa/gowarc/v3"

	"github.com/fanout-dev/fanout/internal/benchsite"
)

// wireSite is an HTTP/1.1 server that writes each response as raw bytes
// of its own (so a test knows exactly what went over the wire: chunked
// framing, gzip, a cut), over keep-alive connections, with or without TLS.
type wireSite struct {
	ln    net.Listener
	pages map[string]wirePage
	wg    sync.WaitGroup
	mu    sync.Mutex
	alpn  []string // protocols negotiated, with TLS
}

// wirePage is a response: head and body are written as given; kill
// closes the connection after them.
type wirePage struct {
	head string
	body []byte
	kill bool
}

func startWireSite(t *testing.T, pages map[string]wirePage, cert *benchsite.Cert) *wireSite {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cert != nil {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert.TLS}, NextProtos: []string{"h2", "http/1.1"}})
	}
	s := &wireSite{ln: ln, pages: pages}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *wireSite) serve(c net.Conn) {
	defer c.Close()
	if tc, ok := c.(*tls.Conn); ok {
		if tc.Handshake() != nil {
			return
		}
		s.mu.Lock()
		s.alpn = append(s.alpn, tc.ConnectionState().NegotiatedProtocol)
		s.mu.Unlock()
	}
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		p, ok := s.pages[req.URL.Path]
		if !ok {
			p = wirePage{head: "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n", body: []byte("not found")}
		}
		c.Write([]byte(p.head))
		c.Write(p.body)
		if p.kill {
			return
		}
	}
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func withLength(head string, body []byte) wirePage {
	return wirePage{head: fmt.Sprintf(head, len(body)), body: body}
}

// wirePages are the test site's pages: a plain page, a gzip body, a
// chunked body, a redirect, a body longer than --max-body, a connection
// killed mid-body and one closed before any answer.
func wirePages() map[string]wirePage {
	big := bytes.Repeat([]byte("<p>fill</p>\n"), 20000) // 240,000 bytes
	return map[string]wirePage{
		"/ok":       withLength("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n", []byte("<title>ok</title>")),
		"/gzip":     withLength("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", gzipped("<title>zipped</title>")),
		"/chunked":  {head: "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n", body: []byte("7\r\n<title>\r\n7\r\nchunked\r\n8\r\n</title>\r\n0\r\n\r\n")},
		"/redirect": {head: "HTTP/1.1 301 Moved Permanently\r\nLocation: /target\r\nContent-Length: 0\r\n\r\n"},
		"/target":   withLength("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n", []byte("<title>target</title>")),
		"/big":      withLength("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n", big),
		"/killed":   {head: "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n", body: []byte("<title>cut"), kill: true},
		"/silent":   {kill: true},
	}
}

// warcExchange is what a test reads back of one request/response pair.
type warcExchange struct {
	target    string
	status    int
	payload   []byte
	truncated string
	response  bool
}

// readWarc reads path with gowarc, strictly, checks every record's
// digests, the warcinfo record first and that every request and response
// name each other, and returns the warcinfo block and the exchanges in
// file order.
func readWarc(t *testing.T, path string) (string, []warcExchange) {
	t.Helper()
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var info string
	var exchanges []warcExchange
	requests := map[string]int{} // record id → index in exchanges
	responses := map[string]string{}
	for i := 0; ; i++ {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		w := rec.WarcRecord
		if v, err := w.ValidateDigest(); err != nil || len(v) > 0 {
			t.Fatalf("record %d (%s): digests: %v %v", i, w.Type(), err, v)
		}
		h := w.WarcHeader()
		if got := h.Get(gowarc.WarcType); (i == 0) != (got == "warcinfo") {
			t.Fatalf("record %d is %s; want warcinfo first and only first", i, got)
		}
		switch blk := w.Block().(type) {
		case gowarc.WarcFieldsBlock:
			raw, _ := blk.RawBytes()
			b, _ := io.ReadAll(raw)
			info = string(b)
		case gowarc.HttpRequestBlock:
			requests[h.Get(gowarc.WarcRecordID)] = len(exchanges)
			exchanges = append(exchanges, warcExchange{target: h.Get(gowarc.WarcTargetURI)})
			if h.Get(gowarc.WarcConcurrentTo) != "" {
				responses[h.Get(gowarc.WarcRecordID)] = h.Get(gowarc.WarcConcurrentTo)
			}
		case gowarc.HttpResponseBlock:
			req := h.Get(gowarc.WarcConcurrentTo)
			j, ok := requests[req]
			if !ok || responses[req] != h.Get(gowarc.WarcRecordID) {
				t.Fatalf("record %d: response not paired with the request before it (%s)", i, req)
			}
			if exchanges[j].target != h.Get(gowarc.WarcTargetURI) {
				t.Errorf("record %d: target %s, its request's %s", i, h.Get(gowarc.WarcTargetURI), exchanges[j].target)
			}
			p, err := blk.PayloadBytes()
			if err != nil {
				t.Fatal(err)
			}
			payload, _ := io.ReadAll(p)
			exchanges[j].response, exchanges[j].status, exchanges[j].payload = true, blk.HttpStatusCode(), payload
			exchanges[j].truncated = h.Get(gowarc.WarcTruncated)
		default:
			t.Fatalf("record %d: unexpected block %T", i, blk)
		}
		w.Close()
	}
	return info, exchanges
}

func TestWarcRecordsWhatWentOverTheWire(t *testing.T) {
	cert, err := benchsite.NewCert()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		cert *benchsite.Cert
		file string
	}{
		{"http, .warc.gz", nil, "out.warc.gz"},
		{"https offering h2, .warc", cert, "out.warc"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pages := wirePages()
			site := startWireSite(t, pages, tt.cert)
			scheme := "http"
			if tt.cert != nil {
				scheme = "https"
			}
			base := scheme + "://" + site.ln.Addr().String()
			var list strings.Builder
			for _, p := range []string{"/ok", "/gzip", "/chunked", "/redirect", "/missing", "/big", "/killed", "/silent"} {
				list.WriteString(base + p + "\n")
			}
			path := filepath.Join(t.TempDir(), tt.file)
			code, out, errOut := run(t, list.String(), "scrape", "-k", "--retries", "0", "-c", "2", "--max-body", "64K",
				"-H", "Authorization: Bearer sekrit", "--fields", "+tls", "--warc", path, "-")
			if code != 0 { // failed URLs are records, not a failed run
				t.Fatalf("exit %d; stderr %s", code, errOut)
			}
			if n := len(parseLines(t, out)); n != 8 {
				t.Fatalf("%d records, want 8", n)
			}
			if tls := strings.Contains(out, `"tls":{`); tls != (tt.cert != nil) {
				t.Errorf("a tls object in the records: %v; want %v", tls, tt.cert != nil)
			}
			info, exchanges := readWarc(t, path)
			for _, want := range []string{"format: WARC File Format 1.1\r\n", "software: fanout/", "--warc=" + path, "Authorization: xxxxx"} {
				if !strings.Contains(info, want) {
					t.Errorf("warcinfo lacks %q:\n%s", want, info)
				}
			}
			if strings.Contains(info, "sekrit") {
				t.Errorf("warcinfo holds the secret header:\n%s", info)
			}
			got := map[string]warcExchange{}
			for _, e := range exchanges {
				// A request on a kept-alive connection closed without an
				// answer is sent again on a new one (net/http): two exchanges.
				if _, dup := got[e.target]; dup && !strings.HasSuffix(e.target, "/silent") {
					t.Errorf("%s recorded twice", e.target)
				}
				got[e.target] = e
			}
			if len(got) != 9 {
				t.Errorf("%d exchanges recorded, want 9 (8 URLs and a redirect's target): %v", len(got), exchanges)
			}
			check := func(p string, status int, payload []byte, truncated string) {
				t.Helper()
				e, ok := got[base+p]
				switch {
				case !ok:
					t.Errorf("%s: no request record", p)
				case !e.response:
					t.Errorf("%s: no response record", p)
				case e.status != status || !bytes.Equal(e.payload, payload) || e.truncated != truncated:
					t.Errorf("%s: status %d, truncated %q, payload %q; want %d, %q, %q", p, e.status, e.truncated, e.payload, status, truncated, payload)
				}
			}
			for _, p := range []string{"/ok", "/gzip", "/chunked", "/target"} {
				check(p, 200, pages[p].body, "")
			}
			check("/redirect", 301, nil, "")
			check("/missing", 404, []byte("not found"), "")
			check("/killed", 200, pages["/killed"].body, "disconnect")
			if e := got[base+"/big"]; e.truncated != "length" || len(e.payload) < 64<<10 || !bytes.HasPrefix(pages["/big"].body, e.payload) {
				t.Errorf("/big: truncated %q, %d bytes of payload, a prefix of the body: %v; want length, ≥ 64 KiB",
					e.truncated, len(e.payload), bytes.HasPrefix(pages["/big"].body, e.payload))
			}
			if e, ok := got[base+"/silent"]; !ok || e.response {
				t.Errorf("/silent: request recorded %v, response %v; want a request and no response", ok, e.response)
			}
			for _, p := range site.alpn {
				if p != "http/1.1" {
					t.Errorf("negotiated %q with --warc; want http/1.1", p)
				}
			}
		})
	}
}

func TestWarcMaxSizeStartsNumberedFiles(t *testing.T) {
	pages := map[string]wirePage{}
	var list strings.Builder
	site := startWireSite(t, pages, nil)
	const n = 5
	for i := range n {
		p := fmt.Sprintf("/p%d", i)
		pages[p] = withLength("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", bytes.Repeat([]byte("x"), 3000))
		list.WriteString("http://" + site.ln.Addr().String() + p + "\n")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "run.warc.gz")
	code, _, errOut := run(t, list.String(), "scrape", "-c", "1", "--warc", path, "--warc-max-size", "1", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(names) != n {
		t.Fatalf("files %v; want %d (one exchange each past 1 byte)", names, n)
	}
	seen := 0
	for i := 1; i <= n; i++ {
		name := filepath.Join(dir, fmt.Sprintf("run-%05d.warc.gz", i))
		info, exchanges := readWarc(t, name) // warcinfo first, digests, pairs
		if !strings.Contains(info, "--warc-max-size=") {
			t.Errorf("%s: warcinfo %q", name, info)
		}
		for _, e := range exchanges {
			if !e.response || len(e.payload) != 3000 {
				t.Errorf("%s: %s response %v, %d bytes", name, e.target, e.response, len(e.payload))
			}
			seen++
		}
	}
	if seen != n {
		t.Errorf("%d exchanges in all, want %d", seen, n)
	}
}
