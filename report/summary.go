// Package report owns all output: encoders for results (JSON lines, CSV,
// text), the one writer that consumes results, the run's summary and its
// latency histogram. It knows results, not HTTP, and writes only to the
// writers it is given and to its own temporary files. The SQLite store is
// its own package, store.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// Summary aggregates results. The zero value is empty and ready, and keeps
// counts only; set Errors to list failed URLs too. Add is not safe for
// concurrent use (the one writer calls it).
type Summary struct {
	Total int
	// OK, Status4xx, Status5xx and StatusOther split the URLs that got an
	// answer and no error kind: OK answered 2xx or 3xx (what "ok" means
	// everywhere: the summary, fanout report, bench), the others 4xx, 5xx,
	// or another code (1xx, 600 and up).
	OK          int
	Status4xx   int
	Status5xx   int
	StatusOther int
	Failed      int // an error kind other than canceled
	Canceled    int
	Filtered    int // results counted but not written (--match-status, --filter-status)
	// Unwritten counts results whose records were not written because
	// writing the output failed (a full disk); in stream mode the store
	// lacks them too, so --resume fetches them again.
	Unwritten int
	Requests  int   // attempts made, retries included
	Bytes     int64 // body bytes read
	ByStatus  map[int]int
	ByError   map[record.Kind]int
	Errors    *ErrorList // if set, every failed URL, in the order added (gather: input order)
	Elapsed   time.Duration
	Latency   Histogram // per URL, of those that made a request and were not canceled
}

// ErrorEntry is one failed URL in the summary; URL has its password, if
// any, redacted. File is the input file its line came from, set (as in the
// record) only when the run read several files, where a line number alone
// does not say which line failed.
type ErrorEntry struct {
	URL       string      `json:"url"`
	Line      int         `json:"line"`
	File      string      `json:"file,omitempty"`
	ErrorKind record.Kind `json:"error_kind"`
	Error     string      `json:"error"`
}

// NewErrorEntry is how a failed result is listed wherever failures are
// shown: its URL without a password (record.Result.RedactedURL), its line
// and file, its error.
func NewErrorEntry(r *record.Result) ErrorEntry {
	return ErrorEntry{URL: r.RedactedURL(), Line: r.Line, File: r.File, ErrorKind: r.ErrorKind, Error: r.Error}
}

// Add counts one result.
func (s *Summary) Add(r *record.Result) {
	if s.ByStatus == nil {
		s.ByStatus, s.ByError = map[int]int{}, map[record.Kind]int{}
	}
	s.Total++
	s.Requests += r.Attempts
	s.Bytes += r.Size
	if r.Status != 0 {
		s.ByStatus[r.Status]++
	}
	switch r.ErrorKind {
	case "":
		s.countAnswer(r.Status)
	case record.KindCanceled:
		s.Canceled++
		s.ByError[r.ErrorKind]++
		return
	default:
		s.Failed++
		s.ByError[r.ErrorKind]++
		if s.Errors != nil {
			s.Errors.Append(NewErrorEntry(r))
		}
	}
	if r.Attempts > 0 {
		s.Latency.Record(time.Duration(r.DurationMS * float64(time.Millisecond)))
	}
}

// countAnswer counts a URL that got an answer and no error kind by its
// status: ok (2xx, 3xx), 4xx, 5xx, or another code.
func (s *Summary) countAnswer(status int) {
	switch {
	case IsOK(status):
		s.OK++
	case status >= 400 && status < 500:
		s.Status4xx++
	case status >= 500 && status < 600:
		s.Status5xx++
	default:
		s.StatusOther++
	}
}

// IsOK reports whether status is an "ok" answer: 2xx or 3xx.
func IsOK(status int) bool { return status >= 200 && status < 400 }

// Close removes the error list's temporary file, if any; the counts stay
// usable, the list does not. A nil Summary is closed.
func (s *Summary) Close() error {
	if s == nil {
		return nil
	}
	return s.Errors.Close()
}

// RequestsPerSec is the attempts made per second of the run.
func (s *Summary) RequestsPerSec() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// Millis is d in milliseconds, to the microsecond.
func Millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// summaryHead and summaryTail are the summary's JSON form (docs/output.md, "The
// summary") before and after its errors, which WriteJSON streams between
// them.
type summaryHead struct {
	Total       int            `json:"total"`
	OK          int            `json:"ok"`
	Status4xx   int            `json:"status_4xx"`
	Status5xx   int            `json:"status_5xx"`
	StatusOther int            `json:"status_other"`
	Failed      int            `json:"failed"`
	Canceled    int            `json:"canceled"`
	ByStatus    map[string]int `json:"by_status"`
	ByError     map[string]int `json:"by_error"`
}

type summaryTail struct {
	Filtered       int         `json:"filtered,omitempty"` // not written (--match-status, --filter-status)
	Requests       int         `json:"requests"`
	Bytes          int64       `json:"bytes"`
	ElapsedMS      float64     `json:"elapsed_ms"`
	RequestsPerSec float64     `json:"requests_per_sec"`
	LatencyMS      latencyJSON `json:"latency_ms"`
}

