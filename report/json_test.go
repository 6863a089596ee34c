package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/record"
)

func TestAppendRecordMatchesEncodingJSON(t *testing.T) {
	tests := []record.Result{
		{},
		{URL: "http://example.com/", Line: 12, Status: 200, Title: "Example Domain", FinalURL: "https://example.com/",
			ContentType: "text/html; charset=UTF-8", Size: 1256, DurationMS: 84.2, Attempts: 1},
		{URL: "ftp://x", Line: 5, Error: `unsupported scheme "ftp"`, ErrorKind: record.KindInvalidURL},
		{URL: "http://a/", Line: 2, File: "lists/a <b>.txt", Status: 200},
		{URL: "http://a/<script>&amp;", Title: "tab\there\nnew \"q\" back\\ \x00\x1f \u2028\u2029 é ☺ \xff\xfe", Redirects: 3, Truncated: true, DurationMS: 0.000001},
		{URL: "u", DurationMS: 1e21, Size: -1, Status: 503, Attempts: 3},
		{URL: "u", DurationMS: 1.5e-7},
		{URL: "u", DurationMS: 123456.789},
		{URL: "u", Status: 200, Page: record.Page{Description: "d <&>", Canonical: "http://x/c", Robots: "noindex, nofollow", Lang: "en",
			H1: "h\u2028", H1Count: 2, OG: map[string]string{"type": "a", "title": "t", "\xff": "\x00"},
			Hreflang: map[string]string{"fr": "/fr", "de": "/de"}, Links: 7},
			Extract: map[string][]string{"b": {"1", "<2>"}, "a": {}, "c": nil}, RobotsTxt: "allowed"},
		{URL: "u", ErrorKind: record.KindRobots, Error: "disallowed by robots.txt", RobotsTxt: "disallowed", Page: record.Page{OG: map[string]string{}}},
	}
	for i, r := range tests {
		want, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendRecord(nil, &r); string(got) != string(want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func FuzzAppendRecord(f *testing.F) {
	f.Add("http://example.com/", "Title", "error", 84.2)
	f.Add("\xff<>&", "\u2028\x01", "", 1e-9)
	f.Fuzz(func(t *testing.T, url, title, msg string, ms float64) {
		r := record.Result{URL: url, Title: title, Error: msg, DurationMS: ms, Line: len(url), Status: len(title)}
		want, err := json.Marshal(&r)
		if err != nil {
			return // NaN or Inf: never a duration
		}
		if got := appendRecord(nil, &r); string(got) != string(want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

// FuzzAppendRecordFields holds the --fields and -e fields to encoding/json.
func FuzzAppendRecordFields(f *testing.F) {
	f.Add("description", "http://x/", "noindex", "en", "h1", 2, "og:title", "T", "name", "value", 3)
	f.Add("\xff<", "", "\u2028", "", "\x01", 0, "", "", "", "", -1)
	f.Fuzz(func(t *testing.T, desc, canon, robots, lang, h1 string, h1s int, k1, v1, k2, v2 string, links int) {
		r := record.Result{URL: "u", Page: record.Page{Description: desc, Canonical: canon, Robots: robots, Lang: lang, H1: h1, H1Count: h1s,
			OG: map[string]string{k1: v1, k2: v2}, Hreflang: map[string]string{v1: k1}, Links: links}, RobotsTxt: robots,
			Extract: map[string][]string{k1: {v1, v2}, k2: nil, desc: {}}}
		if links%3 == 0 {
			r.OG, r.Extract = nil, nil
		}
		want, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendRecord(nil, &r); string(got) != string(want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

func BenchmarkAppendRecord(b *testing.B) {
	r := record.Result{URL: "http://127.0.0.1:8080/page/12345", Line: 12345, Status: 200, Title: "Page 12345",
		FinalURL: "http://127.0.0.1:8080/page/12345", ContentType: "text/html; charset=utf-8", Size: 2048, DurationMS: 1.234, Attempts: 1}
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = appendRecord(buf[:0], &r)
	}
}

func BenchmarkMarshalRecord(b *testing.B) {
	r := record.Result{URL: "http://127.0.0.1:8080/page/12345", Line: 12345, Status: 200, Title: "Page 12345",
		FinalURL: "http://127.0.0.1:8080/page/12345", ContentType: "text/html; charset=utf-8", Size: 2048, DurationMS: 1.234, Attempts: 1}
	b.ReportAllocs()
	for b.Loop() {
		json.Marshal(&r)
	}
}

func TestTextKeepsControlsOffTheTerminal(t *testing.T) {
	enc, _ := NewEncoder("text", false)
	var buf bytes.Buffer
	r := record.Result{URL: "http://x/", Status: 200, Attempts: 1, Title: "evil\x1b]0;pwned\x07 \u009b31m title"}
	if err := enc.Record(&buf, &r, true); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.ContainsAny(out, "\x1b\x07\u009b") || !strings.Contains(out, "evil\uFFFD]0;pwned\uFFFD") {
		t.Errorf("text line %q", out)
	}
}
