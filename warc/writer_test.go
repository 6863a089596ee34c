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

// TestWriterGathersRecords: records are written to the file once they
// pass flushSize, or when the timer set at the first of them fires (here
// called at once), and all of them at Close; the warcinfo record at once.
func TestWriterGathersRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.warc")
	w, err := Create(path, 0, []Field{{"software", "test"}})
	if err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	info := size()
	if info == 0 {
		t.Fatal("the warcinfo record is not in the file after Create")
	}
	small := Record{Type: "resource", Fields: []Field{{"WARC-Target-URI", "http://h/"}, {"Content-Type", "text/plain"}}, Block: []byte("hello")}
	if err := w.Write(small); err != nil {
		t.Fatal(err)
	}
	if got := size(); got != info {
		t.Fatalf("a small record was written at once (%d bytes, %d before)", got, info)
	}
	w.mu.Lock()
	armed := w.timer != nil
	w.mu.Unlock()
	if !armed {
		t.Fatal("no timer set for the pending record")
	}
	w.flushPending() // what the timer does
	afterTimer := size()
	if afterTimer <= info {
		t.Fatal("the timer's flush did not write the pending record")
	}
	big := Record{Type: "resource", Fields: []Field{{"WARC-Target-URI", "http://h/big"}, {"Content-Type", "text/plain"}}, Block: bytes.Repeat([]byte("x"), flushSize)}
	if err := w.Write(big); err != nil {
		t.Fatal(err)
	}
	if got := size(); got < afterTimer+flushSize {
		t.Fatalf("%d bytes pending past flushSize were not written (file %d bytes)", flushSize, got)
	}
	if err := w.Write(small); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(readRecords(t, path)); n != 4 {
		t.Fatalf("%d records read back, want 4 (warcinfo, small, big, small)", n)
	}
}

// TestCreateFailsOnAFullDisk: a file that cannot be written is reported
// by Create, before the run, though records are gathered before they are
// written.
func TestCreateFailsOnAFullDisk(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	if _, err := Create("/dev/full", 0, []Field{{"software", "test"}}); err == nil || !strings.Contains(err.Error(), "cannot write --warc") {
		t.Fatalf("Create(/dev/full) = %v, want a write error", err)
	}
}
