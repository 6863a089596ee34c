package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/fanout-dev/fanout/internal/spill"
)

// errorsInMemory is how many entries an ErrorList keeps in memory before it
// spills the rest to a temporary file.
const errorsInMemory = 4096

// ErrorList is the summary's list of failed URLs, in the order they were
// appended. The first entries are kept in memory and the rest in a
// temporary file, so a run where a million URLs fail lists them all in
// bounded memory. The zero value is empty and ready; it is not safe for
// concurrent use. Close removes the file.
type ErrorList struct {
	mem  []ErrorEntry
	file *spill.File
	n    int
	err  error // the first failure to spill; Each returns it
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
	if l.err != nil {
		return
	}
	if l.file == nil {
		if l.file, l.err = spill.New(); l.err != nil {
			l.err = fmt.Errorf("listing errors: %w", l.err)
			return
		}
	}
	b, err := json.Marshal(&e)
	if err == nil {
		_, err = l.file.Write(append(b, '\n'))
	}
	if err != nil {
		l.err = fmt.Errorf("listing errors: %w", err)
	}
}

// Len is how many entries were appended.
func (l *ErrorList) Len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// Each calls fn with every entry in order, and stops at fn's first error,
// which it returns; it also returns any failure to spill or read back.
// A nil list is empty.
func (l *ErrorList) Each(fn func(*ErrorEntry) error) error {
	if l == nil {
		return nil
	}
	if l.err != nil {
		return l.err
	}
	for i := range l.mem {
		if err := fn(&l.mem[i]); err != nil {
			return err
		}
	}
	if l.file == nil {
		return nil
	}
	r := bufio.NewReader(io.NewSectionReader(l.file, 0, l.file.Size()))
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
