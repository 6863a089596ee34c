package cmd

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

// progress shows how a run goes, on stderr: a bar redrawn in place on a
// terminal, or (--progress log) a plain line every few seconds, for CI logs
// and files. Both count URLs: done, by status class, failed, URLs per
// second and, when the total is known, the time left.
//
// The bar and the results may share a terminal. Every write of results then
// goes through resultsWriter, which, under the same lock as the drawing,
// clears the bar, writes, and leaves the bar to be drawn again after, so no
// frame ever lands inside a result line. Each frame is one Write.
//
// progressbar/v3 is not used: it cannot share a lock with the results (its
// frames are two writes, and its spinner draws from its own goroutine), it
// does not fit its line to the terminal, and it switches rate units.
type progress struct {
	w     io.Writer
	log   bool          // a line every `every`, not a bar
	every time.Duration // between log lines, or between redraws of the bar
	width int           // columns; lines are cut to fit
	start time.Time

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
	// throttled reports the hosts' windows under --throttle auto, for log
	// lines; nil: off.
	throttled func(now time.Time) limiter.ThrottleReport

	stop chan struct{}
	tick sync.WaitGroup
}

// Progress modes, the values of --progress.
var progressModes = []string{"auto", "always", "never", "log"}

// logEvery is how often --progress log writes a line.
const logEvery = 5 * time.Second

// progressVisible decides from --progress and whether stderr is a terminal.
func progressVisible(when string, errIsTTY bool) bool {
	switch when {
	case "always", "log":
		return true
	case "never":
		return false
	}
	return errIsTTY
}

// newProgress starts showing progress on streams.ErrOut, or returns nil when
// none is to be shown. total is -1 when unknown; setTotal may give it later.
// finish must be called to stop it.
func newProgress(streams *IOStreams, when string, total int64) *progress {
	if !progressVisible(when, streams.ErrIsTTY) {
		return nil
	}
	every := 100 * time.Millisecond
	if when == "log" {
		every = logEvery
	}
	return startProgress(streams.ErrOut, when == "log", every, streams.ErrWidth, total)
}

// startProgress starts a bar (or log lines, if log) on w, drawn every
// every, cut to width columns (80 if width <= 0).
func startProgress(w io.Writer, log bool, every time.Duration, width int, total int64) *progress {
	if width <= 0 {
		width = 80
	}
	p := &progress{
		w: w, log: log, every: every, width: width, start: time.Now(), total: total,
		stop: make(chan struct{}),
	}
	p.tick.Go(p.ticker)
	return p
}

// ticker draws the bar (or writes a log line) every p.every, so elapsed time
// and the estimate move even when no result arrives.
func (p *progress) ticker() {
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
func (p *progress) Add(r *record.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if r.Failed() {
		p.failed++
	}
	if c := r.Status / 100; c >= 1 && c <= 5 {
		p.classes[c]++
	}
	p.show(time.Now(), false)
}

// Skip counts a URL --resume skipped: done, without a request.
func (p *progress) Skip() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.skipped++
	p.show(time.Now(), false)
}

// hold keeps the bar off the screen until release: while the user types
// URLs at the terminal, a bar redrawn in place would land on their line.
func (p *progress) hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = true
}

// release lets the bar be drawn again (the input has ended).
func (p *progress) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = false
}

// show draws the bar if it is due (or forced by the ticker); log lines come
// only from the ticker. p.mu is held.
func (p *progress) show(now time.Time, fromTicker bool) {
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
	p.drawn = true
	io.WriteString(p.w, "\r"+p.frame(now)+"\x1b[K")
}

// clear takes the bar off the screen. p.mu is held.
func (p *progress) clear() {
	if p.drawn {
		io.WriteString(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// setTotal gives the total once it is known; it may come from another
// goroutine.
func (p *progress) setTotal(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n >= 0 {
		p.total = n
	}
}

// finish stops the ticker and clears the bar.
func (p *progress) finish() {
	close(p.stop)
	p.tick.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.log {
		p.clear()
	}
	p.over = true
}

// resultsWriter returns out as a writer that makes way for the bar: each
// write clears the bar first and draws it again after. out must receive
// whole lines per write (report.Writer writes whole records).
func (p *progress) resultsWriter(out io.Writer) io.Writer {
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

// frame is the bar's line, cut to the terminal's width. p.mu is held.
func (p *progress) frame(now time.Time) string {
	stats := p.counts(now)
	room := p.width - 1 // the last column would wrap on some terminals
	if barWidth := min(20, room-len(stats)-3); p.total > 0 && barWidth >= 8 {
		fill := int(int64(barWidth) * min(p.done, p.total) / p.total)
		stats = "[" + strings.Repeat("=", fill) + strings.Repeat(" ", barWidth-fill) + "] " + stats
	}
	if len(stats) > room {
		stats = stats[:max(room, 0)]
	}
	return stats
}

// status is a log line's text. p.mu is held.
func (p *progress) status(now time.Time) string {
	line := fmt.Sprintf("%s, %s elapsed", p.counts(now), now.Sub(p.start).Round(time.Second))
	if p.throttled != nil {
		line += "; " + throttleStatus(p.throttled(now))
	}
	return line
}

// watchThrottle has log lines report the hosts' windows (see
// pipeline.Config.WatchThrottle).
func (p *progress) watchThrottle(report func(now time.Time) limiter.ThrottleReport) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttled = report
}

// counts says what is done, in plain ASCII (its length is its width). p.mu
// is held.
func (p *progress) counts(now time.Time) string {
	var b strings.Builder
	if p.total >= 0 {
		fmt.Fprintf(&b, "%d/%d URLs", p.done, p.total)
		if p.total > 0 {
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
	if p.total > p.done && rate > 0 && elapsed >= time.Second { // a rate needs a second to settle
		left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
		b.WriteString("  eta " + formatETA(left))
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

// note writes line on p's stderr, out of the bar's way.
func (p *progress) note(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.log {
		p.clear()
	}
	io.WriteString(p.w, line+"\n")
}

// noteSlowed is pipeline.Config.Slowed for a run printing on errOut (and
// bar, which may be nil): a line naming the host and the delay its
// robots.txt asks for, since that host's URLs then take at least that long
// each, whatever --rate and -c say.
func noteSlowed(errOut io.Writer, bar *progress) func(string, time.Duration) {
	note := noteOn(errOut, bar)
	return func(host string, every time.Duration) {
		note(fmt.Sprintf("fanout: %s asks for one request every %s (robots.txt Crawl-delay); its URLs take that long each, while the other hosts go on", host, every))
	}
}
