// Package sitemap reads the URLs of a sitemap or sitemap index
// (sitemaps.org protocol) as a stream: one file at a time through a
// streaming encoding/xml decoder, gzip detected by its magic bytes, within
// the protocol's caps, with index files followed to a bounded depth and
// every URL given once. It knows no HTTP client: it is given a function
// that opens a file.
package sitemap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Entry is one <url> of a sitemap, or one <sitemap> of an index.
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

// maxLoc bounds the text kept of one <loc> or <lastmod>; the protocol
// allows URLs of 2,048 characters.
const maxLoc = 8 << 10

// LimitError says a file was cut at one of the caps: the entries before
// the cut were given.
type LimitError struct{ What string }

func (e *LimitError) Error() string { return "cut at " + e.What }

// kind is what a file's root element says it is.
type kind int

const (
	urlset kind = iota + 1
	index
)

// decode reads one sitemap file from r and calls each for every <url> of
// a urlset or <sitemap> of an index, with the file's kind, in document order, and returns which
// of the two the file is. The file may be gzipped (detected by its magic
// bytes). Reading stops with a *LimitError after maxURLs entries or
// maxBytes bytes after decompression, and with each's error when it
// returns one. Memory does not grow with the file: the decoder holds one
// token at a time.
func decode(r io.Reader, maxURLs int, maxBytes int64, each func(kind, Entry) error) (kind, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	d := xml.NewDecoder(&cappedReader{r: r, left: maxBytes, max: maxBytes})
	d.CharsetReader = charset.NewReaderLabel
	p := parser{maxURLs: maxURLs, each: each}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if p.kind == 0 {
				return 0, errors.New("not a sitemap: no <urlset> or <sitemapindex>")
			}
			return p.kind, nil
		}
		if err != nil {
			var le *LimitError
			if errors.As(err, &le) {
				return p.kind, le
			}
			return p.kind, err // a *xml.SyntaxError names its line
		}
		if err := p.token(tok); err != nil {
			return p.kind, err
		}
	}
}

// parser follows the elements of one file.
type parser struct {
	maxURLs int
	each    func(kind, Entry) error

	kind  kind
	depth int
	in    bool   // inside a <url> or <sitemap>
	field string // "loc" or "lastmod" while inside one
	text  strings.Builder
	entry Entry
	n     int
}

func (p *parser) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		p.depth++
		name := t.Name.Local
		switch {
		case p.depth == 1 && name == "urlset":
			p.kind = urlset
		case p.depth == 1 && name == "sitemapindex":
			p.kind = index
		case p.depth == 1:
			return fmt.Errorf("not a sitemap: the root element is <%s>", name)
		case p.depth == 2 && (p.kind == urlset && name == "url" || p.kind == index && name == "sitemap"):
			p.in, p.entry = true, Entry{}
		case p.depth == 3 && p.in && (name == "loc" || name == "lastmod"):
			p.field = name
			p.text.Reset()
		}
	case xml.CharData:
		if p.field != "" && p.text.Len() < maxLoc {
			p.text.Write(t[:min(len(t), maxLoc-p.text.Len())])
		}
	case xml.EndElement:
		switch {
		case p.depth == 3 && p.field != "":
			v := strings.TrimSpace(p.text.String())
			if p.field == "loc" {
				p.entry.Loc = v
			} else {
				p.entry.LastMod = v
			}
			p.field = ""
		case p.depth == 2 && p.in:
			p.in = false
			if p.entry.Loc == "" {
				break
			}
			if p.n == p.maxURLs {
				return &LimitError{What: fmt.Sprintf("%d entries", p.maxURLs)}
			}
			p.n++
			if err := p.each(p.kind, p.entry); err != nil {
				return err
			}
		}
		p.depth--
	}
	return nil
}

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
