package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/record"
)

// wantFields is the oracle: encoding/json's whole record (oracleRecord),
// its keys kept in the order fields names them.
func wantFields(t testing.TB, r *record.Result, fields []string) string {
	whole, err := json.Marshal(oracle(r))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(whole, &m); err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, f := range fields {
		v, ok := m[f]
		if !ok {
			t.Fatalf("the oracle has no %q", f)
		}
		k, _ := json.Marshal(f)
		parts = append(parts, string(k)+":"+string(v))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

var fieldRecords = []record.Result{
	{},
	{URL: "http://x/<&>", Line: 3, Status: 200, Title: "T \u2028", FinalURL: "http://x/", Redirects: 2, ContentType: "text/html",
		File: "b.txt", Size: 10, Truncated: true, DurationMS: 1.5e-7, Attempts: 1, Page: record.Page{Description: "d", Canonical: "http://x/c", Robots: "noindex",
			Lang: "fr", H1: "h", H1Count: 3, OG: map[string]string{"url": "u", "image": "i"}, Hreflang: map[string]string{"de": "/de"},
			Links: 9}, Extract: map[string][]string{"b": {"x"}, "a": {}}, RobotsTxt: "allowed"},
	{URL: "u", Error: "boom \xff", ErrorKind: record.KindRobots, RobotsTxt: "disallowed"},
}

func TestFieldsJSONMatchesEncodingJSON(t *testing.T) {
	sets := [][]string{
		FieldNames,
		{"url", "canonical", "final_url"},
		{"robots", "robots_txt", "h1_count", "links"},
		{"title"},
		{"extract", "og", "hreflang", "url"},
		{"duration_ms", "size", "attempts", "line", "status", "truncated", "error", "error_kind"},
	}
	for _, fields := range sets {
		enc, err := NewEncoderFields("jsonl", false, fields)
		if err != nil {
			t.Fatal(err)
		}
		for i := range fieldRecords {
			var buf bytes.Buffer
			enc.Record(&buf, &fieldRecords[i], true)
			if got, want := strings.TrimSuffix(buf.String(), "\n"), wantFields(t, &fieldRecords[i], Columns(fields)); got != want {
				t.Errorf("%v, record %d:\n got %s\nwant %s", fields, i, got, want)
			}
		}
	}
}

func FuzzFieldsJSON(f *testing.F) {
	f.Add(uint32(0xffffff), "t", "d", 3, 1.5)
	f.Add(uint32(5), "\xff<", "", 0, 0.0)
	f.Fuzz(func(t *testing.T, mask uint32, title, desc string, n int, ms float64) {
		r := record.Result{URL: desc, Line: n, Status: n, Title: title, Page: record.Page{Description: desc, H1: title, H1Count: n, Links: -n,
			OG: map[string]string{title: desc}}, DurationMS: ms, Extract: map[string][]string{desc: {title}}, RobotsTxt: desc}
		if _, err := json.Marshal(oracle(&r)); err != nil {
			return // NaN or Inf: never a duration
		}
		var fields []string
		for i, name := range FieldNames {
			if mask&(1<<i) != 0 {
				fields = append(fields, name)
			}
		}
		if fields == nil {
			return // no list: the default fields
		}
		enc, _ := NewEncoderFields("jsonl", false, fields)
		var buf bytes.Buffer
		enc.Record(&buf, &r, true)
		if got, want := strings.TrimSuffix(buf.String(), "\n"), wantFields(t, &r, Columns(fields)); got != want {
			t.Fatalf("%v:\n got %s\nwant %s", fields, got, want)
		}
	})
}

func TestFieldsCSV(t *testing.T) {
	enc, err := NewEncoderFields("csv", false, []string{"url", "canonical", "h1_count", "og", "extract", "robots_txt", "file"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc.Header(&buf)
	for i := range fieldRecords {
		enc.Record(&buf, &fieldRecords[i], i == 0)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"url", "line", "file", "canonical", "h1_count", "og", "extract", "robots_txt"}, // url, line, file first
		{"", "0", "", "", "", "", "", ""},                                               // no response: h1_count unknown
		{"http://x/<&>", "3", "b.txt", "http://x/c", "3", `{"image":"i","url":"u"}`, `{"a":[],"b":["x"]}`, "allowed"},
		{"u", "0", "", "", "", "", "", "disallowed"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestFieldsGatherAndErrors(t *testing.T) {
	enc, _ := NewEncoderFields("json", true, []string{"url", "title"})
	var buf bytes.Buffer
	enc.Header(&buf)
	enc.Record(&buf, &record.Result{URL: "a", Title: "A"}, true)
	enc.Record(&buf, &record.Result{URL: "b"}, false)
	if err := enc.Footer(&buf, &Summary{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Results) != 2 || doc.Results[0]["title"] != "A" {
		t.Errorf("gathered %s: %v", buf.String(), err)
	}
	if _, err := NewEncoderFields("csv", false, []string{"url", "nope"}); err == nil {
		t.Error("an unknown field was accepted")
	}
}
