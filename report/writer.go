package report

import (
	"bytes"
	"io"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// Store keeps every result somewhere durable; the SQLite store is one.
// Flush is a hint that the writer is idle.
type Store interface {
	Put(r *record.Result) error
	Flush() error
	Close() error
}

// Progress is told of every result; the progress bar is one.
type Progress interface {
	Add(r *record.Result)
}

// Writer is the one consumer of a run's results: it encodes them to Out,
// counts them in a Summary, and hands them to the Store and the Progress.
//
// In stream mode a result is written and counted as it arrives, and the
// summary keeps counts only. In gather mode results are written in input
// order, and the summary lists every failed URL in that order too; what
// waits for its turn, and the list of failures, go to temporary files
// beyond a bound (docs/output.md, "The summary"), so memory does not grow with the
// list even behind one slow URL.
type Writer struct {
	Out      io.Writer
	Encoder  Encoder
	Gather   bool // input order, and the summary at the end
	Store    Store
	Progress Progress
	// OnError is called once, from the writer's goroutine, when writing to
	// Out or the Store fails; the writer then keeps consuming (and counting)
	// without writing there, so senders never block.
	OnError func(error)
	// Now stamps each result's FetchedAt as it arrives, unless set
	// already; nil is time.Now.
	Now func() time.Time
	// Filter says which records are written (--match-status,
	// --filter-status); the summary, the store and the progress count
	// every result, and the summary counts those left out.
	Filter StatusFilter

	buf      bytes.Buffer
	first    bool
	sum      *Summary
	outErr   error
	storeErr error
	// heldInMemory overrides the package's bound (tests).
	heldInMemory int
}

// flushAt is how many encoded bytes are written at once at most.
const flushAt = 64 << 10

// Consume reads results until the channel is closed, and returns the
// summary with Elapsed measured from start, and the first write or store
// error. Records are written whole: the output never ends inside one. In
// gather mode the summary's error list may keep a temporary file: the
// caller closes the summary when done with it.
func (w *Writer) Consume(results <-chan record.Result, start time.Time) (*Summary, error) {
	w.sum, w.first = &Summary{}, true
	var order *reorder
	if w.Gather {
		w.sum.Errors = &ErrorList{}
		limit := w.heldInMemory
		if limit <= 0 {
			limit = heldInMemory
		}
		order = newReorder(limit, w.emit)
		defer order.close()
	}
	w.Encoder.Header(&w.buf)
	now := w.Now
	if now == nil {
		now = time.Now
	}
	for r := range results {
		if r.FetchedAt.IsZero() {
			r.FetchedAt = now().UTC().Truncate(time.Millisecond)
		}
		if w.Store != nil && w.storeErr == nil {
			if err := w.Store.Put(&r); err != nil {
				w.fail(&w.storeErr, err)
			}
		}
		if w.Progress != nil {
			w.Progress.Add(&r)
		}
		if order == nil {
			w.emit(&r)
		} else if err := order.add(r); err != nil {
			w.fail(&w.outErr, err)
		}
		if w.buf.Len() >= flushAt || len(results) == 0 {
			w.flush()
		}
	}
	if order != nil {
		if err := order.finish(); err != nil {
			w.fail(&w.outErr, err)
		}
	}
	return w.finish(start)
}

// finish writes the footer and closes the store.
func (w *Writer) finish(start time.Time) (*Summary, error) {
	sum := w.sum
	sum.Elapsed = time.Since(start)
	var footer *Summary
	if w.Gather {
		footer = sum
	}
	if err := w.Encoder.Footer(chunks{w}, footer); err != nil && w.outErr == nil {
		w.fail(&w.outErr, err)
	}
	w.flush()
	if w.Store != nil {
		if err := w.Store.Close(); err != nil && w.storeErr == nil {
			w.fail(&w.storeErr, err)
		}
	}
	if w.outErr != nil {
		return sum, w.outErr
	}
	return sum, w.storeErr
}

// emit counts r and encodes it: in stream mode as it arrives, in gather
// mode in input order.
func (w *Writer) emit(r *record.Result) {
	w.sum.Add(r)
	if !w.Filter.Keeps(r) {
		w.sum.Filtered++
		return
	}
	if w.outErr != nil {
		return
	}
	if err := w.Encoder.Record(&w.buf, r, w.first); err != nil {
		w.fail(&w.outErr, err)
	}
	w.first = false
	if w.buf.Len() >= flushAt {
		w.flushOut() // gather mode may emit thousands at once
	}
}

func (w *Writer) flush() {
	if w.Store != nil && w.storeErr == nil {
		if err := w.Store.Flush(); err != nil {
			w.fail(&w.storeErr, err)
		}
	}
	w.flushOut()
}

func (w *Writer) flushOut() {
	if w.buf.Len() == 0 {
		return
	}
	if w.outErr == nil {
		if _, err := w.Out.Write(w.buf.Bytes()); err != nil {
			w.fail(&w.outErr, err)
		}
	}
	w.buf.Reset()
}

func (w *Writer) fail(slot *error, err error) {
	first := w.outErr == nil && w.storeErr == nil
	*slot = err
	if first && w.OnError != nil {
		w.OnError(err)
	}
}

// chunks is the footer's writer: it writes through the writer's buffer to
// Out a chunk at a time, so a footer listing a million errors is never
// whole in memory. It fails once writing to Out has failed.
type chunks struct{ w *Writer }

func (c chunks) Write(p []byte) (int, error) {
	if c.w.outErr != nil {
		return 0, c.w.outErr
	}
	c.w.buf.Write(p)
	if c.w.buf.Len() >= flushAt {
		c.w.flushOut()
	}
	return len(p), c.w.outErr
}
