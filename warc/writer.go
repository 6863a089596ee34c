// Package warc writes WARC/1.1 files (ISO 28500:2017): a warcinfo record,
// then a request and a response record per HTTP exchange, as captured by
// a Recorder at the connection (docs/warc.md).
package warc

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Field is one named WARC header field.
type Field struct{ Name, Value string }

// Record is one WARC record: its type, its header fields (WARC-Type,
// WARC-Record-ID, Content-Length and WARC-Block-Digest are added by the
// Writer) and its block.
type Record struct {
	Type   string
	ID     string // <urn:uuid:…>; "" gets a new one
	Fields []Field
	Block  []byte
}

// Writer writes whole records, one at a time, to FILE (.warc.gz: one gzip
// member per record; else plain), and past MaxSize starts the next file
// (FILE-00001.warc.gz, FILE-00002.warc.gz …), each beginning with its
// warcinfo record. Safe for concurrent use.
type Writer struct {
	path    string
	maxSize int64
	info    []Field // the warcinfo record's fields, each file's first record
	gz      bool

	mu   sync.Mutex
	f    *os.File
	n    int   // the file's number, with MaxSize
	size int64 // bytes written to f
	used bool  // f holds a record besides its warcinfo
	err  error // the first write error: nothing more is written
	done bool
}

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
	return w.write(Record{Type: "warcinfo", Fields: fields, Block: block.Bytes()})
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
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	for _, r := range recs {
		w.encode(buf, r)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil || w.done {
		return w.err
	}
	if w.maxSize > 0 && w.used && w.size >= w.maxSize {
		if err := w.f.Close(); err != nil {
			w.err = err
			return err
		}
		if w.err = w.open(); w.err != nil {
			return w.err
		}
	}
	w.used = true
	return w.writeBytes(buf.Bytes())
}

// write encodes r and writes it with one write call; w.mu held.
func (w *Writer) write(r Record) error {
	var buf bytes.Buffer
	w.encode(&buf, r)
	return w.writeBytes(buf.Bytes())
}

// writeBytes writes encoded records; w.mu held.
func (w *Writer) writeBytes(b []byte) error {
	n, err := w.f.Write(b)
	w.size += int64(n)
	if err != nil {
		w.err = fmt.Errorf("cannot write --warc: %w", err)
	}
	return w.err
}

var (
	bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	gzPool  = sync.Pool{New: func() any {
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

// encode appends r to out: its header, block and end, as one gzip member
// for a .gz file.
func (w *Writer) encode(out *bytes.Buffer, r Record) {
	if r.ID == "" {
		r.ID = NewID()
	}
	var head bytes.Buffer
	head.WriteString("WARC/1.1\r\nWARC-Type: " + r.Type + "\r\nWARC-Record-ID: " + r.ID + "\r\n")
	hasDate := false
	for _, f := range r.Fields {
		hasDate = hasDate || f.Name == "WARC-Date"
	}
	if !hasDate {
		head.WriteString("WARC-Date: " + Date(time.Now()) + "\r\n")
	}
	for _, f := range r.Fields {
		head.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	head.WriteString("WARC-Block-Digest: " + Digest(r.Block) + "\r\n")
	fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", len(r.Block))
	if !w.gz {
		out.Write(head.Bytes())
		out.Write(r.Block)
		out.WriteString("\r\n\r\n")
		return
	}
	pool := &gzPool
	if head.Len()+len(r.Block) < storeBelow {
		pool = &storedPool
	}
	zw := pool.Get().(*gzip.Writer)
	defer pool.Put(zw)
	zw.Reset(out)
	zw.Write(head.Bytes())
	zw.Write(r.Block)
	zw.Write([]byte("\r\n\r\n"))
	zw.Close()
}

// Close ends the file: no record is written after it.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return w.err
	}
	w.done = true
	if err := w.f.Close(); err != nil && w.err == nil {
		w.err = err
	}
	return w.err
}

// Digest is b's SHA-1 as WARC digests are written: sha1:BASE32.
func Digest(b []byte) string {
	sum := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// Date is t as WARC-Date: UTC, RFC 3339 with microseconds (WARC/1.1
// allows sub-second precision).
func Date(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// NewID is a new WARC-Record-ID: <urn:uuid:…>, a random (version 4) UUID.
func NewID() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}
