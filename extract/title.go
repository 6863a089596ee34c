// Package extract reads what a page says about itself from its body: the
// title, decoded to UTF-8. It knows bytes and HTML, not HTTP: callers hand it
// a body stream and the Content-Type header's value, and it stops reading as
// soon as the title is known.
package extract

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// MaxTitleRunes is the longest title TitleOf returns, in characters; a longer
// title is cut there. Browsers have no such cap, but a 4 MB title is an attack,
// not a title.
const MaxTitleRunes = 1024

// maxTitleRaw bounds the bytes of title source collected before decoding: four
// bytes a character at most, plus room for entities and white space.
const maxTitleRaw = 16 * MaxTitleRunes

// MaxTokenBytes bounds the bytes one HTML token may hold while the title is
// searched for. A page whose title follows a single token larger than this
// (one inline script of more than a mebibyte) is reported without a title.
const MaxTokenBytes = 1 << 20

// Parses reports whether a body of this Content-Type is worth parsing for a
// title: HTML, XHTML, or no stated type at all. JSON, images and other binary
// types are not parsed.
func Parses(contentType string) bool {
	if contentType == "" {
		return true
	}
	ct := strings.ToLower(contentType)
	return strings.Contains(ct, "html") || strings.Contains(ct, "xml")
}

// TitleOf reads r, a body whose Content-Type header is contentType, until the
// text of the first <title> element is known, and returns it as browsers show
// document.title: entities decoded, runs of ASCII white space collapsed to one
// space, the ends trimmed, at most MaxTitleRunes characters. The charset comes
// from the Content-Type, a byte-order mark or a <meta> tag seen before the
// title; without any, valid UTF-8 is taken as UTF-8 and anything else as
// windows-1252. found is false when the body has no title. err is a read error
// from r; io.EOF is not an error. TitleOf leaves the rest of r unread.
func TitleOf(r io.Reader, contentType string) (title string, found bool, err error) {
	return titleOf(r, contentType, true)
}

// titleOf is TitleOf, with the fast path or, for tests, without it.
func titleOf(r io.Reader, contentType string, fast bool) (title string, found bool, err error) {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	defer readers.Put(br)
	bom, _ := br.Peek(3)
	enc, name := bomEncoding(bom) // a byte-order mark beats the header, as in browsers
	if enc == nil {
		enc, name = headerEncoding(contentType)
	}
	if enc != nil && !asciiCompatible(name) {
		// UTF-16 and ISO-2022-JP put '<' bytes inside characters: decode first.
		return titleTokenized(enc.NewDecoder().Reader(br), encoding.Nop)
	}
	// The fast path over the bytes read so far, and a few more reads while
	// it needs them; then the tokenizer from the start, as nothing is
	// consumed.
	for reads := 0; fast; reads++ {
		raw, e, st := scanHead(peekBuffered(br), enc)
		if st == scanFound {
			return clean(decode(raw, e)), true, nil
		}
		if st == scanStop || reads == maxScanReads || br.Buffered() == br.Size() {
			break
		}
		if _, err := br.Peek(br.Buffered() + 1); err != nil {
			break
		}
	}
	return titleTokenized(br, enc)
}

// maxScanReads is how many more reads the fast path waits for before it
// leaves the body to the tokenizer.
const maxScanReads = 4

func peekBuffered(br *bufio.Reader) []byte {
	b, _ := br.Peek(br.Buffered())
	return b
}

// titleTokenized is TitleOf with the x/net/html tokenizer over src, the body
// as bytes in an ASCII-compatible encoding: enc, or nil if none is declared
// yet (a <meta> may declare it), or encoding.Nop if src is already UTF-8.
func titleTokenized(src io.Reader, enc encoding.Encoding) (title string, found bool, err error) {
	z := html.NewTokenizer(src)
	z.SetMaxBuf(MaxTokenBytes)
	for {
		switch z.Next() {
		case html.ErrorToken:
			if e := z.Err(); e != io.EOF && !errors.Is(e, html.ErrBufferExceeded) {
				return "", false, e
			}
			return "", false, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			// The name from the raw bytes: TagName would copy them.
			switch tag := rawTagName(z.Raw()); {
			case strings.EqualFold(tag, "title"):
				raw, err := readTitle(z.Buffered(), src)
				if err != nil {
					return "", false, err // a title cut by a broken body is not the title
				}
				return clean(decode(raw, enc)), true, nil
			case enc == nil && strings.EqualFold(tag, "meta"):
				if e, n := metaEncoding(z); asciiCompatible(n) {
					enc = e // a <meta> read as ASCII cannot declare UTF-16
				}
			}
		}
	}
}

// readers recycles read buffers: one TitleOf call per response adds up.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// rawTagName returns the name in a raw start tag such as <TITLE lang=en>.
func rawTagName(raw []byte) string {
	if len(raw) < 2 || raw[0] != '<' {
		return ""
	}
	end := 1
	for end < len(raw) && raw[end] != '>' && raw[end] != '/' && !isSpace(raw[end]) {
		end++
	}
	return string(raw[1:end]) // no allocation when only compared
}

