package extract

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// Selector is one value to extract with a CSS selector: the text of the
// elements it matches, or one of their attributes. Make it with
// ParseSelector; it is safe for concurrent use.
type Selector struct {
	Name string // the key of the values in the record
	Attr string // the attribute whose value is taken; "" takes the text
	sel  cascadia.Sel
}

// MaxSelectValues is how many values one selector gives at most per page,
// the first ones in document order.
const MaxSelectValues = 1000

// maxSelectText bounds the text gathered from one element before it is
// cleaned: enough for MaxTitleRunes characters and plenty of white space.
const maxSelectText = 16 * MaxTitleRunes

// ParseSelector parses "name=SELECTOR" or "name=SELECTOR@attr": name is
// letters, digits, '_' and '-'; SELECTOR is CSS as cascadia understands it
// (CSS 3 selectors and a few jQuery extensions such as :contains); a final
// "@attr" takes that attribute instead of the text.
func ParseSelector(spec string) (Selector, error) {
	name, expr, ok := strings.Cut(spec, "=")
	if !ok || name == "" || strings.TrimFunc(name, isNameRune) != "" {
		return Selector{}, fmt.Errorf("%q is not name=SELECTOR: the name is letters, digits, '_' or '-'", spec)
	}
	var attr string
	if i := strings.LastIndexByte(expr, '@'); i >= 0 && isAttrName(expr[i+1:]) {
		expr, attr = expr[:i], strings.ToLower(expr[i+1:])
	}
	sel, err := cascadia.Parse(strings.TrimSpace(expr))
	if err != nil {
		return Selector{}, fmt.Errorf("selector %q of %s: %w", expr, name, err)
	}
	return Selector{Name: name, Attr: attr, sel: sel}, nil
}

func isNameRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-'
}

func isAttrName(s string) bool {
	return s != "" && strings.TrimFunc(s, func(r rune) bool { return isNameRune(r) || r == ':' }) == ""
}

// Select reads all of r, a body whose Content-Type header is contentType,
// builds its tree with html.Parse, and returns for each selector the values
// of the elements it matches, in document order: the text (as textContent,
// every descendant text node) or the attribute, with runs of ASCII white
// space collapsed and the ends trimmed as for titles, at most MaxTitleRunes
// characters each and MaxSelectValues values. Elements without the
// attribute give no value. Every selector's name is in the map, with an
// empty list when nothing matched. The charset is decided as for titles: a
// byte-order mark, the header, a <meta> in the first 1024 bytes; else valid
// UTF-8 is UTF-8 and anything else windows-1252. err is a read error from r.
//
// The tree costs several times TitleOf's streaming pass in time and about
// a dozen bytes of memory per body byte (docs/seo.md, "CSS selectors"), so
// callers build it only when selectors are asked for.
func Select(r io.Reader, contentType string, sels []Selector) (map[string][]string, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var src io.Reader = bytes.NewReader(body)
	// DetermineEncoding falls back to windows-1252 (uncertain) when nothing
	// is declared; valid UTF-8 is UTF-8 then, as for titles.
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if certain || name != "windows-1252" || !utf8.Valid(body) {
		src = enc.NewDecoder().Reader(src)
	}
	doc, err := html.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("parsing the body: %w", err)
	}
	out := make(map[string][]string, len(sels))
	for _, s := range sels {
		vals := []string{}
		for _, n := range cascadia.QueryAll(doc, s.sel) {
			if len(vals) == MaxSelectValues {
				break
			}
			if v, ok := s.value(n); ok {
				vals = append(vals, v)
			}
		}
		out[s.Name] = vals
	}
	return out, nil
}

// value is what s takes of n: its cleaned text or attribute.
func (s *Selector) value(n *html.Node) (string, bool) {
	if s.Attr == "" {
		var b strings.Builder
		appendText(&b, n)
		return collapse(b.String()), true
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == s.Attr {
			return collapse(a.Val), true
		}
	}
	return "", false
}

// appendText writes the text of n's descendants, as textContent does, up
// to about maxSelectText bytes.
func appendText(b *strings.Builder, n *html.Node) {
	for c := n.FirstChild; c != nil && b.Len() < maxSelectText; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			appendText(b, c)
		}
	}
}

// Clean cleans a value from outside the page (a header, or page values
// joined) as page values are: white space collapsed, the ends trimmed, at
// most MaxTitleRunes characters.
func Clean(s string) string { return collapse(s) }

// collapse cleans decoded text as titles are cleaned (clean ends with it):
// runs of ASCII white space become one space, the ends are trimmed, and at
// most MaxTitleRunes characters are kept, a space never ending a cut value.
// It decodes no entities: the tree's text is already decoded.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), maxSelectText))
	space, n := false, 0
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' {
			space = b.Len() > 0
			continue
		}
		if space { // a space counts, but never ends a cut value
			if n+1 >= MaxTitleRunes {
				break
			}
			b.WriteByte(' ')
			space = false
			n++
		}
		if n == MaxTitleRunes {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
