package extract

import (
	"bytes"

	"golang.org/x/text/encoding"
)

// The fast path. Most pages put their title in the first few kilobytes,
// after nothing but a doctype, comments and plain tags such as <html>,
// <head>, <meta> and <link>. scanHead finds such a title in the bytes already
// read, with no allocation, by following the same steps as the x/net/html
// tokenizer (token.go: Next, readTag, readTagAttrKey, readTagAttrVal,
// readComment, readMarkupDeclaration) over a byte slice. Whatever it does not
// follow exactly it leaves to the tokenizer: the end of the bytes read so
// far, raw-text elements (<script>, <style>, …), entities in a <meta> value,
// and a title whose end is not buffered.
// FuzzScanHead checks that it never disagrees with the tokenizer.

type scanState int

const (
	scanMore  scanState = iota // the bytes end first: scan again with more
	scanFound                  // the title's raw text is known
	scanStop                   // a construct left to the tokenizer
)

// maxScanAttrs is the most attributes of one tag the scan keeps; a <meta>
// with more is left to the tokenizer.
const maxScanAttrs = 8

type span struct{ start, end int }

type scanAttr struct{ key, val span }

// scanHead scans b, the start of a body, for the first <title> start tag the
// tokenizer would find, reading <meta> charsets on the way when enc is nil.
// With scanFound it returns the title's raw text (a slice of b, up to its
// closing tag) and the encoding to decode it with.
func scanHead(b []byte, enc encoding.Encoding) (raw []byte, _ encoding.Encoding, st scanState) {
	var attrs [maxScanAttrs]scanAttr
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return nil, nil, scanMore
		}
		i += j + 1
		if i >= len(b) {
			return nil, nil, scanMore
		}
		switch c := b[i]; {
		case isLetter(c):
			nameEnd, end, n, st := scanTag(b, i, &attrs)
			if st != scanFound {
				return nil, nil, st
			}
			switch name := b[i:nameEnd]; {
			case equalFoldASCII(name, "title"):
				rest := b[end:]
				k := titleEnd(rest, 0)
				if k < 0 || k > maxTitleRaw {
					return nil, nil, scanStop // readTitle reads on
				}
				return rest[:k], enc, scanFound
			case isRawTextTag(name) || isScopeTag(name):
				return nil, nil, scanStop
			case enc == nil && equalFoldASCII(name, "meta"):
				if n > maxScanAttrs {
					return nil, nil, scanStop
				}
				e, cs, ok := scanMetaCharset(b, attrs[:n])
				if !ok {
					return nil, nil, scanStop
				}
				if e != nil && asciiCompatible(cs) {
					enc = e
				}
			}
			i = end
		case c == '/':
			if i+1 >= len(b) {
				return nil, nil, scanMore
			}
			switch c2 := b[i+1]; {
			case c2 == '>': // "</>" makes no token
				i += 2
			case isLetter(c2):
				_, end, _, st := scanTag(b, i+1, nil)
				if st != scanFound {
					return nil, nil, st
				}
				i = end
			default: // a bogus comment up to '>'
				if i = closeAngle(b, i+1); i < 0 {
					return nil, nil, scanMore
				}
			}
		case c == '!':
			if i+2 >= len(b) {
				return nil, nil, scanMore
			}
			if b[i+1] == '-' && b[i+2] == '-' {
				if i = scanComment(b, i+3); i < 0 {
					return nil, nil, scanMore
				}
			} else if i = closeAngle(b, i+1); i < 0 { // doctype or bogus comment
				return nil, nil, scanMore
			}
		case c == '?': // a processing instruction is a bogus comment
			if i = closeAngle(b, i); i < 0 {
				return nil, nil, scanMore
			}
		default:
			// '<' followed by anything else is text, and c is read again.
		}
	}
}

