package report

import (
	"bytes"
	"io"
	"strconv"
	"strings"

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
	// summary, stream mode nil. It writes to w a piece at a time, since the
	// summary's list of errors may be long.
	Footer(w io.Writer, s *Summary) error
}

// NewEncoder returns the encoder for format (one of Formats) of the
// default fields; gather says whether results are gathered into one
// document with the summary.
func NewEncoder(format string, gather bool) (Encoder, error) {
	return NewEncoderFields(format, gather, nil)
}

// printable is record.Printable: the one rule for text from the network
// or the input shown to a person.
func printable(s string) string { return record.Printable(s) }

// csvCell neutralises a cell that came from the network or the input, for
// spreadsheets, as OWASP's "CSV Injection" advice says: a cell that starts
// with '=', '+', '-' or '@' (a formula) gets a leading apostrophe; control and
// bidirectional characters become U+FFFD, as in -f text (printable), so
// tab and carriage return, the advice's other two starts, never reach a
// cell. Only CSV and text are neutralised: JSON keeps the exact bytes.
func csvCell(s string) string {
	s = printable(s)
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
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
