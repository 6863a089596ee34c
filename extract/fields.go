package extract

import (
	"bufio"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"

	"github.com/fanout-dev/fanout/record"
)

// Fields is a set of things Scan looks for in a page.
type Fields uint16

// The fields Scan can find. Head fields are known once the head ends; H1
// once the first <h1> closes; H1Count and Links only at the end of the body.
const (
	FieldTitle       Fields = 1 << iota // <title>, as TitleOf finds it
	FieldDescription                    // <meta name=description>
	FieldCanonical                      // <link rel=canonical>
	FieldRobots                         // <meta name=robots>
	FieldLang                           // <html lang>
	FieldH1                             // the first <h1>'s text
	FieldH1Count                        // how many <h1>
	FieldOG                             // <meta property=og:…>: title, description, image, type, url
	FieldHreflang                       // <link rel=alternate hreflang>
	FieldLinks                          // how many <a href>
	FieldOutlinks                       // the links a crawl follows (links.go)
	FieldResources                      // the resources a link check fetches (links.go)
)

// bodyFields need the body; the others are in the head.
const bodyFields = FieldH1 | FieldH1Count | FieldLinks | FieldOutlinks | FieldResources

// Page is what a page says about itself. Strings are UTF-8, cleaned as
// titles are (entities decoded, ASCII white space collapsed, ends trimmed,
// at most MaxTitleRunes characters). URLs are as written: the caller
// resolves them against Base, or the response's URL when Base is "".
type Page struct {
	Title    string
	HasTitle bool // an empty <title></title> is a title
	// record.Page is what the record keeps: Robots is the content of every
	// <meta name=robots>, joined by ", "; OG and Hreflang are nil when none.
	record.Page
	Base string // <base href>, as written
	// Outlinks and Resources are the hrefs and srcs FieldOutlinks and
	// FieldResources collect, as written (see links.go); Links resolves them.
	Outlinks  []string
	Resources []string
}

// maxHreflang bounds the hreflang entries kept: a page listing thousands of
// languages is not a page.
const maxHreflang = 256

// Scan reads r, a body whose Content-Type header is contentType, with the
// x/net/html tokenizer in one pass, and returns the fields in want. It stops
// as soon as every field asked for is known: at the end of the head when
// only head fields are asked for (and the title, if asked for, was found),
// at the first </h1> for FieldH1, at the end of the body for FieldH1Count
// and FieldLinks. The charset is decided as for TitleOf. err is a read
// error from r; io.EOF is not an error, nor a token over MaxTokenBytes,
// which ends the pass with what was found. Scan leaves the rest of r unread.
func Scan(r io.Reader, contentType string, want Fields) (Page, error) {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	defer readers.Put(br)
	src, enc := tokenizerSource(br, contentType)
	t := getTokens(src)
	defer t.release()
	s := scanner{enc: enc, want: want, z: t.z, huge: &t.huge}
	return s.run()
}

// scanner is one Scan: the tokenizer, the charset known so far, where the
// tokenizer is (the scope titles use), and what has been found.
type scanner struct {
	z        *html.Tokenizer
	huge     *hugeTokens
	enc      encoding.Encoding // nil until declared; encoding.Nop when src is UTF-8
	sc       scope
	want     Fields
	page     Page
	robots   []string
	headDone bool
	inTitle  bool   // inside the document's <title>: every token's bytes are its text
	titleRaw []byte // the title's source so far
	h1Depth  int    // open <h1> elements while reading the first one's text
	h1Raw    []byte
	h1Done   bool
}

