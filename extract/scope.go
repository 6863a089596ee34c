package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// The title of a document is the first <title> element in the HTML
// namespace, outside template contents (HTML's document.title). A
// tokenizer alone sees every "<title>" start tag, including the title of an
// inline <svg> icon, so titleTokenized keeps a scope: the elements opened
// since the body entered svg or math content, and how many <template>
// elements are open. It follows HTML's rules for foreign content (the HTML
// standard, "parsing main inforeign"): start tags in svg and math content
// make svg and math elements and are never raw text, except at an HTML
// integration point (svg <foreignObject>, <desc> and <title>, math
// <annotation-xml> for HTML) and a MathML text integration point (<mi>,
// <mo>, <mn>, <ms>, <mtext>), where start tags are HTML again; a
// "breakout" tag such as <p> or <div> ends foreign content. It does not
// build the rest of the tree, so an HTML end tag that would close an
// element enclosing unclosed svg or math content is taken as closing only
// what it names in the scope (see docs/output.md, on titles).

// maxScopeDepth bounds the open elements a scope keeps; deeper elements
// are counted but not named.
const maxScopeDepth = 64

type namespace uint8

const (
	nsHTML namespace = iota
	nsSVG
	nsMath
)

type scopeElem struct {
	name string // lower case
	ns   namespace
	html bool // start tags inside are HTML: an integration point, or an HTML element
}

// scope is where the tokenizer is in the tree, as far as titles care.
type scope struct {
	open     []scopeElem // elements opened inside foreign content, innermost last
	template int         // open <template> elements outside foreign content
	unknown  int         // end tags that named nothing in an open scope (for tests)
}

// cdata reports whether <![CDATA[ starts a CDATA section here, not a
// bogus comment: inside an svg or math element (integration points too).
func (s *scope) cdata() bool {
	return len(s.open) > 0 && s.open[len(s.open)-1].ns != nsHTML
}

// startTag records a start tag and reports whether it is the document's
// title, and whether its contents are read as text, never raw (a tag in
// foreign content). z is the tokenizer, at that tag: its attributes are
// read when they matter.
func (s *scope) startTag(tag []byte, selfClosing bool, z *html.Tokenizer) (title, notRaw bool) {
	name := string(tag) // compared only, unless pushed
	if len(s.open) > 0 {
		top := s.open[len(s.open)-1]
		mathText := top.ns == nsMath && isMathTextPoint(top.name) && name != "mglyph" && name != "malignmark"
		if !top.html && !mathText && !(top.name == "annotation-xml" && name == "svg") {
			if !isBreakout(name, z) {
				s.push(foreignElem(string(tag), top.ns, z), selfClosing)
				return false, true
			}
			for len(s.open) > 0 && !s.open[len(s.open)-1].html {
				s.open = s.open[:len(s.open)-1]
			}
		}
	}
	switch name {
	case "title":
		return s.template == 0, false
	case "svg":
		s.push(scopeElem{name: "svg", ns: nsSVG}, selfClosing)
	case "math":
		s.push(scopeElem{name: "math", ns: nsMath}, selfClosing)
	case "template":
		s.template++
		if len(s.open) > 0 {
			s.push(scopeElem{name: "template", ns: nsHTML, html: true}, false)
		}
	default:
		if len(s.open) > 0 && !isVoid(name) {
			s.push(scopeElem{name: string(tag), ns: nsHTML, html: true}, false) // HTML ignores "/>" here
		}
	}
	return false, false
}

// endTag records an end tag. Where the innermost open element is svg or
// math, the end tag closes the innermost open element of its name, looking
// no further out than the nearest HTML element; otherwise it is HTML's "any
// other end tag": it closes the innermost element of its name unless a
// special element (such as <div>, or an integration point) is open inside
// that one. An end tag that names nothing in the scope may close an element
// outside it, which the scope does not know: it is ignored.
func (s *scope) endTag(tag []byte) {
	n := len(s.open)
	if n == 0 {
		if string(tag) == "template" && s.template > 0 {
			s.template--
		}
		return
	}
	if s.open[n-1].ns != nsHTML {
		for i := n - 1; i >= 0; i-- {
			if s.open[i].name == string(tag) {
				s.close(i)
				return
			}
			if i == 0 || s.open[i-1].ns == nsHTML {
				break
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		if s.open[i].name == string(tag) {
			s.close(i)
			return
		}
		if isSpecial(s.open[i]) {
			return
		}
	}
	s.unknown++
}

// close closes the open element at index i and every element inside it.
func (s *scope) close(i int) {
	for _, e := range s.open[i:] {
		if e.ns == nsHTML && e.name == "template" {
			s.template--
		}
	}
	s.open = s.open[:i]
}

func (s *scope) push(e scopeElem, selfClosing bool) {
	if !selfClosing && len(s.open) < maxScopeDepth {
		s.open = append(s.open, e)
	}
}

func foreignElem(name string, ns namespace, z *html.Tokenizer) scopeElem {
	e := scopeElem{name: name, ns: ns}
	switch {
	case ns == nsSVG:
		e.html = name == "foreignobject" || name == "desc" || name == "title"
	case name == "annotation-xml":
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			if string(k) == "encoding" {
				e.html = strings.EqualFold(string(v), "text/html") || strings.EqualFold(string(v), "application/xhtml+xml")
				break
			}
		}
	}
	return e
}

func isMathTextPoint(name string) bool {
	switch name {
	case "mi", "mo", "mn", "ms", "mtext":
		return true
	}
	return false
}

// isBreakout reports whether a start tag ends foreign content.
func isBreakout(name string, z *html.Tokenizer) bool {
	switch name {
	case "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
		"em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
		"listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
		"strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var":
		return true
	case "font":
		for more := true; more; {
			var k []byte
			k, _, more = z.TagAttr()
			if s := string(k); s == "color" || s == "face" || s == "size" {
				return true
			}
		}
	}
	return false
}

// isVoid reports whether an HTML element has no end tag.
func isVoid(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr":
		return true
	}
	return false
}

// isSpecial reports whether an element is in HTML's "special" category,
// which stops an end tag's search for an element of its name.
func isSpecial(e scopeElem) bool {
	switch e.ns {
	case nsSVG:
		return e.name == "foreignobject" || e.name == "desc" || e.name == "title"
	case nsMath:
		return isMathTextPoint(e.name) || e.name == "annotation-xml"
	}
	switch e.name {
	case "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote",
		"body", "br", "button", "caption", "center", "col", "colgroup", "dd", "details", "dir", "div",
		"dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset",
		"h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "iframe", "img",
		"input", "keygen", "li", "link", "listing", "main", "marquee", "menu", "meta", "nav", "noembed",
		"noframes", "noscript", "object", "ol", "p", "param", "plaintext", "pre", "script", "search",
		"section", "select", "source", "style", "summary", "table", "tbody", "td", "template",
		"textarea", "tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp":
		return true
	}
	return false
}
