package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// oracleRecord is the record's contract (docs/record.md) written out for
// encoding/json, sharing no code with the field table: every key, in
// order; a pointer or a nil map is null.
type oracleRecord struct {
	URL         string              `json:"url"`
	Line        int                 `json:"line"`
	File        *string             `json:"file"`
	Status      *int                `json:"status"`
	Title       *string             `json:"title"`
	FinalURL    *string             `json:"final_url"`
	Redirects   int                 `json:"redirects"`
	ContentType *string             `json:"content_type"`
	Proto       *string             `json:"proto"`
	Size        int64               `json:"size"`
	Truncated   bool                `json:"truncated"`
	DurationMS  float64             `json:"duration_ms"`
	Attempts    int                 `json:"attempts"`
	Error       *string             `json:"error"`
	ErrorKind   *string             `json:"error_kind"`
	FetchedAt   *string             `json:"fetched_at"`
	Description *string             `json:"description"`
	Canonical   *string             `json:"canonical"`
	Robots      *string             `json:"robots"`
	Lang        *string             `json:"lang"`
	H1          *string             `json:"h1"`
	H1Count     *int                `json:"h1_count"`
	OG          map[string]string   `json:"og"`
	Hreflang    map[string]string   `json:"hreflang"`
	Links       *int                `json:"links"`
	Extract     map[string][]string `json:"extract"`
	RobotsTxt   *string             `json:"robots_txt"`
	Note        *string             `json:"note"`
	Depth       *int                `json:"depth"`
	From        *string             `json:"from"`
	LinkedFrom  []string            `json:"linked_from"`
	IP          *string             `json:"ip"`
	Server      *string             `json:"server"`
	TLS         *oracleTLS          `json:"tls"`
	Hash        *string             `json:"hash"`
	Headers     map[string]string   `json:"headers"`
	Method      *string             `json:"method"`
}

// oracleTLS is the tls object as docs/ops.md says it.
type oracleTLS struct {
	Version   *string  `json:"version"`
	Cipher    *string  `json:"cipher"`
	Subject   *string  `json:"subject_cn"`
	Issuer    *string  `json:"issuer_cn"`
	DNSNames  []string `json:"dns_names"`
	NotBefore *string  `json:"not_before"`
	NotAfter  *string  `json:"not_after"`
	DaysLeft  int      `json:"days_left"`
	Verified  bool     `json:"verified"`
}

func oracleTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	at := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e6)
	return &at
}

// oracle is r as the contract says: strings null when empty (a title
// when there was none, not when it was empty), status null without a
// response, the page's counts null without a response, fetched_at to the
// millisecond in UTC.
func oracle(r *record.Result) oracleRecord {
	s := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	n := func(v int, known bool) *int {
		if !known {
			return nil
		}
		return &v
	}
	o := oracleRecord{URL: r.URL, Line: r.Line, File: s(r.File), Status: n(r.Status, r.Status != 0), Title: s(r.Title),
		FinalURL: s(r.FinalURL), Redirects: r.Redirects, ContentType: s(r.ContentType), Proto: s(r.Proto), Size: r.Size, Truncated: r.Truncated,
		DurationMS: r.DurationMS, Attempts: r.Attempts, Error: s(r.Error), ErrorKind: s(string(r.ErrorKind)),
		Description: s(r.Description), Canonical: s(r.Canonical), Robots: s(r.Robots), Lang: s(r.Lang), H1: s(r.H1),
		H1Count: n(r.H1Count, r.Status != 0), OG: r.OG, Hreflang: r.Hreflang, Links: n(r.Links, r.Status != 0),
		Extract: r.Extract, RobotsTxt: s(r.RobotsTxt), Note: s(r.Note), Depth: r.Depth, From: s(r.From), LinkedFrom: r.LinkedFrom,
		IP: s(r.IP), Server: s(r.Server), Hash: s(r.Hash), Headers: r.Headers, Method: s(r.Method)}
	if c := r.TLS; c != nil {
		o.TLS = &oracleTLS{Version: s(c.Version), Cipher: s(c.Cipher), Subject: s(c.Subject), Issuer: s(c.Issuer), DNSNames: c.DNSNames,
			NotBefore: oracleTime(c.NotBefore), NotAfter: oracleTime(c.NotAfter), DaysLeft: c.DaysLeft, Verified: c.Verified}
	}
	if r.HasTitle {
		o.Title = &r.Title
	}
	if !r.FetchedAt.IsZero() {
		t := r.FetchedAt.UTC()
		at := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e6)
		o.FetchedAt = &at
	}
	return o
}

// allFields is every field of the record, for appendFields.
var allFields = jsonFields(record.Fields)

func TestAppendRecordMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 12, 3, 6, 52, 1, 123456789, time.FixedZone("CET", 3600))
	tests := []record.Result{
		{},
		{URL: "http://example.com/", Line: 12, Status: 200, Title: "Example Domain", FinalURL: "https://example.com/",
			ContentType: "text/html; charset=UTF-8", Size: 1256, DurationMS: 84.2, Attempts: 1, FetchedAt: at},
		{URL: "ftp://x", Line: 5, Error: `unsupported scheme "ftp"`, ErrorKind: record.KindInvalidURL, FetchedAt: at.Add(-at.Sub(time.Unix(0, 0)))},
		{URL: "http://a/", Line: 2, File: "lists/a <b>.txt", Status: 200, HasTitle: true},
		{URL: "http://a/<script>&amp;", Title: "tab\there\nnew \"q\" back\\ \x00\x1f \u2028\u2029 é ☺ \xff\xfe", Redirects: 3, Truncated: true, DurationMS: 0.000001},
		{URL: "u", DurationMS: 1e21, Size: -1, Status: 503, Attempts: 3},
		{URL: "u", DurationMS: 1.5e-7},
		{URL: "u", DurationMS: 123456.789},
		{URL: "u", Status: 200, Page: record.Page{Description: "d <&>", Canonical: "http://x/c", Robots: "noindex, nofollow", Lang: "en",
			H1: "h\u2028", H1Count: 2, OG: map[string]string{"type": "a", "title": "t", "\xff": "\x00"},
			Hreflang: map[string]string{"fr": "/fr", "de": "/de"}, Links: 7},
			Extract: map[string][]string{"b": {"1", "<2>"}, "a": {}, "c": nil}, RobotsTxt: "allowed"},
		{URL: "http://a/x", Status: 404, Depth: new(int), From: "http://a/", LinkedFrom: []string{"http://a/", "http://a/b"}},
		{URL: "https://a/", Status: 200, IP: "127.0.0.1:443", Server: "nginx <1>", Hash: "e3b0", Headers: map[string]string{"x-cache": "HIT", "b": ""},
			TLS: &record.TLS{Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", Subject: "a\u2028", Issuer: "CA", DNSNames: []string{"a", "*.a"},
				NotBefore: at, NotAfter: at.Add(90 * 24 * time.Hour), DaysLeft: -3, Verified: true}},
		{URL: "https://a/", TLS: &record.TLS{Subject: "x"}, Method: "HEAD"},
		{URL: "u", ErrorKind: record.KindRobots, Error: "disallowed by robots.txt", RobotsTxt: "disallowed", Page: record.Page{OG: map[string]string{}}},
	}
	for i, r := range tests {
		want, err := json.Marshal(oracle(&r))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFields(nil, &r, allFields); string(got) != string(want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func FuzzAppendRecord(f *testing.F) {
	f.Add("http://example.com/", "Title", "error", 84.2, int64(1764745921123456789))
	f.Add("\xff<>&", "\u2028\x01", "", 1e-9, int64(0))
	f.Add("u", "", "", 0.0, int64(-1))
	f.Fuzz(func(t *testing.T, url, title, msg string, ms float64, at int64) {
		r := record.Result{URL: url, Title: title, Error: msg, DurationMS: ms, Line: len(url), Status: len(title)}
		if at > 0 && at < 1<<62 {
			r.FetchedAt = time.Unix(0, at)
		}
		want, err := json.Marshal(oracle(&r))
		if err != nil {
			return // NaN or Inf: never a duration
		}
		if got := appendFields(nil, &r, allFields); string(got) != string(want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

// FuzzAppendRecordFields holds the --fields and -e fields to encoding/json.
func FuzzAppendRecordFields(f *testing.F) {
	f.Add("description", "http://x/", "noindex", "en", "h1", 2, "og:title", "T", "name", "value", 3)
	f.Add("\xff<", "", "\u2028", "", "\x01", 0, "", "", "", "", -1)
	f.Fuzz(func(t *testing.T, desc, canon, robots, lang, h1 string, h1s int, k1, v1, k2, v2 string, links int) {
		r := record.Result{URL: "u", Status: h1s, Page: record.Page{Description: desc, Canonical: canon, Robots: robots, Lang: lang, H1: h1, H1Count: h1s,
			OG: map[string]string{k1: v1, k2: v2}, Hreflang: map[string]string{v1: k1}, Links: links}, RobotsTxt: robots,
			Extract: map[string][]string{k1: {v1, v2}, k2: nil, desc: {}}}
		if links%3 == 0 {
			r.OG, r.Extract = nil, nil
		}
		want, err := json.Marshal(oracle(&r))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFields(nil, &r, allFields); string(got) != string(want) {
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
		buf = appendFields(buf[:0], &r, allFields)
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
