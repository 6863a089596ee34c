package sitemap

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// maxDepth is how deeply a sitemap's elements may nest. A sitemap needs
// three levels (urlset, url, loc) and an RSS feed four (rss, channel,
// item, link); extensions go to five (url, news:news, news:publication,
// news:name). encoding/xml keeps every open element, so a file nested
// deeper is refused at once, before it can take memory.
const maxDepth = 8

// decodeXML reads an XML sitemap, sitemap index or feed from r, as decode
// says.
func decodeXML(r *bufio.Reader, maxURLs int, each func(kind, Entry, flaw) error) (kind, error) {
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel
	p := parser{maxURLs: maxURLs, each: each}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if p.kind == 0 {
				return 0, errors.New("not a sitemap: no <urlset>, <sitemapindex>, <rss> or <feed>")
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

// parser follows the elements of one XML file. An entry is a <url> or
// <sitemap> (at depth 2, its <loc> and <lastmod> at 3), an RSS <item> (at
// 3, its <link> and <pubDate> at 4) or an Atom <entry> (at 2, its first
// <link href> that is the entry itself and its <updated> at 3).
type parser struct {
	maxURLs int
	each    func(kind, Entry, flaw) error

	kind       kind
	atom       bool
	entryDepth int // the depth of this kind's entries
	depth      int
	in         bool   // inside an entry
	field      string // "loc" or "lastmod" while inside one
	text       strings.Builder
	long       bool // the field's text is longer than maxLoc
	entry      Entry
	locs       int  // locs seen in the entry
	longLoc    bool // one of them was too long
	n          int  // entries given without a flaw
}

func (p *parser) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		p.depth++
		if p.depth > maxDepth {
			return fmt.Errorf("not a sitemap: elements nested more than %d deep", maxDepth)
		}
		return p.start(t)
	case xml.CharData:
		if p.field != "" && !p.long {
			p.long = p.text.Len()+len(t) > maxLoc
			if !p.long {
				p.text.Write(t)
			}
		}
	case xml.EndElement:
		defer func() { p.depth-- }()
		switch {
		case p.field != "" && p.depth == p.entryDepth+1:
			p.endField()
		case p.in && p.depth == p.entryDepth:
			p.in = false
			return p.endEntry()
		}
	}
	return nil
}

// start handles an element's start tag, p.depth being its depth.
func (p *parser) start(t xml.StartElement) error {
	name := t.Name.Local
	switch {
	case p.depth == 1:
		return p.root(name)
	case p.depth == p.entryDepth && isEntry(p.kind, p.atom, name):
		p.in, p.entry, p.locs, p.longLoc = true, Entry{}, 0, false
	case p.depth == p.entryDepth+1 && p.in:
		switch field := fieldOf(p.kind, p.atom, name); {
		case p.atom && field == "loc":
			p.atomLink(t)
		case field != "":
			p.field, p.long = field, false
			p.text.Reset()
		}
	}
	return nil
}

// root decides the file's kind by its root element.
func (p *parser) root(name string) error {
	p.entryDepth = 2
	switch name {
	case "urlset":
		p.kind = urlset
	case "sitemapindex":
		p.kind = index
	case "rss":
		p.kind, p.entryDepth = feed, 3
	case "feed":
		p.kind, p.atom = feed, true
	default:
		return fmt.Errorf("not a sitemap: the root element is <%s>", name)
	}
	return nil
}

func isEntry(k kind, atom bool, name string) bool {
	switch {
	case k == urlset:
		return name == "url"
	case k == index:
		return name == "sitemap"
	case atom:
		return name == "entry"
	}
	return name == "item"
}

// fieldOf is what an entry's child element is: "loc", "lastmod" or "".
func fieldOf(k kind, atom bool, name string) string {
	switch {
	case k != feed && (name == "loc" || name == "lastmod"):
		return name
	case atom && name == "link", !atom && k == feed && name == "link":
		return "loc"
	case atom && name == "updated", !atom && k == feed && name == "pubDate":
		return "lastmod"
	}
	return ""
}

// atomLink takes an Atom <link>'s href as the entry's loc when it is the
// entry itself (rel absent or "alternate") and no link was taken before.
func (p *parser) atomLink(t xml.StartElement) {
	var href, rel string
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "href":
			href = a.Value
		case "rel":
			rel = a.Value
		}
	}
	if p.entry.Loc != "" || p.longLoc || rel != "" && rel != "alternate" {
		return
	}
	if len(href) > maxLoc {
		p.longLoc = true
		return
	}
	p.entry.Loc = strings.TrimSpace(href)
}

// endField ends a <loc> or <lastmod>.
func (p *parser) endField() {
	v := strings.TrimSpace(p.text.String())
	switch {
	case p.field == "lastmod":
		p.entry.LastMod = lastMod(v)
	case p.long:
		p.locs++
		p.longLoc = p.longLoc || p.locs == 1
	default:
		p.locs++
		if p.locs == 1 {
			p.entry.Loc = v
		}
	}
	p.field, p.long = "", false
}

// endEntry hands the entry over, with its flaw.
func (p *parser) endEntry() error {
	f := noFlaw
	switch {
	case p.longLoc:
		f = longLoc
	case p.entry.Loc == "":
		f = noLoc
	case p.locs > 1:
		f = manyLocs
	}
	if f == noFlaw || f == manyLocs {
		if p.n == p.maxURLs {
			return &LimitError{What: fmt.Sprintf("%d entries", p.maxURLs)}
		}
		p.n++
	}
	return p.each(p.kind, p.entry, f)
}

// lastMod is v as W3C Datetime when it is an RFC 822 date (RSS pubDate),
// else v as written.
func lastMod(v string) string {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return v
}
