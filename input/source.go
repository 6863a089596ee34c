package input

import (
	"io"
	"sync"
)

// Source yields targets; io.EOF ends it. Reader and Files are sources;
// pipeline.Run reads one.
type Source interface {
	Next() (Target, error)
}

// MayWait is implemented by a Source whose reads may wait on another
// process (a pipe, a terminal): MayWait reports whether they may now. At
// the deadline, such a source is not read on; any other is read to its
// end, so that every line gets a result.
type MayWait interface {
	MayWait() bool
}

// sourceMayWait is s's MayWait, false for a source that cannot wait.
func sourceMayWait(s Source) bool {
	w, ok := s.(MayWait)
	return ok && w.MayWait()
}

// Lines yields n targets without any file, target i (from 0) parsed from
// lineOf(i) and numbered i+1: URLs given on the command line, or a bench's
// generated pages.
func Lines(n int, lineOf func(i int) string) Source {
	return &lines{n: n, lineOf: lineOf}
}

type lines struct {
	n, next int
	lineOf  func(i int) string
}

func (l *lines) Next() (Target, error) {
	if l.next == l.n {
		return Target{}, io.EOF
	}
	l.next++
	t, _ := Parse([]byte(l.lineOf(l.next - 1)))
	t.Line = l.next
	return t, nil
}

// Chain reads its sources one after another. It may wait (MayWait) when
// any source it has still to read may: one that cannot wait is read to its
// end, and that end must not be a pipe that never ends.
func Chain(sources ...Source) Source {
	c := chain(sources)
	return &c
}

type chain []Source

func (c *chain) Next() (Target, error) {
	for len(*c) > 0 {
		t, err := (*c)[0].Next()
		if err != io.EOF {
			return t, err
		}
		*c = (*c)[1:]
	}
	return Target{}, io.EOF
}

// MayWait reports whether any source left may wait.
func (c *chain) MayWait() bool {
	for _, s := range *c {
		if sourceMayWait(s) {
			return true
		}
	}
	return false
}

// Filter yields the targets of src that keep says to keep; it may wait
// when src may.
func Filter(src Source, keep func(Target) bool) Source {
	return filter{src, keep}
}

type filter struct {
	src  Source
	keep func(Target) bool
}

func (f filter) Next() (Target, error) {
	for {
		t, err := f.src.Next()
		if err != nil || f.keep(t) {
			return t, err
		}
	}
}

// MayWait forwards src's.
func (f filter) MayWait() bool { return sourceMayWait(f.src) }

// OnEnd calls end once src has ended (io.EOF or another error); it may
// wait when src may.
func OnEnd(src Source, end func()) Source {
	return &onEnd{src: src, end: end}
}

type onEnd struct {
	src  Source
	end  func()
	once sync.Once
}

func (o *onEnd) Next() (Target, error) {
	t, err := o.src.Next()
	if err != nil {
		o.once.Do(o.end)
	}
	return t, err
}

// MayWait forwards src's.
func (o *onEnd) MayWait() bool { return sourceMayWait(o.src) }
