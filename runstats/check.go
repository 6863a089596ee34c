package runstats

import (
	"context"
	"fmt"
	"strings"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/report"
)

// CheckInputs refuses a report that would say nothing true, with an error
// saying why: an input with lines but no record among them (a CSV output,
// a list of URLs), or no record in any input. Its warnings say which
// JSON-lines input and store hold the same URLs' final records, which the
// report then counts twice, and what lines were skipped (too long, or not
// JSON records).
func CheckInputs(ctx context.Context, st ReadStats) (warnings []string, err error) {
	var names []string
	for _, in := range st.Inputs {
		names = append(names, inputName(in.Name))
		if in.Records == 0 && in.Malformed > 0 {
			return nil, fmt.Errorf(
				"%s holds no fanout records: not one of its %s is a JSON record (the first: %q)%s; "+
					"fanout report reads what fanout scrape writes as JSON lines (-f jsonl, the default) and --db stores",
				inputName(in.Name), report.Plural(in.Malformed, "line"), in.First, whatItLooksLike(in.First))
		}
	}
	if st.Records == 0 {
		return nil, fmt.Errorf("no records in %s: nothing to report", strings.Join(names, ", "))
	}
	warnings, err = sameRun(ctx, st.Inputs)
	if err != nil {
		return warnings, err
	}
	return append(warnings, st.skipped()...), nil
}

// skipped says what lines the report skipped: lines too long, and lines
// that were not JSON records.
func (st ReadStats) skipped() []string {
	var warnings []string
	if st.TooLong > 0 {
		warnings = append(warnings, fmt.Sprintf("%d lines over 64 MiB were skipped (the first at %s)", st.TooLong, st.LongExample))
	}
	if st.Malformed > 0 {
		warnings = append(warnings, fmt.Sprintf("%d lines were not JSON records and were skipped (the first at %s)", st.Malformed, st.Example))
	}
	return warnings
}

// whatItLooksLike guesses what a file whose first line is first is, when
// it is not fanout's JSON lines.
func whatItLooksLike(first string) string {
	if t, ok := input.Parse([]byte(first)); ok && t.Err == nil {
		return " (a list of URLs? fanout scrape fetches them; report reads its output)"
	}
	if strings.Contains(first, ",") && !strings.HasPrefix(first, "{") {
		return " (a CSV output? report does not read CSV)"
	}
	return ""
}

// inputName is how a report input is named in a message.
func inputName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// sameRun says which JSON-lines input and store hold final records of the
// same URLs, judged by the first SampleSize final URLs of each JSON-lines
// input.
func sameRun(ctx context.Context, inputs []InputStats) ([]string, error) {
	var warnings []string
	for _, lines := range inputs {
		if lines.Store || len(lines.Sample) == 0 {
			continue
		}
		for _, store := range inputs {
			if !store.Store || store.Records == 0 {
				continue
			}
			n, err := inStore(ctx, store.Name, lines.Sample)
			if err != nil {
				return warnings, err
			}
			if n > 0 {
				warnings = append(warnings, fmt.Sprintf("%s and %s hold the same run (%d of the first %d URLs of %s are in %s): "+
					"its URLs are counted twice; report one of them",
					inputName(lines.Name), store.Name, n, len(lines.Sample), inputName(lines.Name), store.Name))
			}
		}
	}
	return warnings, nil
}
