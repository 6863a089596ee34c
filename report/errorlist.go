package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/fanout-dev/fanout/internal/spill"
)

// errorsInMemory is how many entries an ErrorList keeps in memory before it
// spills the rest to a temporary file, errorsBatch at a time.
const (
	errorsInMemory = 4096
	errorsBatch    = 256
)

// ErrorList is the summary's list of failed URLs, in the order they were
// appended. The first entries are kept in memory and the rest in a
// temporary file, a batch at a time, so a run where a million URLs fail
// lists them all in bounded memory. When the file cannot be written (no
// room in TMPDIR), nothing is lost: the entries it did not take stay in
// memory, and so do those after them (Err says so, and the run stops). The
// zero value is empty and ready; it is not safe for concurrent use. Close
// removes the file.
type ErrorList struct {
	mem   []ErrorEntry // the first entries
	batch []ErrorEntry // the entries after the file's, not yet written
	file  *spill.File
	whole int64 // the bytes of file written whole: every batch before batch
	n     int
	err   error // the failure to spill; entries stay in memory since
	// inMemory overrides errorsInMemory (tests).
	inMemory int
}

// Append adds e at the end of the list.
func (l *ErrorList) Append(e ErrorEntry) {
	l.n++
	limit := l.inMemory
	if limit <= 0 {
		limit = errorsInMemory
	}
	if len(l.mem) < limit {
		l.mem = append(l.mem, e)
		return
	}
	l.batch = append(l.batch, e)
	if l.err == nil && len(l.batch) >= errorsBatch {
		if err := l.spill(); err != nil {
			l.err = fmt.Errorf("gather mode could not list failed URLs in a temporary file (TMPDIR): %w; "+
				"the run stopped, and every failure it had is listed", err)
		}
	}
}

// spill writes the batch to the file and flushes it.
func (l *ErrorList) spill() error {
	if l.file == nil {
		f, err := spill.New()
		if err != nil {
			return err
		}
		l.file = f
	}
	for i := range l.batch {
		b, err := json.Marshal(&l.batch[i])
		if err == nil {
			_, err = l.file.Write(append(b, '\n'))
		}
		if err != nil {
			return err
		}
	}
	if err := l.file.Flush(); err != nil {
		return err
	}
	l.whole = l.file.Size()
	l.batch = l.batch[:0]
	return nil
}

// Err is the failure to spill, if any: the list is whole still, but holds
// what the file would have in memory.
func (l *ErrorList) Err() error {
	if l == nil {
		return nil
	}
	return l.err
}

// Len is how many entries were appended.
func (l *ErrorList) Len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// Each calls fn with every entry in order, and stops at fn's first error,
// which it returns; it also returns a failure to read the file back. A nil
// list is empty.
func (l *ErrorList) Each(fn func(*ErrorEntry) error) error {
	if l == nil {
		return nil
	}
	for i := range l.mem {
		if err := fn(&l.mem[i]); err != nil {
			return err
		}
	}
	if l.file != nil {
		if err := l.eachInFile(fn); err != nil {
			return err
		}
	}
	for i := range l.batch {
		if err := fn(&l.batch[i]); err != nil {
			return err
		}
	}
	return nil
}

// eachInFile calls fn with every entry the file holds whole.
func (l *ErrorList) eachInFile(fn func(*ErrorEntry) error) error {
	r := bufio.NewReader(io.NewSectionReader(l.file, 0, l.whole))
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing errors: %w", err)
		}
		var e ErrorEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return fmt.Errorf("listing errors: %w", err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
}

// Close removes the temporary file, if any. A nil list is closed.
func (l *ErrorList) Close() error {
	if l == nil {
		return nil
	}
	return l.file.Close()
}
