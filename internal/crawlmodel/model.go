// Package crawlmodel is the crawl of the site graph (internal/benchsite)
// by another road than package crawl, for tests: a plain breadth-first
// search over the links the site means, with the crawl's rules written out.
package crawlmodel

import (
	"fmt"
	"slices"

	"github.com/fanout-dev/fanout/internal/benchsite"
)

// Model is the crawl of the site graph by another road: a plain
// breadth-first search over the links the site means (benchsite.GraphLinks),
// with the crawl's rules written out here: depth, host scope, robots.txt
// (/private/ is disallowed: recorded, not fetched), nofollow, dedupe, a
// redirect's landing page counted as seen. It returns each URL recorded
// (a path on the site, or an external URL) with its depth, and the paths
// the site must see once each.
type Model struct {
	Pages, MaxDepth int
	External        string // the other host's base URL; "" without --check-external
	// Skip, if set, says which links are not followed (--deny, --allow):
	// it is given the link's URL as Crawl returns it.
	Skip func(url string) bool
	// Seeds are the pages the crawl starts from (/site/p/N), in order;
	// none: page 0.
	Seeds []int
}

type node struct {
	kind benchsite.LinkKind
	n    int
}

func (m Model) url(nd node) string {
	switch nd.kind {
	case benchsite.LinkPage:
		return fmt.Sprintf("/site/p/%d", nd.n)
	case benchsite.LinkRedirect:
		return fmt.Sprintf("/site/r/%d", nd.n)
	case benchsite.LinkMissing:
		return fmt.Sprintf("/site/missing/%d", nd.n)
	case benchsite.LinkPrivate:
		return fmt.Sprintf("/private/site/%d", nd.n)
	case benchsite.LinkExternal:
		return fmt.Sprintf("%s/x/%d", m.External, nd.n)
	case benchsite.LinkOther:
		return "/site/p/" // href="" under <base href="/site/p/">: the base itself (a 404)
	}
	return fmt.Sprintf("/site/cal/%d", nd.n)
}

// links are a node's links as the crawl may follow them, and the paths
// its fetch makes the site see.
func (m Model) links(nd node) (links []benchsite.GraphLink, seen []string) {
	switch nd.kind {
	case benchsite.LinkPage:
		meta, header := benchsite.GraphNofollow(nd.n)
		if meta || header {
			return nil, []string{m.url(nd)}
		}
		var links []benchsite.GraphLink
		for _, l := range benchsite.GraphLinks(m.Pages, nd.n) {
			// mailto:, javascript: and fragments are no pages; href="" is
			// the page itself, or the base where the page has one (n%4 == 0)
			if l.Kind != benchsite.LinkOther || nd.n%4 == 0 {
				links = append(links, l)
			}
		}
		return links, []string{m.url(nd)}
	case benchsite.LinkRedirect:
		return []benchsite.GraphLink{{Kind: benchsite.LinkPage, N: (nd.n + 2) % m.Pages}}, []string{m.url(nd), fmt.Sprintf("/site/land/%d", nd.n)}
	case benchsite.LinkCalendar:
		return []benchsite.GraphLink{{Kind: benchsite.LinkCalendar, N: nd.n + 1}, {Kind: benchsite.LinkPage, N: 0}}, []string{m.url(nd)}
	case benchsite.LinkMissing, benchsite.LinkOther:
		return nil, []string{m.url(nd)}
	}
	return nil, nil // private: not fetched; external: another host's
}

// Crawl runs the search from the seeds: every URL recorded with its
// depth, and the paths the site sees, in the order the search fetches them.
func (m Model) Crawl() (depths map[string]int, sitePaths []string) {
	depths, sitePaths, _ = m.search()
	return depths, sitePaths
}

// LinkedFrom is, for every URL, the pages whose links the crawl follows
// that link to it (itself aside), in the order the search fetches them:
// the first is the page it was found on.
func (m Model) LinkedFrom() map[string][]string {
	_, _, linked := m.search()
	return linked
}

func (m Model) search() (depths map[string]int, sitePaths []string, linked map[string][]string) {
	depths, linked = map[string]int{}, map[string][]string{}
	var queue []node
	for _, n := range append(m.Seeds, 0)[:max(1, len(m.Seeds))] {
		start := node{benchsite.LinkPage, n}
		if _, ok := depths[m.url(start)]; !ok {
			depths[m.url(start)] = 0
			queue = append(queue, start)
		}
	}
	for len(queue) > 0 {
		nd := queue[0]
		queue = queue[1:]
		page := m.url(nd)
		links, seen := m.links(nd)
		sitePaths = append(sitePaths, seen...)
		d := depths[page]
		if d >= m.MaxDepth {
			continue
		}
		for _, l := range links {
			next := node{l.Kind, l.N}
			u := m.url(next)
			if l.Kind == benchsite.LinkExternal && m.External == "" || m.Skip != nil && m.Skip(u) {
				continue
			}
			if u != page && !slices.Contains(linked[u], page) {
				linked[u] = append(linked[u], page)
			}
			if _, ok := depths[u]; !ok {
				depths[u] = d + 1
				queue = append(queue, next)
			}
		}
	}
	return depths, sitePaths, linked
}
