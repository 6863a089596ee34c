package cmd

import (
	"bytes"
	"io"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/progress"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

// noTargets is a source that has ended.
type noTargets struct{}

func (noTargets) Next() (input.Target, error) { return input.Target{}, io.EOF }

// barFor attaches a bar (--progress always, on a terminal) to a run of
// opts, as scrape does, and returns it with what it writes and the run's
// config.
func barFor(t *testing.T, inIsTTY bool, files []string, skip func(input.Target) bool) (*progress.Bar, *syncBuffer, *pipeline.Config) {
	t.Helper()
	errOut := &syncBuffer{}
	opts := NewScrapeOptions(&iostreams.IOStreams{In: nil, Out: io.Discard, ErrOut: errOut, InIsTTY: inIsTTY, ErrIsTTY: true, ErrWidth: 200})
	opts.Files = files
	cfg := &pipeline.Config{Source: noTargets{}, Skip: skip}
	bar := attachProgress(opts, &report.Writer{Out: io.Discard}, cfg)
	if bar == nil {
		t.Fatal("no bar on a terminal")
	}
	t.Cleanup(bar.Finish)
	return bar, errOut, cfg
}

// syncBuffer is a bytes.Buffer safe for the progress ticker and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitMatch polls what w holds until it matches re, for at most 10 s.
func waitMatch(w *syncBuffer, re *regexp.Regexp) bool {
	deadline := time.Now().Add(10 * time.Second)
	for !re.MatchString(w.String()) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling a condition with a deadline
	}
	return re.MatchString(w.String())
}

// TestBarCountsSkipped: URLs --resume skips are done in the bar, and said.
func TestBarCountsSkipped(t *testing.T) {
	bar, errOut, cfg := barFor(t, false, []string{"-"}, func(t input.Target) bool { return t.Line <= 3 })
	bar.SetTotal(5)
	for line := 1; line <= 5; line++ {
		if !cfg.Skip(input.Target{Line: line}) {
			bar.Add(&record.Result{Status: 200})
		}
	}
	if want := regexp.MustCompile(`100% \[=+\]  5/5 URLs  2xx 2  0 failed  3 skipped  `); !waitMatch(errOut, want) {
		t.Errorf("bar: …%q, want a match for %s", errOut.String()[max(0, len(errOut.String())-200):], want)
	}
}

// TestBarHeldWhileTyping: while URLs are typed at the terminal, no bar is
// drawn (it would land on the line being typed); once the input ends, it
// is.
func TestBarHeldWhileTyping(t *testing.T) {
	bar, errOut, cfg := barFor(t, true, nil, nil)
	bar.Add(&record.Result{Status: 200})
	if got := errOut.String(); got != "" {
		t.Fatalf("the bar wrote %q while URLs were being typed", got)
	}
	if _, err := cfg.Source.Next(); err != io.EOF {
		t.Fatalf("source: %v, want EOF", err)
	}
	bar.Add(&record.Result{Status: 200})
	if want := regexp.MustCompile(`2 URLs  2xx 2`); !waitMatch(errOut, want) {
		t.Errorf("after the input ended the bar wrote %q, want a match for %s", errOut.String(), want)
	}
}

// TestBarNotHeldForFiles: a run that reads files draws its bar at once,
// even with a terminal on standard input.
func TestBarNotHeldForFiles(t *testing.T) {
	bar, errOut, _ := barFor(t, true, []string{"urls.txt"}, nil)
	bar.Add(&record.Result{Status: 200})
	if want := regexp.MustCompile(`1 URL  2xx 1`); !waitMatch(errOut, want) {
		t.Errorf("bar wrote %q, want a match for %s", errOut.String(), want)
	}
}
