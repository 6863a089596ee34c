package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/fanout-dev/fanout/record"
)

// FieldNames are the record's JSON field names, in record order, that a
// column list (--fields) may name: record.Fields' names.
var FieldNames = record.AllNames()

// NewEncoderFields is NewEncoder for records with the named fields
// (FieldNames), in the order Columns gives: every JSON record has those
// keys, in that order, null where unknown; CSV has those columns in that
// order (maps and lists as JSON). The text format has its own layout and
// shows the fields beyond the default ones as name=value at the end of each
// line. nil fields are the default fields.
func NewEncoderFields(format string, gather bool, fields []string) (Encoder, error) {
	if fields == nil {
		fields = DefaultFields
	}
	chosen, err := lookupFields(Columns(fields))
	if err != nil {
		return nil, err
	}
	switch format {
	case "jsonl", "json":
		return jsonEncoder{fields: jsonFields(chosen), gather: gather}, nil
	case "csv":
		return &csvEncoder{fields: chosen}, nil
	case "text":
		return newTextEncoder(chosen), nil
	}
	return nil, fmt.Errorf("unknown format %q (want jsonl, csv or text)", format)
}

// DefaultFields are the fields of a record without --fields, in record
// order.
var DefaultFields = record.Names(record.Default)

// Fixed are the fields every record starts with, in this order, whatever
// the field list: they say which line of which list a record answers.
var Fixed = []string{"url", "line", "file"}

// Columns is names as records and CSV rows have them: Fixed first, then
// the others in the order given, each once.
func Columns(names []string) []string {
	cols := slices.Clone(Fixed)
	for _, n := range names {
		if !slices.Contains(cols, n) {
			cols = append(cols, n)
		}
	}
	return cols
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

// jsonEncoder writes JSON records with the chosen fields: a record a line,
// or gathered as {"results": [...], "summary": {...}}, a record a line.
type jsonEncoder struct {
	fields []jsonField
	gather bool
}

func (e jsonEncoder) Header(buf *bytes.Buffer) {
	if e.gather {
		buf.WriteString("{\"results\": [\n")
	}
}

func (e jsonEncoder) Record(buf *bytes.Buffer, r *record.Result, first bool) error {
	if e.gather && !first {
		buf.WriteString(",\n")
	}
	buf.Write(appendFields(buf.AvailableBuffer(), r, e.fields))
	if !e.gather {
		buf.WriteByte('\n')
	}
	return nil
}

func (e jsonEncoder) Footer(w io.Writer, s *Summary) error {
	if !e.gather {
		return nil
	}
	if _, err := io.WriteString(w, "\n],\n\"summary\": "); err != nil {
		return err
	}
	if err := s.WriteJSON(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

// csvEncoder writes the chosen fields as CSV columns.
type csvEncoder struct {
	fields []record.Field
	w      *csv.Writer
}

func (c *csvEncoder) Header(buf *bytes.Buffer) {
	c.w = csv.NewWriter(buf)
	var names []string
	for _, f := range c.fields {
		if f.Type != record.Object {
			names = append(names, f.Name)
			continue
		}
		for _, m := range record.Members[f.Name] { // a column a member
			names = append(names, f.Name+"_"+m)
		}
	}
	c.w.Write(names)
	c.w.Flush()
}

func (c *csvEncoder) Record(buf *bytes.Buffer, r *record.Result, _ bool) error {
	row := make([]string, 0, len(c.fields))
	for _, f := range c.fields {
		v := f.Get(r)
		if f.Type != record.Object {
			row = append(row, csvValue(v))
			continue
		}
		for i := range record.Members[f.Name] {
			cell := ""
			if !v.Null {
				cell = csvValue(v.Obj[i].Value)
			}
			row = append(row, cell)
		}
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
	case v.Type == record.Time:
		return v.Time.UTC().Format(record.TimeLayout)
	case v.Type == record.Strings:
		return csvCell(strings.Join(v.Strs, " "))
	case v.Zero():
		return ""
	}
	return string(appendValue(nil, v))
}
