package extract

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

// Selector is one value to extract with a CSS selector: the text of the
// elements it matches, or one of their attributes. Make it with
// ParseSelector; it is safe for concurrent use.
type Selector struct {
	Name string // the key of the values in the record
	Attr string // the attribute whose value is taken; "" takes the text
	sel  chain
}

// MaxSelectValues is how many values one selector gives at most per page,
// the first ones in document order.
const MaxSelectValues = 1000

// maxSelectText bounds the text gathered from one element before it is
// cleaned: enough for MaxTitleRunes characters and plenty of white space.
const maxSelectText = 16 * MaxTitleRunes

// SelectBudget is how many steps of work (an element looked at for one
// compound selector, a node read for a value) one page's selectors take
// at most: about a second of CPU. Select stops there with what it has.
const SelectBudget = 50_000_000

// ParseSelector parses "name=SELECTOR" or "name=SELECTOR@attr": name is
// letters, digits, '_' and '-'; SELECTOR is CSS as cascadia understands it
// (CSS 3 selectors and a few jQuery extensions such as :contains), except
// that a pseudo-class taking selectors (:not, :has) takes no combinator; a
// final "@attr" takes that attribute instead of the text.
func ParseSelector(spec string) (Selector, error) {
	name, expr, ok := strings.Cut(spec, "=")
	if !ok || name == "" || strings.TrimFunc(name, isNameRune) != "" {
		return Selector{}, fmt.Errorf("%q is not name=SELECTOR: the name is letters, digits, '_' or '-'", spec)
	}
	var attr string
	if i := strings.LastIndexByte(expr, '@'); i >= 0 && isAttrName(expr[i+1:]) {
		expr, attr = expr[:i], strings.ToLower(expr[i+1:])
	}
	sel, err := parseChain(strings.TrimSpace(expr))
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

// Select builds the tree of body, a page whose Content-Type header is
// contentType, with html.Parse, and returns for each selector the values
// of the elements it matches, in document order: the text (as textContent,
// every descendant text node) or the attribute, with runs of ASCII white
// space collapsed and the ends trimmed as for titles, at most
// MaxTitleRunes characters each and MaxSelectValues values. Elements
// without the attribute give no value. Every selector's name is in the
// map, with an empty list when nothing matched. The charset is decided as
// for titles.
//
// The work is bounded: one pass over the tree per selector (not
// cascadia's search, exponential in the combinators on deep pages), at
// most SelectBudget steps, and ctx checked every thousand steps; err is
// ctx's error once it ends. A page the parser refuses for its nesting
// (more than 512 open elements) is read up to where it nests too deep. In
// both cases the values found are returned and note says why they may be
// partial; note is "" otherwise.
//
// The tree costs several times TitleOf's streaming pass in time, and
// about TreeCost(body) bytes of memory (docs/seo.md, "CSS selectors"),
// so callers build it only when selectors are asked for, and bound how
// many are built at once.
func Select(ctx context.Context, body []byte, contentType string, sels []Selector) (values map[string][]string, note string, err error) {
	return selectBudget(ctx, body, contentType, sels, SelectBudget)
}

func selectBudget(ctx context.Context, body []byte, contentType string, sels []Selector, budget int) (map[string][]string, string, error) {
	page, err := decodeBody(body, contentType)
	if err != nil {
		return nil, "", fmt.Errorf("decoding the body: %w", err)
	}
	doc, note, err := parseTree(page)
	if err != nil {
		return nil, "", fmt.Errorf("parsing the body: %w", err)
	}
	out := make(map[string][]string, len(sels))
	for _, s := range sels {
		out[s.Name] = []string{}
	}
	if doc == nil {
		return out, note, nil
	}
	w := &work{ctx: ctx, budget: budget}
	for _, s := range sels {
		vals := out[s.Name]
		err := s.sel.match(doc, w, func(n *html.Node) bool {
			if v, ok := s.value(n, w); ok {
				vals = append(vals, v)
			}
			return len(vals) < MaxSelectValues && w.err == nil
		})
		if err == nil {
			err = w.err
		}
		out[s.Name] = vals
		switch {
		case err == errBudget:
			return out, fmt.Sprintf("-e stopped after %d steps of work (its budget): values after that point are missing", budget), nil
		case err != nil:
			return nil, "", err
		}
	}
	return out, note, nil
}

// value is what s takes of n: its cleaned text or attribute.
func (s *Selector) value(n *html.Node, w *work) (string, bool) {
	if s.Attr == "" {
		var b strings.Builder
		appendText(&b, n, w)
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
// to about maxSelectText bytes, each node a step of w's.
func appendText(b *strings.Builder, n *html.Node, w *work) {
	for c := n.FirstChild; c != nil && b.Len() < maxSelectText && w.err == nil; c = c.NextSibling {
		if w.err = w.step(1); w.err != nil {
			return
		}
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			appendText(b, c, w)
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
