package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// urlWidth is the URL column's width in -f text: a longer URL pushes the
// rest of its own line to the right, and no other.
const urlWidth = 40

// textLine lays out one line of -f text, the header's and each record's:
// status (or error kind), time and size right-aligned, the URL padded to
// urlWidth, then the title or the error, then the rest.
const textLine = "%-11s %8s %8s  %-*s  %s%s\n"

// textEncoder writes -f text: a header line, then a line a record in
// fixed-width columns, so that a stream stays aligned without buffering.
// A redirected URL shows its first status and its final one (301→200) and
// ends with "→ final_url"; the fields beyond the default ones (--fields,
// -e, --robots) follow as name=value.
type textEncoder struct {
	extra []jsonField // the fields shown as name=value
}

func newTextEncoder(fields []record.Field) textEncoder {
	var extra []record.Field
	for _, f := range fields {
		if f.Group != record.Default {
			extra = append(extra, f)
		}
	}
	return textEncoder{extra: jsonFields(extra)}
}

func (textEncoder) Header(buf *bytes.Buffer) {
	fmt.Fprintf(buf, textLine, "status", "time", "size", urlWidth, "url", "title or error", "")
}

func (e textEncoder) Record(buf *bytes.Buffer, r *record.Result, _ bool) error {
	size := "-"
	if r.Attempts > 0 {
		size = humanBytes(r.Size)
		if r.Truncated {
			size += "+"
		}
	}
	tail := r.Title
	if r.Error != "" {
		tail = r.Error
	}
	var rest []byte
	if r.Redirects > 0 && r.FinalURL != "" {
		rest = append(append(rest, "  → "...), printable(r.FinalURL)...)
	}
	for _, f := range e.extra {
		if v := f.Get(r); !v.Null {
			rest = append(append(append(rest, "  "...), f.Name...), '=')
			rest = append(rest, printable(textValue(v))...)
		}
	}
	fmt.Fprintf(buf, textLine, textStatus(r), time.Duration(r.DurationMS*float64(time.Millisecond)).Round(time.Millisecond),
		size, urlWidth, printable(r.URL), printable(tail), rest)
	return nil
}

// textStatus is the status column: the error kind of a failure, else the
// status, with the first response's before it when redirects were
// followed (301→200).
func textStatus(r *record.Result) string {
	switch {
	case r.ErrorKind != "":
		return string(r.ErrorKind)
	case r.Redirects > 0 && r.FirstStatus != 0:
		return strconv.Itoa(r.FirstStatus) + "→" + strconv.Itoa(r.Status)
	}
	return strconv.Itoa(r.Status)
}

// textValue is v for a text line: strings as they are, the rest as JSON.
func textValue(v record.Value) string {
	if v.Type == record.String {
		return v.Str
	}
	return string(appendValue(nil, v))
}

func (textEncoder) Footer(w io.Writer, s *Summary) error {
	if s == nil {
		return nil
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return s.WriteText(w)
}
