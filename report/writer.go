package report

import (
	"bytes"
	"cmp"
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
	// Out or the Store fails, or gather mode cannot hold results in a
	// temporary file; the writer then keeps consuming (and counting)
	// without writing where it failed (nor, in stream mode after Out
	// failed, to the Store), so senders never block. After a failed spill
	// it holds results in memory and writes them all at the end.
	OnError func(error)
	// Now stamps each result's FetchedAt as it arrives, unless set
	// already; nil is time.Now.
	Now func() time.Time
	// Filter says which records are written (--match-status,
	// --filter-status); the summary, the store and the progress count
	// every result, and the summary counts those left out.
	Filter StatusFilter

	buf      bytes.Buffer
	ends     []mark    // where each record, the header and each footer piece end in buf
	stored   []pending // stream mode: results waiting for their record to be written
	first    bool
	sum      *Summary
	outErr   error
	storeErr error
	spillErr error // gather mode could not hold results in a temporary file
	// heldInMemory and heldBytes override the package's bounds (tests).
	heldInMemory, heldBytes int
}

// flushAt is how many encoded bytes are written at once at most, and
// pendingAt how many results wait for the store at most.
const (
	flushAt   = 64 << 10
	pendingAt = 1024
)

// mark is where a whole piece of output ends in buf, and whether the
// piece is a record.
type mark struct {
	end    int
	record bool
}

// pending is a result that goes to the store once the bytes of buf up to
// end (its record, or nothing when the filter left it out) are written.
type pending struct {
	r   record.Result
	end int
}

// Consume reads results until the channel is closed, and returns the
// summary with Elapsed measured from start, and the first write or store
// error. Records are written whole: the output never ends inside one, even
// when a write fails part way (a full disk), since what was written of a
// record is then cut off again when Out is a file. In stream mode a result
// goes to the store only once its record is written, so the store is never
// ahead of the output and --resume fetches exactly what the output lacks
// (docs/store.md); in gather mode, whose output a resumed run writes anew,
// results go to the store as they arrive. The summary's error list may
// keep a temporary file: the caller closes the summary when done with it.
func (w *Writer) Consume(results <-chan record.Result, start time.Time) (*Summary, error) {
	w.sum, w.first = &Summary{}, true
	var order *reorder
	if w.Gather {
		w.sum.Errors = &ErrorList{}
		limit := w.heldInMemory
		if limit <= 0 {
			limit = heldInMemory
		}
		order = newReorder(limit, cmp.Or(w.heldBytes, heldBytes), w.emit)
		defer order.close()
	}
	w.Encoder.Header(&w.buf)
	w.ends = append(w.ends, mark{w.buf.Len(), false})
	now := w.Now
	if now == nil {
		now = time.Now
	}
	for r := range results {
		if r.FetchedAt.IsZero() {
			r.FetchedAt = now().UTC().Truncate(time.Millisecond)
		}
		if order != nil {
			w.put(&r)
		}
		if w.Progress != nil {
			w.Progress.Add(&r)
		}
		if order == nil {
			w.emit(&r)
		} else if err := order.add(r); err != nil {
			w.fail(&w.spillErr, err) // the run stops; what is held is written
		}
		w.spillFailed()
		if w.buf.Len() >= flushAt || len(w.stored) >= pendingAt || len(results) == 0 {
			w.flush()
		}
	}
	if order != nil {
		if err := order.finish(); err != nil && w.spillErr == nil {
			w.fail(&w.spillErr, err)
		}
		w.spillFailed()
	}
	return w.finish(start)
}

// spillFailed notes a failure of the summary's error list to spill: the
// run stops, and the list holds the rest in memory.
func (w *Writer) spillFailed() {
	if err := w.sum.Errors.Err(); err != nil && w.spillErr == nil {
		w.fail(&w.spillErr, err)
	}
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
	for _, err := range []error{w.outErr, w.spillErr} {
		if err != nil {
			return sum, err
		}
	}
	return sum, w.storeErr
}

// emit counts r and encodes it: in stream mode as it arrives, in gather
// mode in input order.
func (w *Writer) emit(r *record.Result) {
	w.sum.Add(r)
	if !w.Filter.Keeps(r) {
		w.sum.Filtered++
	}
	if w.outErr != nil {
		if w.Filter.Keeps(r) {
			w.sum.Unwritten++
		}
		return
	}
	w.record(r)
}

// record encodes r into buf, or nothing when the filter leaves it out, and
// in stream mode makes it wait there for the store.
func (w *Writer) record(r *record.Result) {
	if w.Filter.Keeps(r) {
		start := w.buf.Len()
		if err := w.Encoder.Record(&w.buf, r, w.first); err != nil {
			w.buf.Truncate(start) // never half a record
			w.fail(&w.outErr, err)
			return
		}
		w.first = false
		w.ends = append(w.ends, mark{w.buf.Len(), true})
	}
	if !w.Gather {
		w.stored = append(w.stored, pending{*r, w.buf.Len()})
	}
	if w.buf.Len() >= flushAt {
		w.flushOut() // gather mode may emit thousands at once
	}
}

// put gives r to the store.
func (w *Writer) put(r *record.Result) {
	if w.Store != nil && w.storeErr == nil {
		if err := w.Store.Put(r); err != nil {
			w.fail(&w.storeErr, err)
		}
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

// flushOut writes buf to Out and then gives the store the results whose
// records it held. When the write fails part way, the output is cut back
// to its last whole record, and only the results written whole go to the
// store; nothing goes there after.
func (w *Writer) flushOut() {
	written := w.buf.Len()
	if w.outErr == nil && written > 0 {
		n, err := w.Out.Write(w.buf.Bytes())
		if err != nil {
			written = w.wholeUpTo(n)
			w.unwrite(n - written)
			w.fail(&w.outErr, err)
		}
	}
	for i := range w.stored {
		if w.stored[i].end > written {
			break
		}
		w.put(&w.stored[i].r)
	}
	clear(w.stored) // let the results go
	w.stored, w.ends = w.stored[:0], w.ends[:0]
	w.buf.Reset()
}

// wholeUpTo is how many of buf's first n bytes are whole pieces; it
// counts the records after them as not written.
func (w *Writer) wholeUpTo(n int) int {
	whole := 0
	for _, m := range w.ends {
		switch {
		case m.end <= n:
			whole = m.end
		case m.record:
			w.sum.Unwritten++
		}
	}
	return whole
}

// unwrite takes the last n bytes written back out of Out when Out is a
// file that can be cut (a regular file); elsewhere they stay.
func (w *Writer) unwrite(n int) {
	f, ok := w.Out.(interface {
		Seek(offset int64, whence int) (int64, error)
		Truncate(size int64) error
	})
	if n == 0 || !ok {
		return
	}
	end, err := f.Seek(0, io.SeekCurrent)
	if err != nil || end < int64(n) {
		return
	}
	if f.Truncate(end-int64(n)) == nil {
		f.Seek(end-int64(n), io.SeekStart)
	}
}

func (w *Writer) fail(slot *error, err error) {
	first := w.outErr == nil && w.storeErr == nil && w.spillErr == nil
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
	c.w.ends = append(c.w.ends, mark{c.w.buf.Len(), false})
	if c.w.buf.Len() >= flushAt {
		c.w.flushOut()
	}
	return len(p), c.w.outErr
}
