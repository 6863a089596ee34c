package cmd

import (
	"fmt"
	"time"

	"github.com/fanout-dev/fanout/report"
)

// summaryLine is the line on stderr at the end of a run: the summary's
// line, the URLs --resume skipped, and what held the run back when that
// was the per-host cap for most of it, with the flag that sets it.
func summaryLine(out runResult) string {
	line := out.Summary.Line()
	if out.Outcome.Skipped > 0 {
		line += fmt.Sprintf("; %d skipped, already in --db", out.Outcome.Skipped)
	}
	if out.Outcome.Unstarted > 0 {
		line += fmt.Sprintf("; %s read but not started, with no record", report.Plural(out.Outcome.Unstarted, "URL"))
	}
	if hint := perHostHint(out.PerHost, out.Outcome.HostCapWait, out.Summary.Elapsed); hint != "" {
		line += "\n" + hint
	}
	if t := throttleLine(out.Throttle, out.Outcome.Throttle); t != "" {
		line += "\n" + t
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