// scanTag reads a start or end tag whose name starts at b[p], as readTag
// does: the name ends at nameEnd, the tag just before end (past its '>'). It
// stores up to len(attrs) attributes with a non-empty key and returns how
// many there were. It returns scanMore when the tag runs past b.
func scanTag(b []byte, p int, attrs *[maxScanAttrs]scanAttr) (nameEnd, end, n int, st scanState) {
	more := func() (int, int, int, scanState) { return 0, 0, 0, scanMore }
	q := p + 1
	for ; ; q++ { // readTagName
		if q >= len(b) {
			return more()
		}
		if c := b[q]; isSpace(c) {
			nameEnd = q
			q++
			break
		} else if c == '/' || c == '>' {
			nameEnd = q
			break
		}
	}
	if q = skipSpace(b, q); q >= len(b) {
		return more()
	}
	for {
		if b[q] == '>' {
			return nameEnd, q + 1, n, scanFound
		}
		var a scanAttr
		a.key.start = q // readTagAttrKey
		for {
			if q >= len(b) {
				return more()
			}
			c := b[q]
			q++
			if c == '=' && q == a.key.start+1 {
				continue // '=' first is part of the name
			}
			if c == '=' || isSpace(c) || c == '/' || c == '>' {
				q--
				break
			}
		}
		a.key.end = q
		a.val = span{q, q} // readTagAttrVal
		if q = skipSpace(b, q); q >= len(b) {
			return more()
		}
		switch b[q] {
		case '/':
			q++
		case '=':
			if q = skipSpace(b, q+1); q >= len(b) {
				return more()
			}
			switch quote := b[q]; quote {
			case '>':
			case '\'', '"':
				k := bytes.IndexByte(b[q+1:], quote)
				if k < 0 {
					return more()
				}
				a.val = span{q + 1, q + 1 + k}
				q += k + 2
			default:
				a.val.start = q
				for q++; ; q++ {
					if q >= len(b) {
						return more()
					}
					if c := b[q]; isSpace(c) {
						a.val.end = q
						q++
						break
					} else if c == '>' {
						a.val.end = q
						break
					}
				}
			}
		}
		if a.key.end > a.key.start {
			if attrs != nil && n < len(attrs) {
				attrs[n] = a
			}
			n++
		}
		if q = skipSpace(b, q); q >= len(b) {
			return more()
		}
	}
}

// scanComment reads a comment whose text starts at b[p], as readComment
// does, and returns the index just past its end, or -1 if b ends first.
func scanComment(b []byte, p int) int {
	dashes, beginning := 0, true
	for p < len(b) {
		c := b[p]
		p++
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return p
			}
		case '!':
			if dashes >= 2 {
				if p >= len(b) {
					return -1
				}
				c = b[p]
				p++
				if c == '>' {
					return p
				}
				if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return -1
}

// scanMetaCharset reads the charset of a <meta> tag from its attributes as
// metaEncoding reads them from the tokenizer. ok is false when a value holds
// an entity, which the tokenizer would decode.
func scanMetaCharset(b []byte, attrs []scanAttr) (_ encoding.Encoding, name string, ok bool) {
	for _, a := range attrs {
		if bytes.IndexByte(b[a.val.start:a.val.end], '&') >= 0 {
			return nil, "", false
		}
	}
	i := 0
	e, name := metaCharset(func() (key, val []byte, more bool) {
		if i == len(attrs) {
			return nil, nil, false
		}
		a := attrs[i]
		i++
		if key = b[a.key.start:a.key.end]; seenKey(b, attrs[:i-1], key) {
			key = nil // the tokenizer keeps the first of each key
		}
		return key, b[a.val.start:a.val.end], i < len(attrs)
	})
	return e, name, true
}

// seenKey reports whether key is among the keys of before, without case.
func seenKey(b []byte, before []scanAttr, key []byte) bool {
	for _, a := range before {
		if k := b[a.key.start:a.key.end]; len(k) == len(key) && equalFoldASCII(k, string(key)) {
			return true
		}
	}
	return false
}

// closeAngle returns the index just past the first '>' at or after b[p], or
// -1.
func closeAngle(b []byte, p int) int {
	if k := bytes.IndexByte(b[p:], '>'); k >= 0 {
		return p + k + 1
	}
	return -1
}

func skipSpace(b []byte, q int) int {
	for q < len(b) && isSpace(b[q]) {
		q++
	}
	return q
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isRawTextTag reports whether the tokenizer reads what follows this start
// tag as raw text (title aside).
func isRawTextTag(name []byte) bool {
	for _, t := range [...]string{"iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "xmp"} {
		if equalFoldASCII(name, t) {
			return true
		}
	}
	return false
}

// isScopeTag reports whether a start tag changes the scope titleTokenized
// keeps (svg or math content, template contents).
func isScopeTag(name []byte) bool {
	return equalFoldASCII(name, "svg") || equalFoldASCII(name, "math") || equalFoldASCII(name, "template")
}

// equalFoldASCII reports whether b is s (lower-case ASCII) in any ASCII case,
// as the tokenizer lower-cases names.
func equalFoldASCII[S string | []byte](b S, s string) bool {
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
