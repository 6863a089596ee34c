package benchsite

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// GraphPath is where the generated site graph is served: a site to crawl,
// with the shapes real sites have.
const GraphPath = "/site/"

// LinkKind is what a link of the site graph points at.
type LinkKind uint8

// The kinds of link in the site graph.
const (
	LinkPage     LinkKind = iota // /site/p/N, a page (N < Options.GraphPages; else 404)
	LinkRedirect                 // /site/r/N: 301 to /site/land/N, a page no other link names
	LinkMissing                  // /site/missing/N: 404
	LinkPrivate                  // /private/site/N: robots.txt disallows /private/
	LinkExternal                 // Options.GraphExternal + /x/N: another host
	LinkCalendar                 // /site/cal/N: a calendar day, linking to the next day, forever
	LinkOther                    // mailto:, javascript:, a fragment, the page itself: not new pages
)

// GraphLink is one link of a page of the site graph, as the site means it;
// the page writes it in one of several shapes (relative, absolute path,
// absolute URL, with a fragment or dot segments, under a <base>).
type GraphLink struct {
	Kind LinkKind
	N    int
}

// GraphLinks are the links of page n of a graph of pages pages, in the
// order the page writes them. Landing pages (after a redirect) link to
// page n+2; calendar day n to day n+1 and to page 0.
func GraphLinks(pages, n int) []GraphLink {
	l := []GraphLink{
		{LinkPage, (n + 1) % pages}, {LinkPage, (n*7 + 3) % pages}, {LinkPage, (n*13 + 5) % pages},
		{LinkOther, 0},
	}
	if n%5 == 0 {
		l = append(l, GraphLink{LinkRedirect, n})
	}
	if n%7 == 0 {
		l = append(l, GraphLink{LinkMissing, n})
	}
	if n%9 == 0 {
		l = append(l, GraphLink{LinkPrivate, n})
	}
	if n%10 == 0 {
		l = append(l, GraphLink{LinkExternal, n})
	}
	if n == 3 {
		l = append(l, GraphLink{LinkCalendar, 0})
	}
	return l
}

// GraphNofollow says whether page n forbids following its links: meta
// robots nofollow (n%11 == 5) or X-Robots-Tag: nofollow (n%13 == 7).
func GraphNofollow(n int) (meta, header bool) { return n%11 == 5, n%13 == 7 }

// graph serves GraphPath.
func (s *Site) graph(w http.ResponseWriter, r *http.Request) {
	if s.opts.Latency > 0 && !Wait(r, s.opts.Latency) {
		return
	}
	kind, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, GraphPath), "/")
	n, err := strconv.Atoi(rest)
	pages := s.opts.GraphPages
	if err != nil || n < 0 || pages <= 0 {
		http.NotFound(w, r)
		return
	}
	var links []GraphLink
	switch {
	case kind == "p" && n < pages:
		links = GraphLinks(pages, n)
		if _, header := GraphNofollow(n); header {
			w.Header().Set("X-Robots-Tag", "nofollow")
		}
	case kind == "r":
		http.Redirect(w, r, fmt.Sprintf("%sland/%d", GraphPath, n), http.StatusMovedPermanently)
		return
	case kind == "land" && n < pages:
		links = []GraphLink{{LinkPage, (n + 2) % pages}}
	case kind == "cal":
		links = []GraphLink{{LinkCalendar, n + 1}, {LinkPage, 0}}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(s.graphPage(r, kind, n, links))
}

// graphPage writes a page of the graph, each link in a shape chosen by its
// position, so every shape is met.
func (s *Site) graphPage(r *http.Request, kind string, n int, links []GraphLink) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html><html><head><title>%s %d</title>\n", kind, n)
	based := kind == "p" && n%4 == 0
	if based {
		b.WriteString(`<base href="/site/p/">` + "\n")
	}
	if meta, _ := GraphNofollow(n); meta && kind == "p" {
		b.WriteString(`<meta name="robots" content="noindex, nofollow">` + "\n")
	}
	fmt.Fprintf(&b, "</head><body><h1>%s %d</h1>\n", kind, n)
	host := "http://" + r.Host
	for i, l := range links {
		var href string
		switch l.Kind {
		case LinkPage:
			href = pageHref(host, kind, based, l.N, i)
		case LinkRedirect:
			href = fmt.Sprintf("/site/r/%d", l.N)
		case LinkMissing:
			href = fmt.Sprintf("%s/site/missing/%d#gone", host, l.N)
		case LinkPrivate:
			href = fmt.Sprintf("/private/site/%d", l.N)
		case LinkExternal:
			href = fmt.Sprintf("%s/x/%d", s.opts.GraphExternal, l.N)
		case LinkCalendar:
			href = fmt.Sprintf("/site/cal/%d", l.N)
			if kind == "cal" {
				href = strconv.Itoa(l.N) // relative, from /site/cal/N
			}
		case LinkOther:
			b.WriteString(`<a href="mailto:someone@example.com">mail</a> <a href="javascript:void(0)">js</a> <a href="#top">top</a> <a href="">here</a>` + "\n")
			continue
		}
		fmt.Fprintf(&b, "<p><a href=\"%s\">link %d</a></p>\n", href, i)
	}
	fmt.Fprintf(&b, `<img src="/site/img/%d.png" alt=""></body></html>`+"\n", n%3)
	return []byte(b.String())
}

// pageHref writes a link to page m from a page of kind kind, in shape i%4:
// relative (or bare under <base>), an absolute path with a fragment, an
// absolute URL with a dot segment and an upper-case scheme, a path with
// "..".
func pageHref(host, kind string, based bool, m, i int) string {
	switch i % 4 {
	case 0:
		if based {
			return strconv.Itoa(m)
		}
		if kind == "p" {
			return strconv.Itoa(m) // relative to /site/p/N
		}
		return fmt.Sprintf("../p/%d", m)
	case 1:
		return fmt.Sprintf("/site/p/%d#section-%d", m, i)
	case 2:
		return fmt.Sprintf("HTTP://%s/site/./p/%d", strings.TrimPrefix(host, "http://"), m)
	}
	return fmt.Sprintf("/site/x/../p/%d", m)
}
