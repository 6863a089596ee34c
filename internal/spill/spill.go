// Package spill holds temporary files for what would otherwise wait in
// memory (gather mode's results, the summary's error list, the targets a
// host holds beyond its share of the scheduler's window, a crawl's
// frontier beyond its bound).
package spill

import (
	"io"
	"os"
)

// bufferSize is how many written bytes a File holds before it writes them
// to its file.
const bufferSize = 64 << 10

// File is a temporary file for what would otherwise wait in memory:
// written at its end through a buffer, read anywhere with ReadAt. On
// systems that allow it the file is unlinked at once, so nothing is left
// behind even if the process is killed; elsewhere Close removes it.
//
// What a Write accepted is never lost: when the file cannot take the
// buffer (a full disk), the buffer keeps it, ReadAt reads it from there,
// and Write refuses more (with the file's error) until the file takes the
// buffer again. A caller keeps what a Write refused.
type File struct {
	f       backing
	buf     []byte // bytes [size-len(buf), size), not yet in the file
	size    int64  // bytes accepted, buffered ones included
	removed bool
}

// backing is what a File writes to: an *os.File, or a failing one in tests.
type backing interface {
	io.ReaderAt
	io.WriterAt
	io.Closer
	Truncate(int64) error
	Name() string
}

// New creates a File in the default directory for temporary files.
func New() (*File, error) { return NewIn("") }

// NewIn creates a File in directory dir ("": the default directory for
// temporary files).
func NewIn(dir string) (*File, error) {
	f, err := os.CreateTemp(dir, "fanout-spill-*")
	if err != nil {
		return nil, err
	}
	s := &File{f: f, buf: make([]byte, 0, bufferSize)}
	s.removed = os.Remove(f.Name()) == nil
	return s, nil
}

// Write appends p, whole or not at all: when the buffer is full and the
// file cannot take it, p is refused with the file's error.
func (s *File) Write(p []byte) (int, error) {
	if len(s.buf)+len(p) > bufferSize && len(s.buf) > 0 {
		if err := s.Flush(); err != nil {
			return 0, err
		}
	}
	if len(p) > bufferSize { // larger than the buffer: straight to the file
		n, err := s.f.WriteAt(p, s.size)
		if err != nil {
			// Bytes past size are not counted: the next write overwrites them.
			return 0, err
		}
		s.size += int64(n)
		return n, nil
	}
	s.buf = append(s.buf, p...)
	s.size += int64(len(p))
	return len(p), nil
}

// Flush writes what the buffer holds to the file. What the file did not
// take stays in the buffer, readable.
func (s *File) Flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	start := s.size - int64(len(s.buf))
	n, err := s.f.WriteAt(s.buf, start)
	s.buf = s.buf[:copy(s.buf, s.buf[n:])]
	return err
}

// ReadAt reads what was written, from the file and the buffer.
func (s *File) ReadAt(p []byte, off int64) (int, error) {
	inFile := s.size - int64(len(s.buf))
	n := 0
	if off < inFile {
		m := min(int64(len(p)), inFile-off)
		k, err := s.f.ReadAt(p[:m], off)
		if n = k; err != nil {
			return n, err
		}
	}
	if n < len(p) {
		at := off + int64(n) - inFile // into the buffer
		if at >= int64(len(s.buf)) {
			return n, io.EOF
		}
		k := copy(p[n:], s.buf[at:])
		if n += k; n < len(p) {
			return n, io.EOF
		}
	}
	return n, nil
}

// Close closes and removes the file. A nil File is closed.
func (s *File) Close() error {
	if s == nil {
		return nil
	}
	err := s.f.Close()
	if !s.removed {
		os.Remove(s.f.Name())
	}
	return err
}

// Size is how many bytes were written, buffered ones included.
func (s *File) Size() int64 { return s.size }

// Reset empties the file, buffered bytes included, for it to be written
// again from the start.
func (s *File) Reset() error {
	s.buf, s.size = s.buf[:0], 0
	return s.f.Truncate(0)
}