// readTitle reads RCDATA up to the closing </title> tag (any case): first
// what the tokenizer already buffered, then r. It keeps at most maxTitleRaw
// bytes; once it has that many it stops reading.
func readTitle(buffered []byte, r io.Reader) ([]byte, error) {
	if i := indexFold(buffered, "</title"); i >= 0 && i <= maxTitleRaw {
		return buffered[:i], nil // the common case: the whole title is buffered
	}
	br := readers.Get().(*bufio.Reader)
	br.Reset(io.MultiReader(bytes.NewReader(buffered), r))
	defer readers.Put(br)
	var raw []byte
	for len(raw) < maxTitleRaw {
		seg, err := br.ReadSlice('<')
		if len(seg) > 0 && seg[len(seg)-1] == '<' && err == nil {
			if next, _ := br.Peek(6); len(next) == 6 && strings.EqualFold(string(next), "/title") {
				return append(raw, seg[:len(seg)-1]...), nil
			}
		}
		raw = append(raw, seg...)
		if err == io.EOF {
			return raw, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return raw, err
		}
	}
	return raw[:maxTitleRaw], nil
}

// decode turns raw title bytes into UTF-8 with enc, or, when no charset was
// declared, as UTF-8 if they are valid UTF-8 and as windows-1252 otherwise.
func decode(raw []byte, enc encoding.Encoding) string {
	if enc == encoding.Nop {
		return string(raw)
	}
	if enc == nil {
		if utf8.Valid(raw) {
			return string(raw)
		}
		enc = charmap.Windows1252
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(out)
}

// clean decodes entities, collapses ASCII white space and caps the length.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	s = html.UnescapeString(s)
	var b strings.Builder
	b.Grow(len(s))
	space, n := false, 0
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			space = b.Len() > 0
			continue
		}
		if n == MaxTitleRunes {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// headerEncoding returns the encoding a Content-Type value declares, and its
// canonical name, or nil.
// isClean reports whether clean would return s unchanged: short, valid
// UTF-8, no entity, no white space but single inner spaces.
func isClean(s string) bool {
	if len(s) > MaxTitleRunes || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&', '\t', '\n', '\f', '\r':
			return false
		case ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		}
	}
	return true
}

func headerEncoding(contentType string) (encoding.Encoding, string) {
	i := indexFold(contentType, "charset=")
	if i < 0 {
		return nil, ""
	}
	if v, _, _ := strings.Cut(contentType[i+len("charset="):], ";"); strings.EqualFold(strings.TrimSpace(v), "utf-8") {
		return encoding.Nop, "utf-8" // the common case, without parsing
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, ""
	}
	return charset.Lookup(params["charset"])
}

// indexFold is strings.Index for an ASCII lower-case substr, ignoring case.
func indexFold[S string | []byte](s S, substr string) int {
	for i := 0; i+len(substr) <= len(s); i++ {
		if s[i]|0x20 == substr[0] && strings.EqualFold(string(s[i:i+len(substr)]), substr) {
			return i
		}
	}
	return -1
}

func bomEncoding(b []byte) (encoding.Encoding, string) {
	var name string
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		name = "utf-8"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		name = "utf-16be"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		name = "utf-16le"
	default:
		return nil, ""
	}
	return charset.Lookup(name)
}

// metaEncoding reads <meta charset=…> or <meta http-equiv=Content-Type
// content="…; charset=…"> from the current tag.
func metaEncoding(z *html.Tokenizer) (encoding.Encoding, string) {
	return metaCharset(z.TagAttr)
}

// metaCharset reads the charset a <meta> tag declares from its attributes,
// given one at a time as the tokenizer's TagAttr gives them: the first of
// each key, values with entities decoded; a nil key is passed over.
func metaCharset(next func() (key, val []byte, more bool)) (encoding.Encoding, string) {
	var content []byte
	httpEquiv := false
	for more := true; more; {
		var k, v []byte
		k, v, more = next()
		switch {
		case equalFoldASCII(k, "charset"):
			return charset.Lookup(string(v))
		case equalFoldASCII(k, "http-equiv"):
			httpEquiv = equalFoldASCII(v, "content-type")
		case equalFoldASCII(k, "content"):
			content = v
		}
	}
	if httpEquiv && len(content) > 0 {
		return headerEncoding(string(content))
	}
	return nil, ""
}

// asciiCompatible reports whether '<' and '&' bytes in text of the named
// encoding always stand for themselves, so the tokenizer may read raw bytes.
func asciiCompatible(name string) bool {
	switch name {
	case "utf-16le", "utf-16be", "iso-2022-jp", "replacement":
		return false
	}
	return true
}
