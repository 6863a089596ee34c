package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// The results table has one column per field of the record
// (record.Fields), named as the field. Maps (og, hreflang, extract) are
// kept as their JSON, times as the record writes them; null values are
// NULL.

// Schema is the results table: one row per URL, keyed by url.
var Schema = schema()

// storedColumns are the results table's columns, in Schema's order.
var storedColumns = record.AllNames()

// legacyColumns are the results table's columns in a store made before
// fanout marked its stores (PRAGMA application_id): such a table has these,
// or these but file, and Open accepts it as a store.
var legacyColumns = []string{"url", "line", "status", "title", "final_url", "redirects", "content_type",
	"size", "truncated", "duration_ms", "attempts", "error", "error_kind", "fetched_at", "file"}

// sqlTypes are the column types of the record's types.
var sqlTypes = map[record.Type]string{
	record.String: "TEXT", record.Int: "INTEGER", record.Float: "REAL", record.Bool: "INTEGER",
	record.StringMap: "TEXT", record.ListMap: "TEXT", record.Strings: "TEXT", record.Object: "TEXT",
}

// quoteName quotes a column name, so that a field named as an SQL keyword
// (from) is a column like any other.
func quoteName(name string) string { return `"` + name + `"` }

func schema() string {
	cols := make([]string, 0, len(record.Fields)+1)
	for _, f := range record.Fields {
		col := quoteName(f.Name) + " " + sqlTypes[f.Type]
		switch f.Name {
		case "url":
			col += " PRIMARY KEY"
		case "fetched_at":
			col += " NOT NULL" // fanout report reads it from every row
		}
		cols = append(cols, col)
	}
	return "CREATE TABLE IF NOT EXISTS results (\n\t" + strings.Join(cols, ",\n\t") + "\n)"
}

// upsert writes a result. A final result replaces whatever was there; a
// canceled one never replaces a final one.
var upsert = func() string {
	var set []string
	for _, c := range storedColumns[1:] {
		set = append(set, quoteName(c)+" = excluded."+quoteName(c))
	}
	quoted := make([]string, len(storedColumns))
	for i, c := range storedColumns {
		quoted[i] = quoteName(c)
	}
	return "INSERT INTO results (" + strings.Join(quoted, ", ") + ")\nVALUES (" +
		strings.Repeat("?, ", len(storedColumns)-1) + "?)\nON CONFLICT (url) DO UPDATE SET\n\t" +
		strings.Join(set, ", ") + "\nWHERE excluded.error_kind IS NOT 'canceled' OR results.error_kind IS 'canceled'"
}()

// addColumns adds to the results table of a store made by an older fanout
// the columns it lacks.
func addColumns(db *sql.DB, path string) error {
	rows, err := db.Query(`SELECT name FROM pragma_table_info('results')`)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("%s: %w", path, err)
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, f := range record.Fields {
		if !have[f.Name] {
			if _, err := db.Exec("ALTER TABLE results ADD COLUMN " + quoteName(f.Name) + " " + sqlTypes[f.Type]); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	return nil
}

// args are r's values for upsert. A result the run's writer did not stamp
// (record.Result.FetchedAt) is stamped now.
func args(r *record.Result) []any {
	if r.FetchedAt.IsZero() {
		stamped := *r
		stamped.FetchedAt = time.Now()
		r = &stamped
	}
	out := make([]any, 0, len(storedColumns))
	for _, f := range record.Fields {
		out = append(out, sqlValue(f.Get(r)))
	}
	return out
}

// sqlValue is v as an SQLite value: nil for null, maps as their JSON.
func sqlValue(v record.Value) any {
	switch {
	case v.Null:
		return nil
	case v.Type == record.String:
		return v.Str
	case v.Type == record.Int:
		return v.Int
	case v.Type == record.Float:
		return v.Num
	case v.Type == record.Bool:
		return v.Bool
	case v.Type == record.Time:
		return v.Time.UTC().Format(record.TimeLayout)
	case v.Type == record.StringMap:
		b, _ := json.Marshal(v.Map) // a map of strings always marshals
		return string(b)
	case v.Type == record.Strings:
		b, _ := json.Marshal(v.Strs)
		return string(b)
	case v.Type == record.Object:
		obj := make(map[string]any, len(v.Obj)) // keys sorted in the JSON
		for _, m := range v.Obj {
			obj[m.Key] = sqlValue(m.Value)
			if m.Type == record.Strings && !m.Null {
				obj[m.Key] = m.Strs
			}
		}
		b, _ := json.Marshal(obj) // strings, numbers and booleans always marshal
		return string(b)
	}
	b, _ := json.Marshal(v.List)
	return string(b)
}
