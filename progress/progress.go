// Package progress shows how a run goes, on stderr: a bar redrawn in place
// on a terminal, or a plain line every few seconds for CI logs and files.
// It shares one lock with the writes of results, so no frame ever lands
// inside a result line. It knows results, not HTTP.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// Bar shows how a run goes, on stderr: a bar redrawn in place on a
// terminal, or (--progress log) a plain line every few seconds, for CI logs
// and files. Both count URLs: done, by status class, failed, URLs per
// second and, when the total is known, the time left.
//
// The bar and the results may share a terminal. Every write of results then
// goes through ResultsWriter, which, under the same lock as the drawing,
// clears the bar, writes, and leaves the bar to be drawn again after, so no
// frame ever lands inside a result line. progressbar/v3 renders each
// frame, which goes to the terminal in one Write (render.go says how).
type Bar struct {
	w      io.Writer
	frames frames        // the frame renderer, writing to w
	log    bool          // a line every `every`, not a bar
	every  time.Duration // between log lines, or between redraws of the bar
	width  int           // columns; lines are cut to fit
	cols   func() int    // the terminal's columns now, or nil
	start  time.Time

	mu      sync.Mutex
	total   int64 // -1: unknown
	done    int64 // skipped ones included
	skipped int64 // by --resume: done without a request
	failed  int64
	classes [6]int64 // by status class: classes[2] counts 2xx
	drawn   bool     // the bar is on the screen now
	lastAt  time.Time
	over    bool
	held    bool // not drawn yet: URLs are being typed at the terminal
	pace    pace // hosts held to a pace, for the eta (pace.go)
	// throttled says what --throttle auto does to the hosts' windows, for
	// log lines; nil: nothing.
	throttled func(now time.Time) string

	stop chan struct{}
	tick sync.WaitGroup
}

// LogEvery is how often Options.Log writes a line.
const LogEvery = 5 * time.Second

// Options say how a Bar shows itself.
type Options struct {
	Log   bool          // a plain line every Every (LogEvery if 0), not a bar
	Every time.Duration // between redraws of the bar (100ms if 0)
	Width int           // the terminal's columns; lines are cut to fit (80 if 0)
	Total int64         // URLs in all; -1: unknown (SetTotal may give it later)
	// Columns, if set, gives the terminal's columns now; it is asked before
	// each frame, so the bar follows a terminal resized during the run (0:
	// unknown, Width stands).
	Columns func() int
}

// Start starts showing progress on w, as o says; Finish must be called to
// stop it.
func Start(w io.Writer, o Options) *Bar {
	every, width := o.Every, o.Width
	switch {
	case every <= 0 && o.Log:
		every = LogEvery
	case every <= 0:
		every = 100 * time.Millisecond
	}
	if width <= 0 {
		width = 80
	}
	p := &Bar{
		w: w, frames: frames{out: w}, log: o.Log, every: every, width: width, cols: o.Columns, start: time.Now(), total: o.Total,
		stop: make(chan struct{}),
	}
	p.tick.Go(p.ticker)
	return p
}

// ticker draws the bar (or writes a log line) every p.every, so elapsed time
// and the estimate move even when no result arrives.
func (p *Bar) ticker() {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.show(time.Now(), true)
			p.mu.Unlock()
		}
	}
}

// Add counts one result.
func (p *Bar) Add(r *record.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if r.Failed() {
		p.failed++
	}
	if c := r.Status / 100; c >= 1 && c <= 5 {
		p.classes[c]++
	}
	p.pace.done(r)
	p.show(time.Now(), false)
}

// Skip counts a URL --resume skipped: done, without a request.
func (p *Bar) Skip() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.skipped++
	p.show(time.Now(), false)
}

// Hold keeps the bar off the screen until Release: while the user types
// URLs at the terminal, a bar redrawn in place would land on their line.
func (p *Bar) Hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = true
}

// Release lets the bar be drawn again (the input has ended).
func (p *Bar) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = false
}

// show draws the bar if it is due (or forced by the ticker); log lines come
// only from the ticker. p.mu is held.
func (p *Bar) show(now time.Time, fromTicker bool) {
	if p.over || p.held {
		return
	}
	if p.log {
		if fromTicker {
			fmt.Fprintf(p.w, "fanout: %s\n", p.status(now))
		}
		return
	}
	if !fromTicker && p.drawn && now.Sub(p.lastAt) < p.every {
		return
	}
	p.lastAt = now
	p.drawn = p.frame(now) || p.drawn
}

