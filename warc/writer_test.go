package warc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkWrite writes one exchange (a request record and a 16 KiB
// response record, as the bench site serves them) per op, to a .warc.gz
// and to a .warc: the per-page cost of --warc apart from the fetch.
func BenchmarkWrite(b *testing.B) {
	req := []byte("GET /page/17 HTTP/1.1\r\nHost: 127.0.0.1:9311\r\nUser-Agent: fanout/0.1.0 (+https://github.com/fanout-dev/fanout)\r\nAccept-Encoding: gzip\r\n\r\n")
	var page bytes.Buffer
	page.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 16384\r\n\r\n")
	page.WriteString("<!doctype html><html><head><title>Page 17</title></head><body>")
	for i := 0; page.Len() < 16384; i++ {
		fmt.Fprintf(&page, "<p>Paragraph %d of page 17, with <a href=\"/page/%d\">a link</a>.</p>\n", i, i*7)
	}
	for _, name := range []string{"run.warc.gz", "run.warc"} {
		b.Run(name, func(b *testing.B) {
			w, err := Create(filepath.Join(b.TempDir(), name), 0, []Field{{"software", "bench"}})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			fields := []Field{{"WARC-Target-URI", "http://127.0.0.1:9311/page/17"}, {"WARC-IP-Address", "127.0.0.1"}}
			b.SetBytes(int64(len(req) + page.Len()))
			b.ReportAllocs()
			for b.Loop() {
				recs := []Record{
					{Type: "request", Fields: append(fields, Field{"WARC-Payload-Digest", Digest(req[headerEnd(req):])}), Block: req},
					{Type: "response", Fields: append(fields, Field{"WARC-Payload-Digest", Digest(page.Bytes()[headerEnd(page.Bytes()):])}), Block: page.Bytes()},
				}
				if err := w.Write(recs...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCreateFailsOnAFullDisk: a file that cannot be written is reported
// by Create, before the run.
func TestCreateFailsOnAFullDisk(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	if _, err := Create("/dev/full", 0, []Field{{"software", "test"}}); err == nil || !strings.Contains(err.Error(), "cannot write --warc") {
		t.Fatalf("Create(/dev/full) = %v, want a write error", err)
	}
}
