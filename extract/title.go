// Package extract reads what a page says about itself from its body: the
// title, decoded to UTF-8. It knows bytes and HTML, not HTTP: callers hand it
// a body stream and the Content-Type header's value, and it stops reading as
// soon as the title is known.
package extract

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// MaxTitleRunes is the longest title TitleOf returns, in characters; a longer
// title is cut there. Browsers have no such cap, but a 4 MB title is an attack,
// not a title.
const MaxTitleRunes = 1024

// maxTitleRaw bounds the bytes of title source collected before decoding: four
// bytes a character at most, plus room for entities and white space.
const maxTitleRaw = 16 * MaxTitleRunes

// MaxTokenBytes bounds the bytes one HTML token may hold while a page is
// read. A larger token (one inline script of several mebibytes) is skipped
// without being held, and the reading goes on after it (huge.go).
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
	var sc scope
	return titleOf(r, contentType, &sc)
}

// titleOf is TitleOf; sc is an empty scope, which tests read afterwards.
func titleOf(r io.Reader, contentType string, sc *scope) (title string, found bool, err error) {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	defer readers.Put(br)
	src, enc := tokenizerSource(br, contentType)
	return titleTokenized(src, enc, sc)
}

// tokenizerSource decides a body's encoding from its byte-order mark, else
// from contentType (a byte-order mark beats the header, as in browsers), and
// returns what the tokenizer reads: br and its encoding (nil when nothing is
// declared yet: a <meta> may declare it) for ASCII-compatible encodings, or
// br decoded to UTF-8 and encoding.Nop for UTF-16 and ISO-2022-JP, which put
// '<' bytes inside characters.
func tokenizerSource(br *bufio.Reader, contentType string) (io.Reader, encoding.Encoding) {
	bom, _ := br.Peek(3)
	enc, name := bomEncoding(bom)
	if enc == nil {
		enc, name = headerEncoding(contentType)
	}
	if enc != nil && !asciiCompatible(name) {
		return enc.NewDecoder().Reader(br), encoding.Nop
	}
	return br, enc
}

// titleTokenized is TitleOf with the x/net/html tokenizer over src, the body
// as bytes in an ASCII-compatible encoding: enc, or nil if none is declared
// yet (a <meta> may declare it), or encoding.Nop if src is already UTF-8. sc
// is an empty scope, which it keeps up to date as it reads.
func titleTokenized(src io.Reader, enc encoding.Encoding, sc *scope) (title string, found bool, err error) {
	t := getTokens(src)
	defer t.release()
	z, huge := t.z, &t.huge
	for {
		tt := z.Next()
		rawText := false
		switch tt {
		case html.ErrorToken:
			e := z.Err()
			if isHuge(e) { // a token over MaxTokenBytes: skip it, read on
				if z, err = huge.resume(z); err != nil {
					return "", false, err
				}
				z.AllowCDATA(sc.cdata())
				continue
			}
			if e != io.EOF {
				return "", false, e
			}
			return "", false, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			tag := rawTagName(z.Raw())
			isTitle, notRaw := sc.startTag(tag, tt == html.SelfClosingTagToken, z)
			switch {
			case isTitle:
				raw, err := readTitle(z.Buffered(), huge.in)
				if err != nil {
					return "", false, err // a title cut by a broken body is not the title
				}
				return clean(decode(raw, enc)), true, nil
			case notRaw:
				z.NextIsNotRawText()
			case enc == nil && string(tag) == "meta" && len(sc.open) == 0:
				if e, n := metaEncoding(z); asciiCompatible(n) {
					enc = e // a <meta> read as ASCII cannot declare UTF-16
				}
			}
			rawText = !notRaw && tt == html.StartTagToken && rawTextElements[string(tag)]
			z.AllowCDATA(sc.cdata())
		case html.EndTagToken:
			sc.endTag(rawTagName(z.Raw()))
			z.AllowCDATA(sc.cdata())
		}
		huge.saw(tt, z, rawText)
	}
}

