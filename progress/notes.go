package progress

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Notes returns a function that writes a line on errOut, out of bar's way
// (through bar.Note) when there is a bar: bar may be nil. It may be called
// from many goroutines.
func Notes(errOut io.Writer, bar *Bar) func(string) {
	if bar != nil {
		return bar.Note
	}
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(errOut, line+"\n")
	}
}

// SlowedNotes is pipeline.Config.Slowed for a run showing its progress
// with bar (which may be nil) on errOut: a line naming the host and the
// delay its robots.txt asks for, since that host's URLs then take at least
// that long each, whatever --rate and -c say; the bar's eta counts them at
// that pace.
func SlowedNotes(errOut io.Writer, bar *Bar) func(host string, every time.Duration) {
	note := Notes(errOut, bar)
	return func(host string, every time.Duration) {
		if bar != nil {
			bar.Slowed(host, every)
		}
		note(fmt.Sprintf("fanout: %s asks for one request every %s (robots.txt Crawl-delay); its URLs take that long each, while the other hosts go on", host, every))
	}
}
