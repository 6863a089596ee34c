// Package spill holds temporary files for what would otherwise wait in
// memory (gather mode's results, the summary's error list, the targets a
// host holds beyond its share of the scheduler's window).
package spill

import (
	"bufio"
	"io"
	"os"
)

// File is a temporary file for what would otherwise wait in memory:
// written at its end through a buffer, read anywhere with ReadAt. On
// systems that allow it the file is unlinked at once, so nothing is left
// behind even if the process is killed; elsewhere Close removes it.
type File struct {
	f       *os.File
	w       *bufio.Writer
	size    int64 // bytes written, buffered ones included
	removed bool
}

// New creates a File in the default directory for temporary files.
func New() (*File, error) {
	f, err := os.CreateTemp("", "fanout-spill-*")
	if err != nil {
		return nil, err
	}
	s := &File{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	s.removed = os.Remove(f.Name()) == nil
	return s, nil
}

// Write appends p.
func (s *File) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.size += int64(n)
	return n, err
}

// Flush writes what the buffer holds to the file.
func (s *File) Flush() error { return s.w.Flush() }

// ReadAt reads what was written, flushing the buffer first if it holds
// any of it.
func (s *File) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > s.size-int64(s.w.Buffered()) {
		if err := s.w.Flush(); err != nil {
			return 0, err
		}
	}
	return s.f.ReadAt(p, off)
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
	s.w.Reset(s.f)
	s.size = 0
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}
