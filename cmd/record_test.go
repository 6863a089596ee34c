package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/record"
)

// keySequence is the keys of one JSON object, in the order written, as a
// reader that infers a schema (DuckDB, pandas) meets them.
func keySequence(t *testing.T, line string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %q", line)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
	}
	return keys
}

// refusedURL is a loopback URL nothing listens on.
func refusedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/"
}

// TestEveryRecordHasTheSameKeys runs lists whose records differ in every
// way (a page, a 404, redirects, a refused connection, a line that is no
// URL, a body that is not HTML) and checks that every line of a run has the
// same keys in the same order, null where unknown, and a fetched_at in UTC
// to the millisecond (issue 19: keys came and went with their values).
func TestEveryRecordHasTheSameKeys(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	list := strings.Join([]string{srv.URL + "/page/1", srv.URL + "/status/404", srv.URL + "/redirect/2",
		refusedURL(t), "ftp://not-fetched.invalid/", srv.URL + testsite.PathJSON, srv.URL + "/seo/1"}, "\n") + "\n"
	schema := loadSchema(t)
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	for _, args := range [][]string{
		nil,
		{"--fields", "all", "-e", "h=h1", "--robots", "report"},
		{"--fields", "description,links"},
		{"--report", "gather"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			before := time.Now().UTC().Truncate(time.Millisecond)
			code, out, errOut := run(t, list, append([]string{"scrape", "-q", "--retries", "0"}, args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var lines []string
			for _, l := range strings.Split(out, "\n") {
				l = strings.TrimSuffix(l, ",")
				if strings.HasPrefix(l, `{"url"`) {
					lines = append(lines, l)
				}
			}
			if len(lines) != 7 {
				t.Fatalf("%d records, want 7:\n%s", len(lines), out)
			}
			first := keySequence(t, lines[0])
			for _, l := range lines {
				if keys := keySequence(t, l); !slices.Equal(keys, first) {
					t.Errorf("keys %v\nfirst record's %v", keys, first)
				}
				var rec map[string]any
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatal(err)
				}
				checkSchema(t, schema, rec)
				if at, ok := rec["fetched_at"].(string); ok {
					when, err := time.Parse(time.RFC3339, at)
					if !stamp.MatchString(at) || err != nil || when.Before(before) || when.After(time.Now()) {
						t.Errorf("fetched_at %q (%v), run started %v", at, err, before)
					}
				} else if slices.Contains(first, "fetched_at") {
					t.Errorf("fetched_at %v", rec["fetched_at"])
				}
			}
			if slices.Contains(args, "description,links") && !slices.Equal(first, []string{"url", "line", "file", "description", "links"}) {
				t.Errorf("keys %v", first)
			}
		})
	}
}

// TestNullWhereUnknown checks values that readers type by: null where
// the record does not know, 0 and false where that is the value.
func TestNullWhereUnknown(t *testing.T) {
	code, out, errOut := run(t, refusedURL(t)+"\n", "scrape", "-q", "--retries", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rec map[string]any
	if err := json.NewDecoder(io.Reader(bytes.NewBufferString(out))).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"status": nil, "title": nil, "final_url": nil, "content_type": nil, "file": nil,
		"redirects": 0.0, "size": 0.0, "truncated": false, "attempts": 1.0, "error_kind": "connect"} {
		if got, ok := rec[k]; !ok || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %#v (present %v), want %#v", k, got, ok, want)
		}
	}
}

// recordSchema is docs/record.schema.json, what a test needs of it.
type recordSchema struct {
	Properties map[string]struct {
		Type json.RawMessage `json:"type"`
		Enum []any           `json:"enum"`
	} `json:"properties"`
}

// loadSchema reads docs/record.schema.json and checks that its properties
// are the record's fields, in record order.
func loadSchema(t *testing.T) recordSchema {
	t.Helper()
	b, err := os.ReadFile("../docs/record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s recordSchema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	var props struct {
		Properties json.RawMessage `json:"properties"`
	}
	json.Unmarshal(b, &props)
	if keys := keySequence(t, string(props.Properties)); !slices.Equal(keys, record.AllNames()) {
		t.Errorf("schema's properties %v\nthe record's fields %v", keys, record.AllNames())
	}
	return s
}

