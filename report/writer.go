package report

import (
	"bytes"
	"io"
	"slices"
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

	buf      bytes.Buffer
	first    bool
	next     int                   // gather: the Seq to write next
	held     map[int]record.Result // gather: finished ahead of next
	outErr   error
	storeErr error
}

// flushAt is how many encoded bytes are written at once at most.
const flushAt = 64 << 10

// Consume reads results until the channel is closed, and returns the
// summary with Elapsed measured from start, and the first write or store
// error. Records are written whole: the output never ends inside one.
func (w *Writer) Consume(results <-chan record.Result, start time.Time) (*Summary, error) {
	sum := &Summary{}
	w.first, w.held = true, map[int]record.Result{}
	w.Encoder.Header(&w.buf)
	for r := range results {
		sum.Add(&r)
		if w.Store != nil && w.storeErr == nil {
			if err := w.Store.Put(&r); err != nil {
				w.fail(&w.storeErr, err)
			}
		}
		if w.Progress != nil {
			w.Progress.Add(&r)
		}
		if w.Gather {
			w.hold(r)
		} else {
			w.encode(&r)
		}
		if w.buf.Len() >= flushAt || len(results) == 0 {
			w.flush()
		}
	}
	for _, seq := range slices.Sorted(func(yield func(int) bool) {
		for k := range w.held {
			if !yield(k) {
				return
			}
		}
	}) {
		r := w.held[seq]
		w.encode(&r)
	}
	sum.Elapsed = time.Since(start)
	var footer *Summary
	if w.Gather {
		footer = sum
	}
	if err := w.Encoder.Footer(&w.buf, footer); err != nil {
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

// hold writes r if it is next in input order, then whatever it unblocks.
func (w *Writer) hold(r record.Result) {
	if r.Seq != w.next {
		w.held[r.Seq] = r
		return
	}
	w.encode(&r)
	w.next++
	for {
		r, ok := w.held[w.next]
		if !ok {
			return
		}
		delete(w.held, w.next)
		w.encode(&r)
		w.next++
	}
}

func (w *Writer) encode(r *record.Result) {
	if w.outErr != nil {
		return
	}
	if err := w.Encoder.Record(&w.buf, r, w.first); err != nil {
		w.fail(&w.outErr, err)
	}
	w.first = false
}

func (w *Writer) flush() {
	if w.Store != nil && w.storeErr == nil {
		if err := w.Store.Flush(); err != nil {
			w.fail(&w.storeErr, err)
		}
	}
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
