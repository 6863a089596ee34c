package fetcher

import (
	"time"

	"github.com/fanout-dev/fanout/record"
)

// localPause is the least wait after a local resource failure (too many
// open files, no local port): long enough for connections in flight to
// finish and give their descriptors back.
const localPause = time.Second

// GlobalPauser is a Gate that can hold back every host at once. A local
// resource failure is not the host's fault: when the gate implements it, the
// fetcher asks that no attempt on any host start before the pause ends,
// rather than let every worker retry into the same wall.
type GlobalPauser interface {
	PauseAll(until time.Time)
}

// pauseAllIfLocal asks the gate for a global pause when res failed for a
// local reason. A gate without PauseAll leaves it to the retry's own wait,
// which is at least localPause.
func (f *Fetcher) pauseAllIfLocal(res *record.Result) {
	if res.ErrorKind != record.KindLocal {
		return
	}
	if p, ok := f.gate.(GlobalPauser); ok {
		p.PauseAll(time.Now().Add(localPause))
	}
}