func (s *scanner) run() (Page, error) {
	for !s.done() {
		tt := s.z.Next()
		if s.inTitle && tt != html.ErrorToken && !(tt == html.EndTagToken && rawNameIs(s.z.Raw(), "title")) {
			// The title's text, up to its end tag, as TitleOf reads it:
			// RCDATA, or markup after a self-closing <title/>.
			s.titleRaw = appendCapped(s.titleRaw, s.z.Raw())
			s.huge.saw(tt, s.z, false)
			continue
		}
		rawText := false
		switch tt {
		case html.ErrorToken:
			e := s.z.Err()
			if isHuge(e) { // a token over MaxTokenBytes: skip it, read on
				var err error
				if s.z, err = s.huge.resume(s.z); err != nil {
					return s.finish(), err
				}
				s.z.AllowCDATA(s.sc.cdata())
				continue
			}
			if e != io.EOF {
				return s.finish(), e
			}
			return s.finish(), nil
		case html.TextToken:
			if s.h1Depth > 0 {
				s.h1Raw = appendCapped(s.h1Raw, s.z.Raw())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			rawText = s.start(tt == html.SelfClosingTagToken) && tt == html.StartTagToken
			s.z.AllowCDATA(s.sc.cdata())
		case html.EndTagToken:
			s.end()
			s.z.AllowCDATA(s.sc.cdata())
		}
		s.huge.saw(tt, s.z, rawText)
	}
	return s.finish(), nil
}

// appendCapped appends b to raw, keeping at most maxTitleRaw bytes.
func appendCapped(raw, b []byte) []byte {
	return append(raw, b[:min(len(b), maxTitleRaw-min(len(raw), maxTitleRaw))]...)
}

// done reports whether every field asked for is known.
func (s *scanner) done() bool {
	switch {
	case s.want&FieldTitle != 0 && !s.page.HasTitle:
		return false // a title may come late, even in the body, as TitleOf finds it
	case s.want&(FieldH1Count|FieldLinks|FieldOutlinks|FieldResources) != 0:
		return false
	case s.want&FieldH1 != 0 && !s.h1Done:
		return false
	}
	return s.headDone || s.want&^bodyFields&^FieldTitle == 0
}

// start handles a start tag. Its attributes are read once, here, before
// the scope reads any it needs (only <font> and <annotation-xml>, which
// Scan does not read). It reports whether the tokenizer reads the
// element's content as raw text.
func (s *scanner) start(selfClosing bool) (rawText bool) {
	name := rawTagName(s.z.Raw()) // lower-cases the name in place
	var a tagAttrs
	linked := s.want&(FieldOutlinks|FieldResources) != 0 && linkTag(string(name))
	switch {
	case linked || string(name) == "html" || string(name) == "base" || string(name) == "meta" || string(name) == "link":
		a = attrsOf(s.z)
	case string(name) == "a":
		a.hasHref = hasRawAttr(s.z.Raw(), "href") // TagAttr copies every attribute
	}
	isTitle, notRaw := s.sc.startTag(name, selfClosing, s.z)
	if notRaw {
		s.z.NextIsNotRawText()
	} else if linked && s.sc.template == 0 {
		s.collectLink(string(name), &a) // an HTML element outside template contents
	}
	switch string(name) {
	case "html":
		if s.page.Lang == "" {
			s.page.Lang = s.clean(a.lang)
		}
	case "head", "style", "script", "noscript", "template":
	case "base":
		if s.page.Base == "" && !s.headDone {
			s.page.Base = strings.TrimSpace(s.str(a.href))
		}
	case "title":
		if isTitle && !s.page.HasTitle {
			s.inTitle = true
		}
	case "meta":
		s.meta(a)
	case "link":
		s.link(a)
	case "h1":
		s.headDone = true
		s.page.H1Count++
		if !s.h1Done {
			s.h1Depth++
		}
	case "a":
		s.headDone = true
		if a.hasHref {
			s.page.Links++
		}
	default:
		s.headDone = true // body content: the head has ended
	}
	return !notRaw && rawTextElements[string(name)]
}

func (s *scanner) end() {
	name := rawTagName(s.z.Raw())
	s.sc.endTag(name)
	switch {
	case string(name) == "head":
		s.headDone = true
	case string(name) == "title" && s.inTitle:
		s.endTitle()
	case string(name) == "h1" && s.h1Depth > 0:
		if s.h1Depth--; s.h1Depth == 0 {
			s.page.H1 = clean(decode(s.h1Raw, s.enc))
			s.h1Done = true
		}
	}
}

func (s *scanner) endTitle() {
	s.page.Title, s.page.HasTitle, s.inTitle = clean(decode(s.titleRaw, s.enc)), true, false
}

// rawNameIs reports whether the raw end tag raw names name (lower-case),
// without changing raw.
func rawNameIs(raw []byte, name string) bool {
	if len(raw) < 2+len(name) || raw[1] != '/' || !equalFoldASCII(raw[2:2+len(name)], name) {
		return false
	}
	return len(raw) == 2+len(name) || raw[2+len(name)] == '>' || raw[2+len(name)] == '/' || isSpace(raw[2+len(name)])
}

func (s *scanner) meta(a tagAttrs) {
	if s.enc == nil && len(s.sc.open) == 0 {
		if e, n := a.charsetOf(); asciiCompatible(n) {
			s.enc = e // a <meta> read as ASCII cannot declare UTF-16
		}
	}
	name := strings.ToLower(string(a.name))
	if name == "" {
		name = strings.ToLower(string(a.property))
	}
	switch {
	case name == "description" && s.page.Description == "":
		s.page.Description = s.clean(a.content)
	case name == "robots":
		if v := s.clean(a.content); v != "" {
			s.robots = append(s.robots, v)
		}
	case strings.HasPrefix(name, "og:"):
		switch key := name[3:]; key {
		case "title", "description", "image", "type", "url":
			if _, seen := s.page.OG[key]; !seen {
				if s.page.OG == nil {
					s.page.OG = map[string]string{}
				}
				s.page.OG[key] = s.clean(a.content)
			}
		}
	}
}

func (s *scanner) link(a tagAttrs) {
	rel := " " + strings.ToLower(strings.Join(strings.Fields(string(a.rel)), " ")) + " "
	switch {
	case strings.Contains(rel, " canonical ") && s.page.Canonical == "":
		s.page.Canonical = strings.TrimSpace(s.str(a.href))
	case strings.Contains(rel, " alternate ") && len(a.hreflang) > 0 && len(s.page.Hreflang) < maxHreflang:
		lang := strings.ToLower(strings.TrimSpace(s.str(a.hreflang)))
		if _, seen := s.page.Hreflang[lang]; !seen && lang != "" {
			if s.page.Hreflang == nil {
				s.page.Hreflang = map[string]string{}
			}
			s.page.Hreflang[lang] = strings.TrimSpace(s.str(a.href))
		}
	}
}

// str decodes an attribute value (entities already decoded by the
// tokenizer) to UTF-8.
func (s *scanner) str(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	return strings.ToValidUTF8(decode(v, s.enc), "\uFFFD")
}

// clean is str, cleaned as titles are (without decoding entities again).
func (s *scanner) clean(v []byte) string { return collapse(s.str(v)) }

func (s *scanner) finish() Page {
	if s.inTitle { // a title the body never closed runs to the end, as in TitleOf
		s.endTitle()
	}
	if s.h1Depth > 0 && !s.h1Done { // an <h1> the body never closed
		s.page.H1 = clean(decode(s.h1Raw, s.enc))
	}
	s.page.Robots = collapse(strings.Join(s.robots, ", "))
	return s.page
}

// hasRawAttr reports whether the raw start tag raw ("<name …>") has an
// attribute named name (lower-case ASCII), reading it step by step as the
// x/net/html tokenizer's readTag does (token.go: readTagName,
// readTagAttrKey, readTagAttrVal), without TagAttr's copy of every key
// and value. FuzzHasRawAttr holds it to the tokenizer.
func hasRawAttr(raw []byte, name string) bool {
	i := 2 // '<' and the name's first byte
	for ; i < len(raw); i++ {
		if isSpace(raw[i]) {
			i++
			break
		}
		if raw[i] == '/' || raw[i] == '>' {
			break
		}
	}
	for i = skipSpaces(raw, i); i < len(raw) && raw[i] != '>'; i = skipSpaces(raw, i) {
		var key []byte
		key, i = rawAttrKey(raw, i)
		i = rawAttrValue(raw, skipSpaces(raw, i))
		if len(key) > 0 && equalFoldASCII(key, name) {
			return true
		}
	}
	return false
}

// rawAttrKey reads an attribute name at raw[i:] as readTagAttrKey does,
// and returns it and where reading goes on.
func rawAttrKey(raw []byte, i int) ([]byte, int) {
	start := i
	for i < len(raw) {
		c := raw[i]
		i++
		switch {
		case c == '=' && start+1 == i: // '=' first is part of the name
		case c == '=' || c == '>' || c == '/' || isSpace(c):
			return raw[start : i-1], i - 1 // read again by what follows
		}
	}
	return raw[start:], i
}

// rawAttrValue skips an attribute's "= value", if any, at raw[i:] (white
// space skipped), as readTagAttrVal does, and returns where reading goes on.
func rawAttrValue(raw []byte, i int) int {
	if i >= len(raw) {
		return i
	}
	switch raw[i] {
	case '/':
		return i + 1
	case '=':
	default:
		return i
	}
	i = skipSpaces(raw, i+1)
	if i >= len(raw) {
		return i
	}
	switch q := raw[i]; q {
	case '>':
		return i
	case '\'', '"':
		for i++; i < len(raw) && raw[i] != q; i++ {
		}
		return min(i+1, len(raw))
	}
	for i < len(raw) && !isSpace(raw[i]) && raw[i] != '>' {
		i++
	}
	return i
}

// tagAttrs are the attributes Scan reads, the first of each name, as the
// tokenizer gives them: entities decoded, still in the page's charset,
// slices of the tokenizer's buffer that are valid until its next Next.
type tagAttrs struct {
	lang, href, name, property, content, rel, hreflang, charset, httpEquiv, src []byte
	hasHref, hasSrc                                                             bool
}

func attrsOf(z *html.Tokenizer) tagAttrs {
	var a tagAttrs
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		var dst *[]byte
		switch string(k) { // keys are lower-cased by the tokenizer
		case "lang":
			dst = &a.lang
		case "href":
			dst, a.hasHref = &a.href, true
		case "name":
			dst = &a.name
		case "property":
			dst = &a.property
		case "content":
			dst = &a.content
		case "rel":
			dst = &a.rel
		case "hreflang":
			dst = &a.hreflang
		case "src":
			dst, a.hasSrc = &a.src, true
		case "charset":
			dst = &a.charset
		case "http-equiv":
			dst = &a.httpEquiv
		default:
			continue
		}
		if *dst == nil {
			*dst = v
		}
	}
	return a
}

// charsetOf is the charset a <meta> declares, as metaEncoding reads it:
// its charset attribute, else http-equiv=Content-Type with a content.
func (a *tagAttrs) charsetOf() (encoding.Encoding, string) {
	if a.charset != nil {
		return charset.Lookup(string(a.charset))
	}
	if equalFoldASCII(a.httpEquiv, "content-type") && len(a.content) > 0 {
		return headerEncoding(string(a.content))
	}
	return nil, ""
}

// skipSpaces returns the index of the first byte of b at or after i that is
// not ASCII white space.
func skipSpaces(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}
