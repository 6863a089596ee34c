package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/progress"
)

// Progress modes, the values of --progress.
var progressModes = []string{"auto", "always", "never", "log"}

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

// newProgress starts showing progress on streams.ErrOut, as --progress
// (when) says, or returns nil when none is to be shown. total is -1 when
// unknown. Finish must be called to stop it.
func newProgress(streams *iostreams.IOStreams, when string, total int64) *progress.Bar {
	if !progressVisible(when, streams.ErrIsTTY) {
		return nil
	}
	return progress.Start(streams.ErrOut, progress.Options{Log: when == "log", Width: streams.ErrWidth, Columns: streams.ErrColumns, Total: total})
}

// noteSlowed is pipeline.Config.Slowed for a run printing on errOut (and
// bar, which may be nil): a line naming the host and the delay its
// robots.txt asks for, since that host's URLs then take at least that long
// each, whatever --rate and -c say.
func noteSlowed(errOut io.Writer, bar *progress.Bar) func(string, time.Duration) {
	note := noteOn(errOut, bar)
	return func(host string, every time.Duration) {
		if bar != nil {
			bar.Slowed(host, every) // the eta counts its URLs at that pace
		}
		note(fmt.Sprintf("fanout: %s asks for one request every %s (robots.txt Crawl-delay); its URLs take that long each, while the other hosts go on", host, every))
	}
}