// clear takes the bar off the screen. p.mu is held.
func (p *Bar) clear() {
	if p.drawn {
		io.WriteString(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// SetTotal gives the total once it is known; it may come from another
// goroutine.
func (p *Bar) SetTotal(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n >= 0 {
		p.total = n
	}
}

// Finish stops the ticker and clears the bar.
func (p *Bar) Finish() {
	close(p.stop)
	p.tick.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.log {
		p.clear()
	}
	p.over = true
}

// ResultsWriter returns out as a writer that makes way for the bar: each
// write clears the bar first and draws it again after. out must receive
// whole lines per write (report.Writer writes whole records).
func (p *Bar) ResultsWriter(out io.Writer) io.Writer {
	if p.log {
		return out
	}
	return writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.clear()
		n, err := out.Write(b)
		if !p.over && time.Since(p.lastAt) >= p.every {
			p.show(time.Now(), true)
		}
		return n, err
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// frame draws the bar's line, fitted to the terminal's width: a bar with
// the percentage and the counts beside it, or, when no bar fits, the counts
// with the percentage in them. It reports whether it wrote. p.mu is held.
func (p *Bar) frame(now time.Time) bool {
	if p.cols != nil {
		if w := p.cols(); w > 0 {
			p.width = w
		}
	}
	room := p.width - 1 // the last column would wrap on some terminals
	text := p.counts(now, false)
	w := barWidth(p.total, text, room)
	if w == 0 {
		text = p.counts(now, true)
	}
	return p.frames.draw(p.done, p.total, text, w, room)
}

// status is a log line's text. p.mu is held.
func (p *Bar) status(now time.Time) string {
	line := fmt.Sprintf("%s, %s elapsed", p.counts(now, true), now.Sub(p.start).Round(time.Second))
	if p.throttled != nil {
		line += "; " + p.throttled(now)
	}
	return line
}

// IsLog reports whether p writes log lines rather than a bar.
func (p *Bar) IsLog() bool { return p.log }

// WatchThrottle has each log line end with what status says at the time
// (what --throttle auto does to the hosts' windows).
func (p *Bar) WatchThrottle(status func(now time.Time) string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttled = status
}

// counts says what is done, in plain ASCII (its length is its width), with
// the percentage when percent is set (a bar shows its own). p.mu is held.
func (p *Bar) counts(now time.Time, percent bool) string {
	var b strings.Builder
	if p.total >= 0 {
		fmt.Fprintf(&b, "%d/%d URLs", p.done, p.total)
		if p.total > 0 && percent {
			fmt.Fprintf(&b, " %d%%", 100*min(p.done, p.total)/p.total)
		}
	} else if p.done == 1 {
		b.WriteString("1 URL")
	} else {
		fmt.Fprintf(&b, "%d URLs", p.done)
	}
	for c := 1; c <= 5; c++ {
		if n := p.classes[c]; n > 0 {
			fmt.Fprintf(&b, "  %dxx %d", c, n)
		}
	}
	fmt.Fprintf(&b, "  %d failed", p.failed)
	if p.skipped > 0 {
		fmt.Fprintf(&b, "  %d skipped", p.skipped)
	}
	elapsed := now.Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.done-p.skipped) / elapsed.Seconds() // skipped ones take no time
	}
	fmt.Fprintf(&b, "  %s URL/s", formatRate(rate))
	if elapsed < time.Second { // a rate needs a second to settle
		rate = 0
	}
	if p.total > p.done || p.total < 0 {
		if left := eta(p.total-p.done, rate, p.pace.floor()); left > 0 {
			b.WriteString("  eta " + formatETA(left))
		}
	}
	return b.String()
}

// formatRate writes a rate with as many digits as it deserves.
func formatRate(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.1f", r)
}

// formatETA writes a time left as people read it: 15s, 2m05s, 1h02m.
func formatETA(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}

// Note writes line on p's stderr, out of the bar's way.
func (p *Bar) Note(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.log {
		p.clear()
	}
	io.WriteString(p.w, line+"\n")
}
