package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fanout-dev/fanout/record"
)

// TestTextLayout checks -f text (issue 19: no header, redirects shown as a
// plain 200, --fields, -e and robots_txt dropped): a header whose columns
// the records' line up under, the first and final status of a redirect and
// where it went, and the fields beyond the default ones as name=value.
func TestTextLayout(t *testing.T) {
	enc, err := NewEncoderFields("text", false, append(slices.Clone(DefaultFields), "canonical", "h1_count", "extract", "robots_txt"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc.Header(&buf)
	for _, r := range []record.Result{
		{URL: "http://a.test/old", Status: 200, FirstStatus: 301, Redirects: 2, FinalURL: "http://a.test/new", Title: "New",
			Attempts: 1, Size: 2048, DurationMS: 12, Page: record.Page{Canonical: "http://a.test/c", H1Count: 2},
			Extract: map[string][]string{"h": {"x", "y"}}, RobotsTxt: "allowed"},
		{URL: "http://a.test/p", Status: 404, Attempts: 1, Size: 19, DurationMS: 1},
		{URL: "http://b.test/", ErrorKind: record.KindConnect, Error: "refused", Attempts: 1},
	} {
		if err := enc.Record(&buf, &r, false); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []struct{ start, title, end string }{
		{"status", "title or error", "title or error"},
		{"301→200", "New", `  → http://a.test/new  canonical=http://a.test/c  h1_count=2  extract={"h":["x","y"]}  robots_txt=allowed`},
		{"404", "", "  h1_count=0"},
		{"connect", "refused", "refused"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	col := -1 // the title column, in runes
	for i, w := range want {
		l := lines[i]
		if !strings.HasPrefix(l, w.start) || !strings.HasSuffix(l, w.end) {
			t.Errorf("line %d %q: want it to start %q and end %q", i, l, w.start, w.end)
		}
		if w.title == "" {
			continue
		}
		at := utf8.RuneCountInString(l[:strings.Index(l, "  "+w.title)+2])
		if col >= 0 && at != col {
			t.Errorf("line %d: title at column %d, header's at %d:\n%s", i, at, col, buf.String())
		}
		col = at
	}
}
