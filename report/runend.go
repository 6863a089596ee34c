package report

import (
	"fmt"
	"io"
	"time"
)

// RunEnd is how a run ended, for the lines written on stderr after it: the
// summary line, what held the run back, and how to resume it.
type RunEnd struct {
	Summary   *Summary
	Skipped   int // URLs --resume skipped, already in the store
	Unstarted int // URLs read but not started when the run stopped early: no record
	// PerHost is the per-host cap the run had (0: none), and HostCapWait
	// how long that cap alone held URLs back.
	PerHost     int
	HostCapWait time.Duration
	Throttle    string // what --throttle auto did (limiter.ThrottleReport.Line), or ""
	// Early says the run stopped early (a signal, the deadline, an input
	// or output that failed): its summary line is written even when quiet,
	// and Resume, if any, is the command line that resumes it, after
	// ResumeNote (a line on the secrets it holds) when that is not "".
	Early              bool
	Resume, ResumeNote string
}

// Write writes the end of the run on w: the summary line (unless quiet and
// the run did not stop early), then the resume command of a run stopped
// early.
func (e RunEnd) Write(w io.Writer, quiet bool) {
	if !quiet || e.Early {
		fmt.Fprintln(w, e.Line())
	}
	if e.Early && e.Resume != "" {
		if e.ResumeNote != "" {
			fmt.Fprintln(w, e.ResumeNote)
		}
		fmt.Fprintln(w, "resume with: "+e.Resume)
	}
}

// Line is the summary's line, the URLs --resume skipped and those never
// started, what held the run back when that was the per-host cap for most
// of it (with the flag that sets it), and what --throttle auto did.
func (e RunEnd) Line() string {
	line := e.Summary.Line()
	if e.Skipped > 0 {
		line += fmt.Sprintf("; %d skipped, already in --db", e.Skipped)
	}
	if e.Unstarted > 0 {
		line += fmt.Sprintf("; %s read but not started, with no record", Plural(e.Unstarted, "URL"))
	}
	if hint := perHostHint(e.PerHost, e.HostCapWait, e.Summary.Elapsed); hint != "" {
		line += "\n" + hint
	}
	if e.Throttle != "" {
		line += "\n" + e.Throttle
	}
	return line
}

// perHostHint says so when the per-host cap set the pace for more than
// half of a run (docs/politeness.md), and names the flag.
func perHostHint(perHost int, waited, elapsed time.Duration) string {
	if perHost <= 0 || elapsed <= 0 || waited*2 < elapsed {
		return ""
	}
	return fmt.Sprintf("fanout: --per-host %d held the run back for %.0f%% of it (few hosts, each at %d requests in flight);"+
		" if the sites allow more, raise --per-host (0: no per-host limit)", perHost, 100*min(1, waited.Seconds()/elapsed.Seconds()), perHost)
}

// WriteCSVSummary writes on w (stderr) the summary of a run gathered as
// CSV, since CSV has no place for it, after a line that says so.
func WriteCSVSummary(w io.Writer, s *Summary) {
	fmt.Fprintln(w, "fanout: --report gather -f csv: the results are in input order; CSV has no place for the summary, so here it is:")
	s.WriteText(w)
}
