// Package sitemap reads the URLs of a sitemap or sitemap index
// (sitemaps.org protocol: XML, a text file of one URL a line, or an RSS
// 2.0 or Atom 1.0 feed) as a stream: one file at a time, gzip detected by
// its magic bytes, within the protocol's caps, with index files followed to
// a bounded depth and every URL given once. It knows no HTTP client: it is
// given a function that opens a file.
package sitemap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"time"
)

// Entry is one <url> of a sitemap, one <sitemap> of an index, one item of
// a feed, or one line of a text sitemap.
type Entry struct {
	Loc     string // the <loc>, trimmed
	LastMod string // the <lastmod> as written, trimmed; "" when absent
}

// The protocol's caps on one file (sitemaps.org): 50,000 URLs and 50 MiB,
// the size counted after decompression.
const (
	MaxURLs  = 50_000
	MaxBytes = 50 << 20
)

// maxLoc bounds one <loc>, <lastmod> or text line; the protocol allows URLs
// of 2,048 characters. A longer <loc> or line is skipped, never cut (a cut
// URL is another URL).
const maxLoc = 8 << 10

// LimitError says a file was cut at one of the caps: the entries before
// the cut were given.
type LimitError struct{ What string }

func (e *LimitError) Error() string { return "cut at " + e.What }

// kind is what a file says it is.
type kind int

const (
	urlset kind = iota + 1
	index
	feed // RSS 2.0 or Atom 1.0: its items' links, as a urlset's locs
	text // one URL a line
)

// flaw is what is wrong with an entry decode hands over. An entry with a
// flaw other than manyLocs has no usable Loc and is only counted.
type flaw int

const (
	noFlaw   flaw = iota
	noLoc         // a <url> or <sitemap> without a <loc>
	longLoc       // a <loc> or line longer than maxLoc
	manyLocs      // several <loc> in one entry: the first is given
	notURL        // a text line that is no http(s) URL
	flaws         // how many there are
)

// decode reads one sitemap file from r and calls each for every entry (a
// <url> of a urlset, a <sitemap> of an index, an item of a feed, a line
// of a text sitemap), with the file's kind and the entry's flaw, in
// document order, and returns the kind. The file may be gzipped (detected
// by its magic bytes); a file whose first character (after white space and
// a byte-order mark) is not '<' is a text sitemap. Reading stops with a
// *LimitError after maxURLs entries without a flaw or maxBytes bytes after
// decompression, and with each's error when it returns one. Memory does not
// grow with the file: the decoder holds one token (or line) at a time, and
// XML nested deeper than maxDepth is refused at once.
func decode(r io.Reader, maxURLs int, maxBytes int64, each func(kind, Entry, flaw) error) (kind, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	capped := bufio.NewReader(&cappedReader{r: br, left: maxBytes, max: maxBytes})
	first, err := firstByte(capped)
	if err != nil {
		return 0, err
	}
	if first != '<' {
		return text, decodeText(capped, maxURLs, each)
	}
	return decodeXML(capped, maxURLs, each)
}

// firstByte returns the first byte of br after white space and a UTF-8
// byte-order mark, without consuming it.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return 0, errEmpty
		}
		if err != nil {
			return 0, err
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			br.UnreadByte()
			return c, nil
		}
	}
}

// errEmpty is the error of a file with nothing but white space.
var errEmpty = fmt.Errorf("not a sitemap: the file is empty")

// cappedReader reads at most left bytes, then fails with a *LimitError if
// there are more.
type cappedReader struct {
	r         io.Reader
	left, max int64
}

func (c *cappedReader) Read(b []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := io.ReadFull(c.r, one[:]); n > 0 {
			return 0, &LimitError{What: fmt.Sprintf("%d bytes", c.max)}
		}
		return 0, io.EOF
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}

// ParseTime reads a W3C Datetime as sitemaps write <lastmod>: a year
// (2006), a month (2006-01), a day (2006-01-02), or a day and a time with
// minutes, seconds or fractions of a second and a zone (2006-01-02T15:04Z,
// 2006-01-02T15:04:05.999+07:00). Dates without a zone are UTC.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{
		time.RFC3339Nano, "2006-01-02T15:04Z07:00", time.DateOnly, "2006-01", "2006",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a W3C date such as 2024-05-01 or 2024-05-01T12:00:00Z", s)
}
