// Package report owns all output: encoders for results (JSON lines, CSV,
// text), the one writer that consumes results, the run's summary and its
// latency histogram, and the SQLite store. It knows results, not HTTP, and
// writes only to the writers and files it is given.
package report

import (
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

// Summary aggregates results. The zero value is empty and ready; Add is not
// safe for concurrent use (the one writer calls it).
type Summary struct {
	Total    int
	OK       int // no error kind (any HTTP status)
	Failed   int // an error kind other than canceled
	Canceled int
	Requests int   // attempts made, retries included
	Bytes    int64 // body bytes read
	ByStatus map[int]int
	ByError  map[record.Kind]int
	Errors   []ErrorEntry // every failed URL, in the order they finished
	Elapsed  time.Duration
	Latency  Histogram // per URL, of those that made a request and were not canceled
}

// ErrorEntry is one failed URL in the summary; URL has its password, if
// any, redacted.
type ErrorEntry struct {
	URL       string      `json:"url"`
	Line      int         `json:"line"`
	ErrorKind record.Kind `json:"error_kind"`
	Error     string      `json:"error"`
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
		s.OK++
	case record.KindCanceled:
		s.Canceled++
		s.ByError[r.ErrorKind]++
		return
	default:
		s.Failed++
		s.ByError[r.ErrorKind]++
		s.Errors = append(s.Errors, ErrorEntry{r.RedactedURL(), r.Line, r.ErrorKind, r.Error})
	}
	if r.Attempts > 0 {
		s.Latency.Record(time.Duration(r.DurationMS * float64(time.Millisecond)))
	}
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

// summaryJSON is the summary's JSON form (README, "The summary").
type summaryJSON struct {
	Total          int            `json:"total"`
	OK             int            `json:"ok"`
	Failed         int            `json:"failed"`
	Canceled       int            `json:"canceled"`
	ByStatus       map[string]int `json:"by_status"`
	ByError        map[string]int `json:"by_error"`
	Errors         []ErrorEntry   `json:"errors"`
	Requests       int            `json:"requests"`
	Bytes          int64          `json:"bytes"`
	ElapsedMS      float64        `json:"elapsed_ms"`
	RequestsPerSec float64        `json:"requests_per_sec"`
	LatencyMS      latencyJSON    `json:"latency_ms"`
}

type latencyJSON struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// MarshalJSON renders the summary as the README's summary object.
func (s *Summary) MarshalJSON() ([]byte, error) {
	out := summaryJSON{
		Total: s.Total, OK: s.OK, Failed: s.Failed, Canceled: s.Canceled,
		ByStatus: map[string]int{}, ByError: map[string]int{}, Errors: s.Errors,
		Requests: s.Requests, Bytes: s.Bytes,
		ElapsedMS: Millis(s.Elapsed), RequestsPerSec: round(s.RequestsPerSec(), 1),
		LatencyMS: latencyJSON{
			P50: Millis(s.Latency.Quantile(0.5)), P90: Millis(s.Latency.Quantile(0.9)),
			P99: Millis(s.Latency.Quantile(0.99)), Max: Millis(s.Latency.Max()),
		},
	}
	if out.Errors == nil {
		out.Errors = []ErrorEntry{}
	}
	for code, n := range s.ByStatus {
		out.ByStatus[strconv.Itoa(code)] = n
	}
	for kind, n := range s.ByError {
		out.ByError[string(kind)] = n
	}
	return json.Marshal(out)
}

func round(v float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
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
	noun := "URLs"
	if s.Total == 1 {
		noun = "URL"
	}
	fmt.Fprintf(&b, "fanout: %d %s in %.2fs (%.1f URLs/s)", s.Total, noun, s.Elapsed.Seconds(), perSec)
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
	fmt.Fprintf(&b, "; %d requests, p50 %s, p99 %s", s.Requests,
		s.Latency.Quantile(0.5).Round(100*time.Microsecond), s.Latency.Quantile(0.99).Round(100*time.Microsecond))
	return b.String()
}

// WriteText renders the summary for people, aligned.
func (s *Summary) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "URLs\t%d\t(%d ok, %d failed, %d canceled)\n", s.Total, s.OK, s.Failed, s.Canceled)
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
	for _, e := range s.Errors {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", e.URL, e.ErrorKind, e.Error)
	}
	return tw.Flush()
}
