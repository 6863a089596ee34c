package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/fanout-dev/fanout/record"
)

// Formats are the names of the result encodings.
var Formats = []string{"jsonl", "csv", "text"}

// Encoder appends encoded results to a buffer, a whole record at a time.
type Encoder interface {
	// Header is written once before the first record.
	Header(buf *bytes.Buffer)
	// Record appends one result; first tells whether it is the first.
	Record(buf *bytes.Buffer, r *record.Result, first bool) error
	// Footer is written once after the last record; gather mode passes the
	// summary, stream mode nil.
	Footer(buf *bytes.Buffer, s *Summary) error
}

// NewEncoder returns the encoder for format (one of Formats); gather says
// whether results are gathered into one document with the summary.
func NewEncoder(format string, gather bool) (Encoder, error) {
	switch format {
	case "jsonl", "json":
		if gather {
			return gatherJSON{}, nil
		}
		return jsonLines{}, nil
	case "csv":
		return &csvEncoder{}, nil
	case "text":
		return textEncoder{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want jsonl, csv or text)", format)
}

// jsonLines writes a record a line.
type jsonLines struct{}

func (jsonLines) Header(*bytes.Buffer) {}

func (jsonLines) Record(buf *bytes.Buffer, r *record.Result, _ bool) error {
	buf.Write(appendRecord(buf.AvailableBuffer(), r))
	buf.WriteByte('\n')
	return nil
}

func (jsonLines) Footer(*bytes.Buffer, *Summary) error { return nil }

// gatherJSON writes {"results": [...], "summary": {...}}, a record a line.
type gatherJSON struct{}

func (gatherJSON) Header(buf *bytes.Buffer) { buf.WriteString("{\"results\": [\n") }

func (gatherJSON) Record(buf *bytes.Buffer, r *record.Result, first bool) error {
	if !first {
		buf.WriteString(",\n")
	}
	buf.Write(appendRecord(buf.AvailableBuffer(), r))
	return nil
}

func (gatherJSON) Footer(buf *bytes.Buffer, s *Summary) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	buf.WriteString("\n],\n\"summary\": ")
	buf.Write(b)
	buf.WriteString("}\n")
	return nil
}

// CSVHeader names the CSV columns, the JSON record's fields in order,
// except file, which comes last so that the columns before it stay where
// they were.
var CSVHeader = []string{"url", "line", "status", "title", "final_url", "redirects", "content_type", "size", "truncated", "duration_ms", "attempts", "error", "error_kind", "file"}

type csvEncoder struct{ w *csv.Writer }

func (c *csvEncoder) Header(buf *bytes.Buffer) {
	c.w = csv.NewWriter(buf)
	c.w.Write(CSVHeader)
	c.w.Flush()
}

func (c *csvEncoder) Record(buf *bytes.Buffer, r *record.Result, _ bool) error {
	status := ""
	if r.Status != 0 {
		status = strconv.Itoa(r.Status)
	}
	c.w.Write([]string{
		r.URL, strconv.Itoa(r.Line), status, r.Title, r.FinalURL, strconv.Itoa(r.Redirects),
		r.ContentType, strconv.FormatInt(r.Size, 10), strconv.FormatBool(r.Truncated),
		strconv.FormatFloat(r.DurationMS, 'f', -1, 64), strconv.Itoa(r.Attempts), r.Error, string(r.ErrorKind),
		r.File,
	})
	c.w.Flush()
	return c.w.Error()
}

func (c *csvEncoder) Footer(*bytes.Buffer, *Summary) error { return nil }

// textEncoder writes fixed-width columns, so that a stream stays aligned
// without buffering: status (or error kind), time, size, URL, then the title
// or the error.
type textEncoder struct{}

func (textEncoder) Header(*bytes.Buffer) {}

func (textEncoder) Record(buf *bytes.Buffer, r *record.Result, _ bool) error {
	status := strconv.Itoa(r.Status)
	if r.ErrorKind != "" {
		status = string(r.ErrorKind)
	}
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
	fmt.Fprintf(buf, "%-11s %8s %8s  %s  %s\n", status,
		time.Duration(r.DurationMS*float64(time.Millisecond)).Round(time.Millisecond), size,
		printable(r.URL), printable(tail))
	return nil
}

// printable keeps a server's bytes from steering a terminal: control
// characters (escape sequences among them) become U+FFFD.
func printable(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func (textEncoder) Footer(buf *bytes.Buffer, s *Summary) error {
	if s == nil {
		return nil
	}
	buf.WriteByte('\n')
	return s.WriteText(buf)
}

func humanBytes(n int64) string {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + "B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + "K"
	default:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + "M"
	}
}
