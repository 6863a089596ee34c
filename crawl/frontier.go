package crawl

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fanout-dev/fanout/internal/spill"
)

// Entry is one URL waiting in the frontier: its normal form, its depth
// (seeds are 0), the page it was first found on ("" for a seed), and what
// it is fetched for.
type Entry struct {
	URL   string
	Depth int
	From  string
	Kind  Kind
}

// Kind says why a URL is fetched.
type Kind uint8

// The kinds of URL a crawl fetches.
const (
	KindPage     Kind = iota // in scope: fetched, and its links followed
	KindExternal             // out of scope, --check-external: fetched, not followed
	KindResource             // --check-resources: fetched, not followed
	KindLanding              // a redirect's final URL: seen, never fetched
)

// Frontier is a first-in first-out queue of entries that holds at most
// Mem of them in memory; the rest wait in a temporary file (unlinked as
// soon as it is made, where the system allows), so its memory does not
// grow with the crawl. Once entries spill, later ones follow them to the
// file until it is read empty, so the order is kept. It is not safe for
// concurrent use.
type Frontier struct {
	Mem int    // entries held in memory at most; 0: DefaultFrontierMem
	Dir string // where the temporary file goes; "": os.TempDir()

	mem      []Entry
	head     int // mem[head:] are waiting
	file     *spill.File
	rOff     int64  // bytes read from file
	buf      []byte // an entry being written
	inFile   int    // entries in the file not yet read
	lenTotal int
}

// DefaultFrontierMem is the entries a Frontier holds in memory by default.
const DefaultFrontierMem = 16 << 10

// Len is how many entries wait.
func (f *Frontier) Len() int { return f.lenTotal }

// Push adds e at the back. It fails only when the temporary file does.
func (f *Frontier) Push(e Entry) error {
	limit := f.Mem
	if limit <= 0 {
		limit = DefaultFrontierMem
	}
	if f.inFile == 0 && len(f.mem)-f.head < limit {
		if f.head > 0 && f.head >= len(f.mem)/2 { // what was popped goes, in amortised O(1)
			n := copy(f.mem, f.mem[f.head:])
			clear(f.mem[n:])
			f.mem, f.head = f.mem[:n], 0
		}
		f.mem = append(f.mem, e)
		f.lenTotal++
		return nil
	}
	if err := f.spill(e); err != nil {
		return fmt.Errorf("crawl frontier: %w", err)
	}
	f.inFile++
	f.lenTotal++
	return nil
}

// Pop takes the entry at the front; ok is false when none waits.
func (f *Frontier) Pop() (e Entry, ok bool, err error) {
	if f.head == len(f.mem) && f.inFile > 0 {
		if err := f.refill(); err != nil {
			return Entry{}, false, fmt.Errorf("crawl frontier: %w", err)
		}
	}
	if f.head == len(f.mem) {
		return Entry{}, false, nil
	}
	e = f.mem[f.head]
	f.mem[f.head] = Entry{} // let the strings go
	f.head++
	f.lenTotal--
	return e, true, nil
}

// Close removes the temporary file, if any.
func (f *Frontier) Close() error {
	err := f.file.Close()
	f.file = nil
	return err
}

func (f *Frontier) spill(e Entry) error {
	if f.file == nil {
		file, err := spill.NewIn(f.Dir)
		if err != nil {
			return err
		}
		f.file = file
	}
	b := f.buf[:0]
	b = binary.AppendUvarint(b, uint64(e.Depth))
	b = binary.AppendUvarint(b, uint64(e.Kind))
	b = binary.AppendUvarint(b, uint64(len(e.URL)))
	b = append(b, e.URL...)
	b = binary.AppendUvarint(b, uint64(len(e.From)))
	b = append(b, e.From...)
	f.buf = b
	_, err := f.file.Write(b) // whole or not at all
	return err
}

// refill reads up to Mem entries from the file into memory; once the file
// is read to its end, it is emptied for the next spill.
func (f *Frontier) refill() error {
	r := bufio.NewReaderSize(io.NewSectionReader(f.file, f.rOff, f.file.Size()-f.rOff), 64<<10)
	f.mem, f.head = f.mem[:0], 0
	limit := max(f.Mem, 1)
	if f.Mem <= 0 {
		limit = DefaultFrontierMem
	}
	read := int64(0)
	for len(f.mem) < limit && f.inFile > 0 {
		e, n, err := readEntry(r)
		if err != nil {
			return err
		}
		read += int64(n)
		f.mem = append(f.mem, e)
		f.inFile--
	}
	f.rOff += read
	if f.inFile == 0 {
		f.rOff = 0
		return f.file.Reset()
	}
	return nil
}

// readEntry reads one entry as spill wrote it, and how many bytes it took.
func readEntry(r *bufio.Reader) (Entry, int, error) {
	cr := countingReader{r: r}
	depth, err1 := binary.ReadUvarint(&cr)
	kind, err2 := binary.ReadUvarint(&cr)
	u, err3 := readString(&cr)
	from, err4 := readString(&cr)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return Entry{}, 0, fmt.Errorf("reading the spilled frontier: %w", err)
	}
	return Entry{URL: u, Depth: int(depth), Kind: Kind(kind), From: from}, cr.n, nil
}

func readString(r *countingReader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", err
	}
	if n > 1<<20 {
		return "", errors.New("an entry longer than a mebibyte")
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return string(b), err
}

type countingReader struct {
	r *bufio.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}
