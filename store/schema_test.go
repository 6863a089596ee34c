package store

import (
	"path/filepath"
	"testing"

	"github.com/fanout-dev/fanout/record"
)

// legacySchema is the results table as fanout made it before the table of
// fields (record.Fields) decided the columns.
const legacySchema = `CREATE TABLE results (
	url TEXT PRIMARY KEY, line INTEGER NOT NULL, status INTEGER, title TEXT, final_url TEXT,
	redirects INTEGER NOT NULL DEFAULT 0, content_type TEXT, size INTEGER NOT NULL DEFAULT 0,
	truncated INTEGER NOT NULL DEFAULT 0, duration_ms REAL NOT NULL DEFAULT 0,
	attempts INTEGER NOT NULL DEFAULT 0, error TEXT, error_kind TEXT, fetched_at TEXT NOT NULL)`

// TestEveryFieldStored checks that every field of the record is a column,
// in a new store and in one made before the field existed, and that a row
// keeps each field's value (maps as JSON, nulls as NULL).
func TestEveryFieldStored(t *testing.T) {
	r := &record.Result{URL: "http://a/", Line: 3, Status: 200, Title: "T", Size: 9, Attempts: 1, RobotsTxt: "allowed",
		Page:    record.Page{Description: "d", H1Count: 2, OG: map[string]string{"title": "o"}},
		Extract: map[string][]string{"p": {"x", "y"}}}
	want := map[string]any{"url": "http://a/", "status": int64(200), "description": "d", "h1_count": int64(2),
		"og": `{"title":"o"}`, "extract": `{"p":["x","y"]}`, "robots_txt": "allowed", "canonical": nil, "error": nil}
	for _, tt := range []struct{ name, schema string }{{"new", ""}, {"older", legacySchema}} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.db")
			if tt.schema != "" {
				makeDB(t, path, tt.schema)
			}
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Put(r); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			db := reader(t, path)
			for _, f := range record.Fields {
				var got any
				if err := db.QueryRow(`SELECT "` + f.Name + `" FROM results`).Scan(&got); err != nil {
					t.Fatalf("column %s: %v", f.Name, err)
				}
				if w, ok := want[f.Name]; ok && got != w {
					t.Errorf("%s = %#v, want %#v", f.Name, got, w)
				}
			}
		})
	}
}
