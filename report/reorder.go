package report

import (
	"container/heap"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/fanout-dev/fanout/internal/spill"
	"github.com/fanout-dev/fanout/record"
)

// heldInMemory is how many results gather mode holds in memory, waiting
// for their turn in input order, and heldBytes about how many bytes of
// them (resultBytes), before it spills them to a temporary file: the count
// bounds the common small records, the bytes large ones (-e values).
const (
	heldInMemory = 8192
	heldBytes    = 32 << 20
)

// reorder puts results back in input order (record.Result.Seq, dense from
// 0) for gather mode, so that one slow URL does not make the rest wait in
// memory. At most limit results, or about maxBytes of them, wait in
// memory; when one more comes, all of them are sorted and written to a
// temporary file as a run, and runs are read back (each one in order, a
// small buffer each) as their turn comes: an external merge sort whose
// input is almost sorted already.
//
// When a spill fails (no room in TMPDIR), nothing is lost: what was held
// stays held, in memory from then on, and add returns the error once so
// that the run stops and the held results are soon written (finish).
type reorder struct {
	next     int                   // the Seq to emit next
	held     map[int]record.Result // waiting in memory
	size     int                   // resultBytes of held
	limit    int
	maxBytes int
	runs     runHeap // spilled runs, by the Seq at their head
	file     *spill.File
	failed   bool // a spill failed: hold in memory from then on
	emit     func(*record.Result)
}

func newReorder(limit, maxBytes int, emit func(*record.Result)) *reorder {
	return &reorder{held: map[int]record.Result{}, limit: limit, maxBytes: maxBytes, emit: emit}
}

// add takes r and emits whatever is now due in order. It fails when a
// spill to disk fails (r and everything held are then kept in memory), or
// reading a run back does (that run is lost).
func (o *reorder) add(r record.Result) error {
	if r.Seq != o.next {
		var err error
		if !o.failed && (len(o.held) >= o.limit || o.size >= o.maxBytes) {
			err = o.spill()
		}
		o.held[r.Seq] = r
		o.size += resultBytes(&r)
		return err
	}
	o.emit(&r)
	o.next++
	for {
		if r, ok := o.held[o.next]; ok {
			o.release(o.next, &r)
			o.emit(&r)
		} else if len(o.runs) > 0 && o.runs[0].head.Seq == o.next {
			if err := o.emitHead(); err != nil {
				return err
			}
		} else {
			return nil
		}
		o.next++
	}
}

// release takes r, held as seq, out of memory.
func (o *reorder) release(seq int, r *record.Result) {
	delete(o.held, seq)
	o.size -= resultBytes(r)
}

// finish emits everything still waiting, in order, gaps skipped (a run
// that stopped early leaves some input without a result). It returns the
// first failure to read a run back; the other results are emitted still.
func (o *reorder) finish() error {
	var first error
	keys := slices.Sorted(maps.Keys(o.held))
	for len(keys) > 0 || len(o.runs) > 0 {
		if len(o.runs) == 0 || (len(keys) > 0 && keys[0] < o.runs[0].head.Seq) {
			r := o.held[keys[0]]
			o.emit(&r)
			keys = keys[1:]
			continue
		}
		if err := o.emitHead(); err != nil && first == nil {
			first = err
		}
	}
	clear(o.held)
	o.size = 0
	return first
}

// emitHead emits the first run's head and reads its next one; a run that
// cannot be read on is dropped.
func (o *reorder) emitHead() error {
	rn := o.runs[0]
	r := rn.head
	o.emit(&r)
	rn.head = record.Result{} // gob leaves fields the stream omits as they were
	switch err := rn.dec.Decode(&rn.head); {
	case errors.Is(err, io.EOF):
		heap.Pop(&o.runs)
	case err != nil:
		heap.Pop(&o.runs)
		return fmt.Errorf("gather mode: reading back held results: %w", err)
	default:
		heap.Fix(&o.runs, 0)
	}
	return nil
}

// spill writes every held result, in order, to the file as a new run, and
// flushes it, so that a later spill that fails leaves the runs before it
// whole. When it fails, everything held stays held.
func (o *reorder) spill() error {
	if o.file == nil {
		f, err := spill.New()
		if err != nil {
			return o.fail(err)
		}
		o.file = f
	}
	start := o.file.Size()
	enc := gob.NewEncoder(o.file)
	keys := slices.Sorted(maps.Keys(o.held))
	for _, k := range keys {
		r := o.held[k]
		if err := enc.Encode(&r); err != nil {
			return o.fail(err)
		}
	}
	if err := o.file.Flush(); err != nil {
		return o.fail(err)
	}
	rn := &run{dec: gob.NewDecoder(io.NewSectionReader(o.file, start, o.file.Size()-start))}
	if err := rn.dec.Decode(&rn.head); err != nil {
		return o.fail(err)
	}
	clear(o.held)
	o.size = 0
	heap.Push(&o.runs, rn)
	return nil
}

// fail notes that spilling failed: from now on results are held in
// memory, which the run's stop bounds.
func (o *reorder) fail(err error) error {
	o.failed = true
	return fmt.Errorf("gather mode could not hold the results waiting for their turn in a temporary file "+
		"(TMPDIR): %w; the run stopped, and every result it fetched is written, in input order", err)
}

// close removes the spill file.
func (o *reorder) close() error { return o.file.Close() }

// run is one spilled, sorted run: its next result, and the rest to decode.
type run struct {
	head record.Result
	dec  *gob.Decoder
}

// runHeap orders runs by the Seq at their head (container/heap).
type runHeap []*run

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].head.Seq < h[j].head.Seq }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*run)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
