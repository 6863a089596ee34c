// Package iostreams holds the streams a command reads and writes, and what
// it knows of them (whether each is a terminal, how wide stderr is), as
// cli/cli's pkg/iostreams does: commands take them as a value and never
// touch os.Stdout or os.Stderr, so tests give them buffers.
package iostreams

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes. Commands never touch
// os.Stdout or os.Stderr directly.
type IOStreams struct {
	In       io.Reader
	Out      io.Writer
	ErrOut   io.Writer
	InIsTTY  bool // standard input is a terminal: nobody is piping a list in
	ErrIsTTY bool
	// OutIsTTY says that standard output is a terminal too, so that the
	// progress bar must make way for every write of results.
	OutIsTTY bool
	// ErrWidth is the terminal's width in columns when ErrIsTTY (0: unknown).
	ErrWidth int
	// ErrColumns gives that width now (0: unknown), or is nil: the progress
	// bar asks before each frame, so it follows a resized terminal.
	ErrColumns func() int
}

// System returns the process's own streams.
func System() *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InIsTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		ErrIsTTY: term.IsTerminal(int(os.Stderr.Fd())),
		OutIsTTY: term.IsTerminal(int(os.Stdout.Fd())),
	}
	if s.ErrIsTTY {
		s.ErrColumns = func() int {
			w, _, err := term.GetSize(int(os.Stderr.Fd()))
			if err != nil {
				return 0
			}
			return w
		}
		s.ErrWidth = s.ErrColumns()
	}
	return s
}
