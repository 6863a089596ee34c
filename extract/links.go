package extract

import (
	"net/url"
	"strings"
)

// MaxLinks bounds the links Scan collects from one page for each of
// FieldOutlinks and FieldResources; a page with more is read for its first
// MaxLinks. A page of a million links is a trap, not a page.
const MaxLinks = 10_000

// The links a crawl follows (FieldOutlinks): <a href>, <area href>, and
// <link href> whose rel names next, prev, alternate or canonical. The
// resources a link check fetches without following them (FieldResources):
// <img src> (and <image>, which HTML parses as <img>), <script src>,
// <source src>, <iframe src>, and <link href> whose rel names stylesheet.
// Only HTML elements outside template contents count: an <a> inside inline
// svg is svg's, and a template's contents are not the document's.
func linkTag(name string) bool {
	switch name {
	case "a", "area", "link", "img", "image", "script", "source", "iframe":
		return true
	}
	return false
}

// collectLink keeps the link of a start tag named name with attributes a,
// as written, in Outlinks or Resources as Scan was asked.
func (s *scanner) collectLink(name string, a *tagAttrs) {
	ref, has := a.href, a.hasHref
	var dst *[]string
	switch name {
	case "a", "area":
		dst = &s.page.Outlinks
	case "link":
		rel := " " + strings.ToLower(strings.Join(strings.Fields(string(a.rel)), " ")) + " "
		switch {
		case relHas(rel, "next", "prev", "alternate", "canonical"):
			dst = &s.page.Outlinks
		case relHas(rel, "stylesheet"):
			dst = &s.page.Resources
		}
	default:
		ref, has, dst = a.src, a.hasSrc, &s.page.Resources
	}
	want := FieldOutlinks
	if dst == &s.page.Resources {
		want = FieldResources
	}
	if dst == nil || !has || s.want&want == 0 || len(*dst) >= MaxLinks {
		return
	}
	*dst = append(*dst, s.str(ref))
}

// relHas reports whether rel (" "-padded, lower case) names any of names.
func relHas(rel string, names ...string) bool {
	for _, n := range names {
		if strings.Contains(rel, " "+n+" ") {
			return true
		}
	}
	return false
}

// Links resolves refs, links as a page wrote them, against the page's
// <base href> (as written; "" for none) and final, the URL the page was
// fetched from after redirects, as a browser does: a base that is not an
// http(s) URL is ignored. It returns the http and https URLs among them,
// each once, in the order first written; other schemes (mailto:,
// javascript:, data:, tel:) and refs that are no URL are not links to
// pages. The fragment is kept: normalising is the caller's.
func Links(refs []string, base string, final *url.URL) []string {
	if len(refs) == 0 || final == nil {
		return nil
	}
	b := final
	if base != "" {
		if u, err := final.Parse(cleanRef(base)); err == nil && httpURL(u) {
			b = u
		}
	}
	out := make([]string, 0, len(refs))
	seen := make(map[string]bool, len(refs))
	for _, ref := range refs {
		u, err := b.Parse(cleanRef(ref))
		if err != nil || !httpURL(u) {
			continue
		}
		if s := u.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// cleanRef is ref as the URL standard reads it: leading and trailing C0
// controls and spaces stripped, tabs and newlines inside removed.
func cleanRef(ref string) string {
	ref = strings.TrimFunc(ref, func(r rune) bool { return r <= ' ' })
	if strings.ContainsAny(ref, "\t\n\r") {
		ref = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(ref)
	}
	return ref
}

func httpURL(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Nofollow reports whether robots directives forbid following a page's
// links: meta robots content (Page.Robots) or X-Robots-Tag values saying
// nofollow or none, for every robot or for agent (lower case, such as
// "fanout"). Directives after a robot's name ("googlebot: noindex,
// nofollow") are that robot's, up to the next name.
func Nofollow(directives, agent string) bool {
	forUs := true
	for _, part := range strings.Split(strings.ToLower(directives), ",") {
		part = strings.TrimSpace(part)
		if name, rest, ok := strings.Cut(part, ":"); ok && name != "unavailable_after" && !strings.ContainsAny(name, " \t") {
			forUs = name == agent
			part = rest
		}
		if !forUs {
			continue
		}
		for _, d := range strings.Fields(part) {
			if d == "nofollow" || d == "none" {
				return true
			}
		}
	}
	return false
}
