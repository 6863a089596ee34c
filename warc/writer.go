// Package warc writes WARC/1.1 files (ISO 28500:2017): a warcinfo record,
// then a request and a response record per HTTP exchange, as captured by
// a Recorder at the connection (docs/warc.md).
package warc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Writer writes whole records, one at a time, to FILE (.warc.gz: one gzip
// member per record; else plain), and past MaxSize starts the next file
// (FILE-00001.warc.gz, FILE-00002.warc.gz …), each beginning with its
// warcinfo record. Records reach the file once flushSize bytes of them
// are pending, at most flushAfter after they were given, and at Close:
// the file always ends with a whole record. Safe for concurrent use.
type Writer struct {
	path    string
	maxSize int64
	info    []Field // the warcinfo record's fields, each file's first record
	gz      bool

	mu      sync.Mutex
	f       *os.File
	n       int    // the file's number, with MaxSize
	size    int64  // bytes written to f and pending
	pending []byte // whole records not yet written to f
	timer   *time.Timer
	used    bool  // f holds a record besides its warcinfo
	err     error // the first write error: nothing more is written
	done    bool
}

// flushSize is how many bytes of records the Writer gathers before it
// writes them: a file is written faster in large writes than a record
// at a time (here, 70 MB in 17 KB writes took 50 ms of the kernel's time,
// in 256 KiB writes 23 ms). flushAfter bounds how long a record waits
// when few come.
const (
	flushSize  = 256 << 10
	flushAfter = 100 * time.Millisecond
)

// Info is the warcinfo record's fields of a file fanout writes: the
// software that wrote it, the format and the specification it conforms
// to, and the command that ran, as the caller gives it (its secrets
// redacted).
func Info(software, command string) []Field {
	return []Field{
		{Name: "software", Value: software},
		{Name: "format", Value: "WARC File Format 1.1"},
		{Name: "conformsTo", Value: "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
		{Name: "fanout-arguments", Value: command},
	}
}

// Create opens path for writing (its number inserted before .warc when
// maxSize > 0) and writes its warcinfo record, of the given fields.
func Create(path string, maxSize int64, info []Field) (*Writer, error) {
	w := &Writer{path: path, maxSize: maxSize, info: info, gz: strings.HasSuffix(path, ".gz")}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

// Name is the file name of file number n (from 1) of path, when files
// rotate: FILE-0000n.warc[.gz].
func Name(path string, n int) string {
	base, ext := path, ""
	for _, e := range []string{".warc.gz", ".warc"} {
		if strings.HasSuffix(path, e) {
			base, ext = strings.TrimSuffix(path, e), e
			break
		}
	}
	return fmt.Sprintf("%s-%05d%s", base, n, ext)
}

// open starts the next file with its warcinfo record; w.mu held or not
// yet shared.
func (w *Writer) open() error {
	name := w.path
	if w.maxSize > 0 {
		w.n++
		name = Name(w.path, w.n)
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write --warc: %w", err)
	}
	w.f, w.size, w.used = f, 0, false
	fields := append([]Field{{"WARC-Filename", baseName(name)}}, Field{"Content-Type", "application/warc-fields"})
	var block bytes.Buffer
	for _, fl := range w.info {
		block.WriteString(fl.Name + ": " + fl.Value + "\r\n")
	}
	return w.write(Record{Type: "warcinfo", Fields: fields, Block: block.Bytes()}) // a file that cannot be written fails here, before the run
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Write writes recs in order, each whole, with no other record between
// them, in one file: once a file holding records has passed MaxSize, the
// next call starts a new file. The records are encoded (and compressed)
// before the file is locked: writers only wait for each other's write.
func (w *Writer) Write(recs ...Record) error {
	e := encodedPool.Get().(*encoded)
	defer e.release()
	for _, r := range recs {
		w.encode(e, r)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil || w.done {
		return w.err
	}
	if w.maxSize > 0 && w.used && w.size >= w.maxSize {
		if w.flush(); w.err != nil {
			return w.err
		}
		if err := w.f.Close(); err != nil {
			w.err = err
			return err
		}
		if w.err = w.open(); w.err != nil {
			return w.err
		}
	}
	w.used = true
	w.add(e)
	return w.err
}

// write encodes r and writes it at once (what is pending was written
// before); w.mu held, or w not yet shared.
func (w *Writer) write(r Record) error {
	var e encoded
	w.encode(&e, r)
	w.gather(&e)
	w.flush()
	return w.err
}

// add appends encoded records to what is pending, and writes it once it
// has reached flushSize, or has it written within flushAfter; w.mu held.
func (w *Writer) add(e *encoded) {
	first := len(w.pending) == 0
	w.gather(e)
	switch {
	case len(w.pending) >= flushSize:
		w.flush()
	case !first: // the timer is armed for the records before
	case w.timer == nil:
		w.timer = time.AfterFunc(flushAfter, w.flushPending)
	default:
		w.timer.Reset(flushAfter)
	}
}

// gather appends encoded records to what is pending; w.mu held.
func (w *Writer) gather(e *encoded) {
	for _, b := range e.vectors() {
		w.pending = append(w.pending, b...)
		w.size += int64(len(b))
	}
}

// flushPending writes what is pending, after flushAfter.
func (w *Writer) flushPending() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.flush()
	}
}

// flush writes what is pending to f; w.mu held.
func (w *Writer) flush() {
	if len(w.pending) == 0 || w.err != nil {
		return
	}
	if _, err := w.f.Write(w.pending); err != nil {
		w.err = fmt.Errorf("cannot write --warc: %w", err)
	}
	w.pending = w.pending[:0]
}

// encoded is what one Write writes: the records' headers and ends (or,
// for a .warc.gz, their gzip members) in buf, and for a plain file their
// blocks between them, not copied: pieces says in what order.
type encoded struct {
	buf    bytes.Buffer
	head   []byte // a record's header, before compression
	pieces []piece
	iov    [][]byte
}

// piece is buf[from:to], or when block is not nil, block.
type piece struct {
	from, to int
	block    []byte
}

// release empties e, letting go of the blocks it named, for the next
// Write to take.
func (e *encoded) release() {
	e.buf.Reset()
	clear(e.pieces)
	clear(e.iov)
	e.pieces, e.iov = e.pieces[:0], e.iov[:0]
	encodedPool.Put(e)
}

// add appends b to buf as the next piece.
func (e *encoded) add(b []byte) {
	from := e.buf.Len()
	e.buf.Write(b)
	if n := len(e.pieces); n > 0 && e.pieces[n-1].block == nil && e.pieces[n-1].to == from {
		e.pieces[n-1].to = e.buf.Len()
		return
	}
	e.pieces = append(e.pieces, piece{from: from, to: e.buf.Len()})
}

// addBlock makes block the next piece.
func (e *encoded) addBlock(block []byte) {
	if len(block) > 0 {
		e.pieces = append(e.pieces, piece{block: block})
	}
}

// vectors are the pieces in order, valid until e is written again.
func (e *encoded) vectors() [][]byte {
	e.iov = e.iov[:0]
	b := e.buf.Bytes()
	for _, p := range e.pieces {
		if p.block != nil {
			e.iov = append(e.iov, p.block)
		} else {
			e.iov = append(e.iov, b[p.from:p.to])
		}
	}
	return e.iov
}

var (
	encodedPool = sync.Pool{New: func() any { return new(encoded) }}
	gzPool      = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzipLevel)
		return zw
	}}
	storedPool = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.NoCompression)
		return zw
	}}
)

