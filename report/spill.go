package report

import (
	"bufio"
	"os"
)

// spillFile is a temporary file for what would otherwise wait in memory:
// written at its end through a buffer, read anywhere with ReadAt. On
// systems that allow it the file is unlinked at once, so nothing is left
// behind even if the process is killed; elsewhere Close removes it.
type spillFile struct {
	f       *os.File
	w       *bufio.Writer
	size    int64 // bytes written, buffered ones included
	removed bool
}

func newSpillFile() (*spillFile, error) {
	f, err := os.CreateTemp("", "fanout-spill-*")
	if err != nil {
		return nil, err
	}
	s := &spillFile{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	s.removed = os.Remove(f.Name()) == nil
	return s, nil
}

// Write appends p.
func (s *spillFile) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.size += int64(n)
	return n, err
}

// ReadAt reads what was written, flushing the buffer first if it holds
// any of it.
func (s *spillFile) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > s.size-int64(s.w.Buffered()) {
		if err := s.w.Flush(); err != nil {
			return 0, err
		}
	}
	return s.f.ReadAt(p, off)
}

// Close closes and removes the file. A nil spillFile is closed.
func (s *spillFile) Close() error {
	if s == nil {
		return nil
	}
	err := s.f.Close()
	if !s.removed {
		os.Remove(s.f.Name())
	}
	return err
}
