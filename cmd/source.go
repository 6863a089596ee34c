package cmd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fanout-dev/fanout/input"
)

// fileSource reads targets from several inputs one after another; line
// numbers start again at 1 in each.
type fileSource struct {
	inputs []io.ReadCloser
	names  []string
	cur    *input.Reader
}

// openInputs opens every named file ("-" is stdin) before the run starts, so
// an unreadable file stops the run before any request.
func openInputs(names []string, stdin io.Reader) (*fileSource, error) {
	if len(names) == 0 {
		names = []string{"-"}
	}
	s := &fileSource{names: names}
	for _, name := range names {
		if name == "-" {
			s.inputs = append(s.inputs, io.NopCloser(stdin))
			continue
		}
		f, err := os.Open(name)
		if err == nil {
			var st os.FileInfo
			if st, err = f.Stat(); err == nil && st.IsDir() {
				err = errors.New("is a directory")
			}
		}
		if err != nil {
			s.Close()
			if pe, ok := err.(*os.PathError); ok {
				err = pe.Err
			}
			return nil, fmt.Errorf("cannot read %s: %w", name, err)
		}
		s.inputs = append(s.inputs, f)
	}
	return s, nil
}

// Next returns the next target of the current input, moving on to the next
// input at the end of one.
func (s *fileSource) Next() (input.Target, error) {
	for len(s.inputs) > 0 {
		if s.cur == nil {
			s.cur = input.NewReader(s.inputs[0])
		}
		t, err := s.cur.Next()
		if err == io.EOF {
			s.inputs[0].Close()
			s.inputs, s.names, s.cur = s.inputs[1:], s.names[1:], nil
			continue
		}
		if err != nil {
			return t, fmt.Errorf("%s: %w", s.names[0], err)
		}
		return t, nil
	}
	return input.Target{}, io.EOF
}

// Close closes the inputs not yet read to the end.
func (s *fileSource) Close() {
	for _, in := range s.inputs {
		in.Close()
	}
}

// countTargets counts the lines of the named files that will be targets,
// or returns -1 when an input is stdin or cannot be read.
func countTargets(names []string) int64 {
	if len(names) == 0 {
		return -1
	}
	var n int64
	for _, name := range names {
		if name == "-" {
			return -1
		}
		f, err := os.Open(name)
		if err != nil {
			return -1
		}
		br := bufio.NewReaderSize(f, 64<<10)
		for midLine := false; ; {
			line, err := br.ReadSlice('\n')
			if t := bytes.TrimSpace(line); !midLine && len(t) > 0 && t[0] != '#' {
				n++
			}
			midLine = err == bufio.ErrBufferFull
			if err == io.EOF {
				break
			}
			if err != nil && err != bufio.ErrBufferFull {
				f.Close()
				return -1
			}
		}
		f.Close()
	}
	return n
}
