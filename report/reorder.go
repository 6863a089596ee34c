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
// for their turn in input order, before it spills them to a temporary file.
const heldInMemory = 8192

// reorder puts results back in input order (record.Result.Seq, dense from
// 0) for gather mode, so that one slow URL does not make the rest wait in
// memory. At most limit results wait in memory; when one more comes, all
// of them are sorted and written to a temporary file as a run, and runs
// are read back (each one in order, a small buffer each) as their turn
// comes: an external merge sort whose input is almost sorted already.
type reorder struct {
	next  int                   // the Seq to emit next
	held  map[int]record.Result // waiting in memory
	limit int
	runs  runHeap // spilled runs, by the Seq at their head
	file  *spill.File
	emit  func(*record.Result)
}

func newReorder(limit int, emit func(*record.Result)) *reorder {
	return &reorder{held: map[int]record.Result{}, limit: limit, emit: emit}
}

// add takes r and emits whatever is now due in order. It fails only when
// a spill to disk fails.
func (o *reorder) add(r record.Result) error {
	if r.Seq != o.next {
		if len(o.held) >= o.limit {
			if err := o.spill(); err != nil {
				return err
			}
		}
		o.held[r.Seq] = r
		return nil
	}
	o.emit(&r)
	o.next++
	for {
		if r, ok := o.held[o.next]; ok {
			delete(o.held, o.next)
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

// finish emits everything still waiting, in order, gaps skipped (a run
// that stopped early leaves some input without a result).
func (o *reorder) finish() error {
	keys := slices.Sorted(maps.Keys(o.held))
	for len(keys) > 0 || len(o.runs) > 0 {
		if len(o.runs) == 0 || (len(keys) > 0 && keys[0] < o.runs[0].head.Seq) {
			r := o.held[keys[0]]
			o.emit(&r)
			keys = keys[1:]
			continue
		}
		if err := o.emitHead(); err != nil {
			return err
		}
	}
	clear(o.held)
	return nil
}

// emitHead emits the first run's head and reads its next one.
func (o *reorder) emitHead() error {
	rn := o.runs[0]
	r := rn.head
	o.emit(&r)
	rn.head = record.Result{} // gob leaves fields the stream omits as they were
	switch err := rn.dec.Decode(&rn.head); {
	case errors.Is(err, io.EOF):
		heap.Pop(&o.runs)
	case err != nil:
		return fmt.Errorf("reading back held results: %w", err)
	default:
		heap.Fix(&o.runs, 0)
	}
	return nil
}

// spill writes every held result, in order, to the file as a new run.
func (o *reorder) spill() error {
	if o.file == nil {
		f, err := spill.New()
		if err != nil {
			return fmt.Errorf("holding results: %w", err)
		}
		o.file = f
	}
	start := o.file.Size()
	enc := gob.NewEncoder(o.file)
	keys := slices.Sorted(maps.Keys(o.held))
	for _, k := range keys {
		r := o.held[k]
		if err := enc.Encode(&r); err != nil {
			return fmt.Errorf("holding results: %w", err)
		}
	}
	clear(o.held)
	rn := &run{dec: gob.NewDecoder(io.NewSectionReader(o.file, start, o.file.Size()-start))}
	if err := rn.dec.Decode(&rn.head); err != nil {
		return fmt.Errorf("reading back held results: %w", err)
	}
	heap.Push(&o.runs, rn)
	return nil
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
