package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/fanout-dev/fanout/record"
)

// FieldNames are the record's JSON field names, in record order, that a
// column list (--fields) may name: record.Fields' names.
var FieldNames = record.AllNames()

// NewEncoderFields is NewEncoder for records with only the named fields
// (FieldNames), in the order given: JSON records keep those keys (each
// written as the whole record writes it: omitted when empty, except the
// Kept fields), and CSV has those columns (maps and lists as JSON). The
// text format has its own layout and ignores fields. nil fields is
// NewEncoder.
func NewEncoderFields(format string, gather bool, fields []string) (Encoder, error) {
	if fields == nil || format == "text" {
		return NewEncoder(format, gather)
	}
	chosen, err := lookupFields(fields)
	if err != nil {
		return nil, err
	}
	switch format {
	case "jsonl", "json":
		return fieldJSON{fields: jsonFields(chosen), gather: gather}, nil
	case "csv":
		return &csvEncoder{fields: chosen}, nil
	}
	return NewEncoder(format, gather)
}

// lookupFields is the table's entries for names, in their order.
func lookupFields(names []string) ([]record.Field, error) {
	fields := make([]record.Field, len(names))
	for i, name := range names {
		f, ok := record.FieldNamed(name)
		if !ok {
			return nil, fmt.Errorf("unknown field %q", name)
		}
		fields[i] = f
	}
	return fields, nil
}

// fieldJSON writes JSON records with the chosen fields.
type fieldJSON struct {
	fields []jsonField
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
	buf.Write(appendFields(buf.AvailableBuffer(), r, e.fields))
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

// csvEncoder writes the chosen fields as CSV columns.
type csvEncoder struct {
	fields []record.Field
	w      *csv.Writer
}

func (c *csvEncoder) Header(buf *bytes.Buffer) {
	c.w = csv.NewWriter(buf)
	names := make([]string, len(c.fields))
	for i, f := range c.fields {
		names[i] = f.Name
	}
	c.w.Write(names)
	c.w.Flush()
}

func (c *csvEncoder) Record(buf *bytes.Buffer, r *record.Result, _ bool) error {
	row := make([]string, len(c.fields))
	for i, f := range c.fields {
		row[i] = csvValue(f.Get(r))
	}
	c.w.Write(row)
	c.w.Flush()
	return c.w.Error()
}

func (c *csvEncoder) Footer(io.Writer, *Summary) error { return nil }

// csvValue is v as a CSV cell: "" when null, numbers as JSON writes them
// (floats without an exponent), maps and lists as JSON ("" when empty),
// strings neutralised (csvCell).
func csvValue(v record.Value) string {
	switch {
	case v.Null:
		return ""
	case v.Type == record.String:
		return csvCell(v.Str)
	case v.Type == record.Int:
		return strconv.FormatInt(v.Int, 10)
	case v.Type == record.Float:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case v.Type == record.Bool:
		return strconv.FormatBool(v.Bool)
	case v.Zero():
		return ""
	}
	return string(appendValue(nil, v))
}