// storeBelow is the size (WARC header and block) under which a record's
// gzip member holds it stored, not compressed: a request record, most of
// the time. Compressing a few hundred bytes saves about a third of them
// and costs as much CPU as compressing a 16 KiB page (deflate builds its
// Huffman tables per member, whatever the member's size).
const storeBelow = 1 << 10

// gzipLevel is the compression of a .warc.gz: gzip's fastest level. On
// the bench site's 16 KiB pages it compresses three times as fast as the
// default level (6), for files 2% larger; readers do not care which
// level wrote a member (docs/warc.md, "What it costs").
const gzipLevel = gzip.BestSpeed

// encode adds r to e: its header, block and end, as one gzip member for
// a .gz file.
func (w *Writer) encode(e *encoded, r Record) {
	e.head = appendHead(e.head[:0], r)
	if !w.gz {
		e.add(e.head)
		e.addBlock(r.Block)
		e.add([]byte(recordEnd))
		return
	}
	pool := &gzPool
	if len(e.head)+len(r.Block) < storeBelow {
		pool = &storedPool
	}
	zw := pool.Get().(*gzip.Writer)
	defer pool.Put(zw)
	from := e.buf.Len()
	zw.Reset(&e.buf)
	zw.Write(e.head)
	zw.Write(r.Block)
	zw.Write([]byte(recordEnd))
	zw.Close()
	e.pieces = append(e.pieces, piece{from: from, to: e.buf.Len()})
}

// Close ends the file: no record is written after it.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return w.err
	}
	w.done = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.flush()
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = err
	}
	return w.err
}