// rawTagName returns the name in a raw start or end tag such as <TITLE
// lang=en> or </Title >, lower-cased in place as the tokenizer's TagName
// does, without TagName's copy.
func rawTagName(raw []byte) []byte {
	start := 1
	if len(raw) > 1 && raw[1] == '/' {
		start = 2
	}
	end := start
	for end < len(raw) && raw[end] != '>' && raw[end] != '/' && !isSpace(raw[end]) {
		if c := raw[end]; 'A' <= c && c <= 'Z' {
			raw[end] = c + 'a' - 'A'
		}
		end++
	}
	return raw[min(start, end):end]
}

// readers recycles read buffers: one TitleOf call per response adds up.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// readTitle reads a title's text up to its end tag, "</title" in any case
// followed by white space, '/' or '>' (so "</titles>" is text, as in HTML),
// or to the end of the body: first what the tokenizer buffered, then r. It
// keeps at most maxTitleRaw bytes and stops reading once it has them. Only
// bytes it owns are kept across reads: the tokenizer's buffer is copied
// before r is read again.
func readTitle(buffered []byte, r io.Reader) ([]byte, error) {
	if i := titleEnd(buffered, 0); i >= 0 && i <= maxTitleRaw {
		return buffered[:i], nil // the common case: the whole title is buffered
	}
	raw := make([]byte, len(buffered), len(buffered)+1024)
	copy(raw, buffered)
	for len(raw) <= maxTitleRaw {
		if len(raw) == cap(raw) {
			raw = slices.Grow(raw, len(raw))
		}
		from := max(0, len(raw)-len("</title"))
		n, err := r.Read(raw[len(raw):cap(raw)])
		raw = raw[:len(raw)+n]
		if i := titleEnd(raw, from); i >= 0 {
			return raw[:min(i, maxTitleRaw)], nil
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return raw[:min(len(raw), maxTitleRaw)], nil
}

// titleEnd returns the index in b, from index from on, of the title's end
// tag: "</title" followed by white space, '/' or '>'; or -1 when b holds
// none yet.
func titleEnd(b []byte, from int) int {
	for {
		i := indexFold(b[from:], "</title")
		if i < 0 {
			return -1
		}
		i += from
		if j := i + len("</title"); j < len(b) && (isSpace(b[j]) || b[j] == '/' || b[j] == '>') {
			return i
		}
		from = i + 1
	}
}

// decode turns raw title bytes into UTF-8 with enc, or, when no charset was
// declared, as UTF-8 if they are valid UTF-8 and as windows-1252 otherwise.
// Invalid UTF-8 becomes U+FFFD as the WHATWG UTF-8 decoder makes it.
func decode(raw []byte, enc encoding.Encoding) string {
	if enc == nil || enc == encoding.Nop {
		if utf8.Valid(raw) {
			return string(raw)
		}
		if enc == nil {
			enc = charmap.Windows1252
		} else {
			enc = unicode.UTF8
		}
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return string(out)
}

// clean turns title text into document.title: a NUL becomes U+FFFD (as the
// HTML tokenizer makes it in a title), entities are decoded, ASCII white
// space collapses and the ends are trimmed; and it caps the length.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	return strings.ToValidUTF8(collapse(html.UnescapeString(s)), "\uFFFD")
}

// isClean reports whether clean would return s unchanged: short, valid
// UTF-8, no entity, no white space but single inner spaces.
func isClean(s string) bool {
	if len(s) > MaxTitleRunes || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&', '\t', '\n', '\f', '\r', 0:
			return false
		case ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		}
	}
	return true
}

// headerEncoding returns the encoding a Content-Type value declares, and its
// canonical name, or nil.
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

// metaEncoding reads the charset of the current tag, a <meta charset=…> or
// <meta http-equiv=Content-Type content="…; charset=…">.
func metaEncoding(z *html.Tokenizer) (encoding.Encoding, string) {
	var content []byte
	httpEquiv := false
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
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

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// equalFoldASCII reports whether b is s (lower-case ASCII) in any ASCII case,
// as the tokenizer lower-cases names.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
