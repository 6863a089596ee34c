package cmd

import (
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
