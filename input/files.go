package input

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Files reads targets from several inputs one after another: named files,
// and "-" for standard input. Line numbers start again at 1 in each, and
// with more than one input each target names its file. A file is opened
// only when it is reached, so a run over many files holds one open at a
// time. Next is for one goroutine at a time; MayWait and Close may be
// called from another.
type Files struct {
	mu      sync.Mutex  // held by Next
	closed  atomic.Bool // Close was called
	names   []string    // inputs not yet read to the end; names[0] is current
	stdin   io.Reader
	several bool
	cur     io.ReadCloser // nil until names[0] is opened
	reader  *Reader
	waiting atomic.Int32 // inputs not yet read to the end that may wait
	curWait bool         // cur may wait (counted in waiting)
}

// OpenFiles checks that every named file ("-" is stdin; no names: stdin
// alone) can be opened, before the run starts, so that an unreadable file
// stops the run before any request. The error names the file. The files
// are opened again, one at a time, as they are reached.
func OpenFiles(names []string, stdin io.Reader) (*Files, error) {
	if len(names) == 0 {
		names = []string{"-"}
	}
	s := &Files{names: names, stdin: stdin, several: len(names) > 1}
	for _, name := range names {
		if name == "-" {
			if mayWait(stdin) {
				s.waiting.Add(1)
			}
			continue
		}
		f, err := open(name)
		if err != nil {
			return nil, err
		}
		if mayWait(f) {
			s.waiting.Add(1)
		}
		f.Close()
	}
	return s, nil
}

// open opens a named input file, refusing a directory.
func open(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err == nil {
		var st os.FileInfo
		if st, err = f.Stat(); err == nil && st.IsDir() {
			err = errors.New("is a directory")
		}
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	return f, nil
}

// Next returns the next target of the current input, moving on to the next
// input at the end of one; io.EOF after the last. An error names the file.
func (s *Files) Next() (Target, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.names) > 0 && !s.closed.Load() {
		if s.cur == nil {
			if err := s.openNext(); err != nil {
				return Target{}, err
			}
		}
		t, err := s.reader.Next()
		if s.closed.Load() {
			break // closed while reading
		}
		if err == io.EOF {
			s.closeCur()
			s.names = s.names[1:]
			continue
		}
		if err != nil {
			return t, fmt.Errorf("%s: %w", s.names[0], err)
		}
		if s.several {
			t.File = s.names[0]
		}
		return t, nil
	}
	s.closeCur()
	return Target{}, io.EOF
}

// openNext opens names[0].
func (s *Files) openNext() error {
	name := s.names[0]
	if name == "-" {
		s.cur = io.NopCloser(s.stdin)
		s.curWait = mayWait(s.stdin)
	} else {
		f, err := open(name)
		if err != nil {
			return err
		}
		s.cur, s.curWait = f, mayWait(f)
	}
	s.reader = NewReader(s.cur)
	return nil
}

func (s *Files) closeCur() {
	if s.cur == nil {
		return
	}
	s.cur.Close()
	if s.curWait {
		s.waiting.Add(-1)
	}
	s.cur, s.reader, s.curWait = nil, nil, false
}

// MayWait reports whether a read may wait on another process: whether an
// input not yet read to its end is a pipe, a terminal or a socket rather
// than a regular file (or a reader in memory). Unlike the other methods,
// it is safe to call while another goroutine reads.
func (s *Files) MayWait() bool {
	return s.waiting.Load() > 0
}

// mayWait reports whether reading r may wait on another process.
func mayWait(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err != nil || !st.Mode().IsRegular()
}

// Close closes the input being read, if any, and ends the source. If Next
// is reading at that moment (a run stopped early does not wait for a read
// that may never return), Next closes the input when its read returns.
func (s *Files) Close() {
	s.closed.Store(true)
	if s.mu.TryLock() {
		s.closeCur()
		s.mu.Unlock()
	}
}

// Count counts the targets of the named files by the rules Reader follows,
// without parsing URLs, or returns -1 when an input is stdin ("-", or no
// names) or cannot be read. It reads every file to the end: call it apart
// from the run.
func Count(names []string) int64 {
	if len(names) == 0 {
		return -1
	}
	var total int64
	for _, name := range names {
		if name == "-" {
			return -1
		}
		f, err := open(name)
		if err != nil {
			return -1
		}
		n, err := NewReader(f).count()
		f.Close()
		if err != nil {
			return -1
		}
		total += n
	}
	return total
}