// jsonType is the JSON Schema type of v as encoding/json decodes it.
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case map[string]any:
		return "object"
	}
	return "array"
}

// checkSchema checks each value of rec against the schema's type or enum.
func checkSchema(t *testing.T, s recordSchema, rec map[string]any) {
	t.Helper()
	for k, v := range rec {
		p, ok := s.Properties[k]
		if !ok {
			t.Errorf("key %q is not in the schema", k)
			continue
		}
		if p.Enum != nil {
			if !slices.Contains(p.Enum, v) {
				t.Errorf("%s = %#v, not in %v", k, v, p.Enum)
			}
			continue
		}
		var types []string
		if json.Unmarshal(p.Type, &types) != nil {
			types = []string{strings.Trim(string(p.Type), `"`)}
		}
		got := jsonType(v)
		if !slices.Contains(types, got) && !(got == "integer" && slices.Contains(types, "number")) {
			t.Errorf("%s = %#v (%s), schema says %v", k, v, got, types)
		}
	}
}

// TestOutputExtensionRules checks what -o's extension may not say (issue
// 19: -o results.json wrote JSON lines, -o results.xlsx silently wrote
// JSON lines, -o out.csv -f json wrote JSON into .csv): each is a usage
// error naming the formats, and nothing is written.
func TestOutputExtensionRules(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown extension", []string{"-o", "results.xlsx"}, "fanout writes no .xlsx files; name it .jsonl or .ndjson (JSON lines), .json (one JSON document), .csv, or .txt (text)"},
		{"-f contradicts the extension", []string{"-o", "out.csv", "-f", "json"}, "-o out.csv is .csv, but -f says jsonl"},
		{"text into .csv", []string{"-o", "out.csv", "-f", "text"}, "but -f says text"},
		{"JSON lines into .json", []string{"-o", "results.json", "--report", "stream"}, "a .json file holds one JSON document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			code, out, errOut := run(t, "", append([]string{"scrape", "-u", "http://127.0.0.1:1/"}, tt.args...)...)
			if code != exit.Usage || !strings.Contains(errOut, tt.want) || out != "" {
				t.Errorf("exit %d, stderr %q, want %d and %q", code, errOut, exit.Usage, tt.want)
			}
			if entries, _ := os.ReadDir("."); len(entries) != 0 {
				t.Errorf("wrote %v", entries)
			}
		})
	}
}

// TestJSONOutputIsOneDocument reads -o NAME.json as json.load does.
func TestJSONOutputIsOneDocument(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "results.json")
	if code, _, errOut := run(t, "", "scrape", "-q", "-o", path, srv.URL+"/page/1", srv.URL+"/page/2"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Results []map[string]any `json:"results"`
		Summary map[string]any   `json:"summary"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil || dec.More() || len(doc.Results) != 2 || doc.Summary["total"] != 2.0 {
		t.Errorf("%v, more %v, %d results, summary %v:\n%s", err, dec.More(), len(doc.Results), doc.Summary, b)
	}
}

// TestTextShowsRedirectsAndFields runs -f text as a user does: a header,
// a redirect's first and final status and where it ended, and what
// --fields, -e and --robots asked for.
func TestTextShowsRedirectsAndFields(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	code, out, errOut := run(t, "", "scrape", "-q", "-f", "text", "--fields", "+lang", "-e", "h=h1", "--robots", "report",
		srv.URL+testsite.PathRedirectChain+"2", srv.URL+"/seo/1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "status ") {
		t.Fatalf("want a header and 2 lines:\n%s", out)
	}
	redirect := regexp.MustCompile(`^301→200 .* ` + regexp.QuoteMeta(srv.URL+testsite.PathRedirectChain+"2") + ` .*  → ` +
		regexp.QuoteMeta(srv.URL) + `/page/0  extract=\{"h":\[\]\}  robots_txt=allowed$`)
	seo := regexp.MustCompile(`^200 .*/seo/1 .* lang=en  extract=\{"h":\["Heading \\u0026 1","Second"\]\}  robots_txt=allowed$`)
	for _, re := range []*regexp.Regexp{redirect, seo} {
		if !slices.ContainsFunc(lines[1:], re.MatchString) {
			t.Errorf("no line matches %s:\n%s", re, out)
		}
	}
}
