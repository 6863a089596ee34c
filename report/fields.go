package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/fanout-dev/fanout/record"
)

// FieldNames are the record's JSON field names, in record order, that a
// column list (--fields) may name.
var FieldNames = []string{"url", "line", "file", "status", "title", "final_url", "redirects", "content_type", "size",
	"truncated", "duration_ms", "attempts", "error", "error_kind", "description", "canonical", "robots", "lang",
	"h1", "h1_count", "og", "hreflang", "links", "extract", "robots_txt"}

// NewEncoderFields is NewEncoder for records with only the named fields
// (FieldNames), in the order given: JSON records keep those keys (each
// written as the whole record writes it: omitted when empty, except url,
// line, size, duration_ms and attempts), and CSV has those columns (maps
// and lists as JSON). The text format has its own layout and ignores
// fields. nil fields is NewEncoder.
func NewEncoderFields(format string, gather bool, fields []string) (Encoder, error) {
	if fields == nil || format == "text" {
		return NewEncoder(format, gather)
	}
	for _, f := range fields {
		if fieldIndex(f) < 0 {
			return nil, fmt.Errorf("unknown field %q", f)
		}
	}
	switch format {
	case "jsonl", "json":
		return fieldJSON{fields: fields, gather: gather}, nil
	case "csv":
		return &fieldCSV{fields: fields}, nil
	}
	return NewEncoder(format, gather)
}

func fieldIndex(name string) int {
	for i, n := range FieldNames {
		if n == name {
			return i
		}
	}
	return -1
}

// fieldJSON writes JSON records with the chosen fields.
type fieldJSON struct {
	fields []string
	gather bool
}

func (e fieldJSON) Header(buf *bytes.Buffer) {
	if e.gather {
		gatherJSON{}.Header(buf)
	}
}

func (e fieldJSON) Record(buf *bytes.Buffer, r *record.Result, first bool) error {
	if e.gather && !first {
		buf.WriteString(",\n")
	}
	b := append(buf.AvailableBuffer(), '{')
	n := len(b)
	for _, f := range e.fields {
		b = appendNamed(b, f, r)
	}
	if len(b) > n { // every field came with a comma before it
		b = append(b[:n], b[n+1:]...)
	}
	buf.Write(append(b, '}'))
	if !e.gather {
		buf.WriteByte('\n')
	}
	return nil
}

func (e fieldJSON) Footer(w io.Writer, s *Summary) error {
	if e.gather {
		return gatherJSON{}.Footer(w, s)
	}
	return nil
}

// appendNamed appends ,"name":value for field name of r, as appendRecord
// writes it, or nothing where appendRecord would leave it out.
func appendNamed(b []byte, name string, r *record.Result) []byte {
	num := func(v int64, always bool) []byte {
		if v == 0 && !always {
			return b
		}
		return strconv.AppendInt(append(b, `,"`+name+`":`...), v, 10)
	}
	switch name {
	case "url":
		return appendString(append(b, `,"url":`...), r.URL)
	case "line":
		return num(int64(r.Line), true)
	case "status":
		return num(int64(r.Status), false)
	case "redirects":
		return num(int64(r.Redirects), false)
	case "size":
		return num(r.Size, true)
	case "attempts":
		return num(int64(r.Attempts), true)
	case "h1_count":
		return num(int64(r.H1Count), false)
	case "links":
		return num(int64(r.Links), false)
	case "truncated":
		if r.Truncated {
			return append(b, `,"truncated":true`...)
		}
		return b
	case "duration_ms":
		return appendFloat(append(b, `,"duration_ms":`...), r.DurationMS)
	case "og", "hreflang":
		m := r.OG
		if name == "hreflang" {
			m = r.Hreflang
		}
		if len(m) == 0 {
			return b
		}
		return appendStringMap(append(b, `,"`+name+`":`...), m)
	case "extract":
		if len(r.Extract) == 0 {
			return b
		}
		one := appendFields(nil, &record.Result{Extract: r.Extract})
		return append(b, one...)
	}
	return appendField(b, `,"`+name+`":`, stringField(r, name))
}

// stringField is r's string field name, "" for any other.
func stringField(r *record.Result, name string) string {
	switch name {
	case "file":
		return r.File
	case "title":
		return r.Title
	case "final_url":
		return r.FinalURL
	case "content_type":
		return r.ContentType
	case "error":
		return r.Error
	case "error_kind":
		return string(r.ErrorKind)
	case "description":
		return r.Description
	case "canonical":
		return r.Canonical
	case "robots":
		return r.Robots
	case "lang":
		return r.Lang
	case "h1":
		return r.H1
	case "robots_txt":
		return r.RobotsTxt
	}
	return ""
}

// fieldCSV writes the chosen fields as CSV columns.
type fieldCSV struct {
	fields []string
	w      *csv.Writer
}

func (c *fieldCSV) Header(buf *bytes.Buffer) {
	c.w = csv.NewWriter(buf)
	c.w.Write(c.fields)
	c.w.Flush()
}

func (c *fieldCSV) Record(buf *bytes.Buffer, r *record.Result, _ bool) error {
	row := make([]string, len(c.fields))
	for i, f := range c.fields {
		row[i] = csvCell(csvValue(r, f)) // neutralised, as the fixed columns are
	}
	c.w.Write(row)
	c.w.Flush()
	return c.w.Error()
}

func (c *fieldCSV) Footer(io.Writer, *Summary) error { return nil }

// csvValue is field name of r as a CSV cell: as the fixed columns write
// it, counts as numbers, maps and lists as JSON, "" when empty.
func csvValue(r *record.Result, name string) string {
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	js := func(v any, empty bool) string {
		if empty {
			return ""
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	switch name {
	case "url":
		return r.URL
	case "line":
		return strconv.Itoa(r.Line)
	case "status":
		return itoa(r.Status)
	case "redirects":
		return strconv.Itoa(r.Redirects)
	case "size":
		return strconv.FormatInt(r.Size, 10)
	case "truncated":
		return strconv.FormatBool(r.Truncated)
	case "duration_ms":
		return strconv.FormatFloat(r.DurationMS, 'f', -1, 64)
	case "attempts":
		return strconv.Itoa(r.Attempts)
	case "h1_count":
		return strconv.Itoa(r.H1Count)
	case "links":
		return strconv.Itoa(r.Links)
	case "og":
		return js(r.OG, len(r.OG) == 0)
	case "hreflang":
		return js(r.Hreflang, len(r.Hreflang) == 0)
	case "extract":
		return js(r.Extract, len(r.Extract) == 0)
	}
	return stringField(r, name)
}
