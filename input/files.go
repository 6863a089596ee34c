package input

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// Files reads targets from several inputs one after another: named files,
// and "-" for standard input. Line numbers start again at 1 in each. It is
// not safe for concurrent use.
type Files struct {
	inputs  []io.ReadCloser
	names   []string
	mayWait []bool       // the input is a pipe, a terminal or a socket
	waiting atomic.Int32 // how many of mayWait are true
	cur     *Reader
}

// OpenFiles opens every named file ("-" is stdin; no names: stdin alone)
// before the run starts, so that an unreadable file stops the run before
// any request. The error names the file.
func OpenFiles(names []string, stdin io.Reader) (*Files, error) {
	if len(names) == 0 {
		names = []string{"-"}
	}
	s := &Files{names: names}
	for _, name := range names {
		if name == "-" {
			s.inputs = append(s.inputs, io.NopCloser(stdin))
			s.mayWait = append(s.mayWait, mayWait(stdin))
			continue
		}
		f, err := open(name)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.inputs = append(s.inputs, f)
		s.mayWait = append(s.mayWait, mayWait(f))
	}
	for _, w := range s.mayWait {
		if w {
			s.waiting.Add(1)
		}
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
// input at the end of one; io.EOF after the last. A read error names the
// file.
func (s *Files) Next() (Target, error) {
	for len(s.inputs) > 0 {
		if s.cur == nil {
			s.cur = NewReader(s.inputs[0])
		}
		t, err := s.cur.Next()
		if err == io.EOF {
			s.inputs[0].Close()
			if s.mayWait[0] {
				s.waiting.Add(-1)
			}
			s.inputs, s.names, s.mayWait, s.cur = s.inputs[1:], s.names[1:], s.mayWait[1:], nil
			continue
		}
		if err != nil {
			return t, fmt.Errorf("%s: %w", s.names[0], err)
		}
		return t, nil
	}
	return Target{}, io.EOF
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

// Close closes the inputs not yet read to the end.
func (s *Files) Close() {
	for _, in := range s.inputs {
		in.Close()
	}
	s.inputs = nil
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