type latencyJSON struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// WriteJSON writes the summary as one JSON object, the errors streamed
// from the list an entry at a time ([] when none are listed).
func (s *Summary) WriteJSON(w io.Writer) error {
	head := summaryHead{
		Total: s.Total, OK: s.OK, Status4xx: s.Status4xx, Status5xx: s.Status5xx, StatusOther: s.StatusOther,
		Failed: s.Failed, Canceled: s.Canceled, ByStatus: map[string]int{}, ByError: map[string]int{},
	}
	for code, n := range s.ByStatus {
		head.ByStatus[strconv.Itoa(code)] = n
	}
	for kind, n := range s.ByError {
		head.ByError[string(kind)] = n
	}
	tail := summaryTail{
		Filtered: s.Filtered, Requests: s.Requests, Bytes: s.Bytes,
		ElapsedMS: Millis(s.Elapsed), RequestsPerSec: round(s.RequestsPerSec(), 1),
		LatencyMS: latencyJSON{
			P50: Millis(s.Latency.Quantile(0.5)), P90: Millis(s.Latency.Quantile(0.9)),
			P99: Millis(s.Latency.Quantile(0.99)), Max: Millis(s.Latency.Max()),
		},
	}
	h, err := json.Marshal(head)
	if err != nil {
		return err
	}
	t, err := json.Marshal(tail)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(h[:len(h)-1], `,"errors":[`...)); err != nil {
		return err
	}
	sep := []byte{}
	err = s.Errors.Each(func(e *ErrorEntry) error {
		b, err := json.Marshal(e)
		if err == nil {
			_, err = w.Write(append(sep, b...))
		}
		sep = []byte{','}
		return err
	})
	if err != nil {
		return err
	}
	_, err = w.Write(append([]byte("],"), t[1:]...))
	return err
}

// MarshalJSON renders the summary as WriteJSON does, whole in memory.
func (s *Summary) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	err := s.WriteJSON(&buf)
	return buf.Bytes(), err
}

func round(v float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

// Counts is the URLs by outcome, for people: "3 ok (2xx/3xx), 1 4xx, 0
// 5xx, 1 failed, 0 canceled" (other statuses only when there are some).
func (s *Summary) Counts() string {
	other := ""
	if s.StatusOther > 0 {
		other = fmt.Sprintf(", %d other status", s.StatusOther)
	}
	return fmt.Sprintf("%d ok (2xx/3xx), %d 4xx, %d 5xx%s, %d failed, %d canceled",
		s.OK, s.Status4xx, s.Status5xx, other, s.Failed, s.Canceled)
}

// Line is the summary in one line, for stderr: URLs and URLs per second,
// then URLs by status class (a 404 or a 503 is not "ok"), failures by kind,
// the canceled, and the requests made with their latency.
func (s *Summary) Line() string {
	var b strings.Builder
	perSec := 0.0
	if s.Elapsed > 0 {
		perSec = float64(s.Total) / s.Elapsed.Seconds()
	}
	fmt.Fprintf(&b, "fanout: %s in %.2fs (%.1f URLs/s)", Plural(s.Total, "URL"), s.Elapsed.Seconds(), perSec)
	var classes [6]int
	for code, n := range s.ByStatus {
		if c := code / 100; c >= 1 && c <= 5 {
			classes[c] += n
		}
	}
	sep := ": "
	for c, n := range classes {
		if n > 0 {
			fmt.Fprintf(&b, "%s%dxx %d", sep, c, n)
			sep = ", "
		}
	}
	fmt.Fprintf(&b, "; %d failed", s.Failed)
	sep = " ("
	for _, kind := range record.Kinds {
		if n := s.ByError[kind]; n > 0 && kind != record.KindCanceled {
			fmt.Fprintf(&b, "%s%s %d", sep, kind, n)
			sep = ", "
		}
	}
	if sep == ", " {
		b.WriteString(")")
	}
	if s.Canceled > 0 {
		fmt.Fprintf(&b, "; %d canceled", s.Canceled)
	}
	if s.Filtered > 0 {
		fmt.Fprintf(&b, "; %d filtered out", s.Filtered)
	}
	if s.Unwritten > 0 {
		fmt.Fprintf(&b, "; %d not written (the output failed)", s.Unwritten)
	}
	fmt.Fprintf(&b, "; %s, p50 %s, p99 %s", Plural(s.Requests, "request"),
		s.Latency.Quantile(0.5).Round(100*time.Microsecond), s.Latency.Quantile(0.99).Round(100*time.Microsecond))
	return b.String()
}

// WriteText renders the summary for people: the counts aligned, then the
// listed errors a line each (not aligned, so that they are never all held
// to be measured), their text made printable as -f text makes it.
func (s *Summary) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "URLs\t%d\t(%s)\n", s.Total, s.Counts())
	if s.Filtered > 0 {
		fmt.Fprintf(tw, "filtered out\t%d\t(counted, not written)\n", s.Filtered)
	}
	fmt.Fprintf(tw, "requests\t%d\t(%.1f/s)\n", s.Requests, s.RequestsPerSec())
	fmt.Fprintf(tw, "elapsed\t%s\t\n", s.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(tw, "latency\tp50 %s\tp90 %s\tp99 %s\tmax %s\n", s.Latency.Quantile(0.5), s.Latency.Quantile(0.9), s.Latency.Quantile(0.99), s.Latency.Max())
	for _, code := range slices.Sorted(maps.Keys(s.ByStatus)) {
		fmt.Fprintf(tw, "status %d\t%d\t\n", code, s.ByStatus[code])
	}
	for _, kind := range record.Kinds {
		if n := s.ByError[kind]; n > 0 {
			fmt.Fprintf(tw, "error %s\t%d\t\n", kind, n)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return s.Errors.Each(func(e *ErrorEntry) error {
		where := ""
		if e.File != "" {
			where = fmt.Sprintf("  (%s line %d)", printable(e.File), e.Line)
		}
		_, err := fmt.Fprintf(w, "  %s  %s  %s%s\n", printable(e.URL), e.ErrorKind, printable(e.Error), where)
		return err
	})
}
