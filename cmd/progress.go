package cmd

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/fanout-dev/fanout/record"
)

// progress draws a bar on stderr: done count, rate, failures and, when the
// total is known, the total. It is told of results by the one writer.
type progress struct {
	bar    *progressbar.ProgressBar
	failed int

	mu       sync.Mutex // setTotal comes from another goroutine
	finished bool
}

// progressVisible decides from --progress and whether stderr is a terminal.
func progressVisible(when string, errIsTTY bool) bool {
	switch when {
	case "always":
		return true
	case "never":
		return false
	}
	return errIsTTY
}

// newProgress returns a bar over streams.ErrOut, or nil when it is not to be
// shown. total is -1 when unknown; setTotal may give it later.
func newProgress(streams *IOStreams, when string, total int64) *progress {
	if !progressVisible(when, streams.ErrIsTTY) {
		return nil
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(streams.ErrOut), // never stdout: it carries the results
		progressbar.OptionSetDescription("0 failed"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("URL"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
	return &progress{bar: bar}
}

// Add counts one result.
func (p *progress) Add(r *record.Result) {
	if r.Failed() {
		p.failed++
		p.bar.Describe(fmt.Sprintf("%d failed", p.failed))
	}
	p.bar.Add(1)
}

// setTotal gives the bar its total once it is known, unless the run is
// over by then.
func (p *progress) setTotal(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n >= 0 && !p.finished {
		p.bar.ChangeMax64(n)
	}
}

// finish clears the bar and stops its goroutine, if any.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished = true
	p.bar.Finish()
}
