package extract

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// oracleLinks is a page's links by another road, sharing no code with Scan
// and Links: the whole body decoded by charset.NewReader, a tree built by
// html.Parse, every HTML element outside template contents walked, the
// document's base URL taken from the first <base href> in the tree, and
// each reference resolved by url.ResolveReference.
func oracleLinks(t testing.TB, body []byte, contentType string, final *url.URL) (outlinks, resources []string) {
	t.Helper()
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	var elems []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Namespace == "" {
			if n.Data == "template" {
				return
			}
			elems = append(elems, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Namespace == "" && a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	base := final
	for _, n := range elems {
		if href, ok := attr(n, "href"); ok && n.Data == "base" {
			if ref, err := url.Parse(whatwgTrim(href)); err == nil {
				if b := final.ResolveReference(ref); b.Scheme == "http" || b.Scheme == "https" {
					base = b
				}
			}
			break
		}
	}
	resolve := func(list []string, v string) []string {
		ref, err := url.Parse(whatwgTrim(v))
		if err != nil {
			return list
		}
		u := base.ResolveReference(ref)
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || slices.Contains(list, u.String()) {
			return list
		}
		return append(list, u.String())
	}
	for _, n := range elems {
		rel := map[string]bool{}
		if v, ok := attr(n, "rel"); ok {
			for _, f := range strings.Fields(strings.ToLower(v)) {
				rel[f] = true
			}
		}
		href, hasHref := attr(n, "href")
		src, hasSrc := attr(n, "src")
		switch {
		case (n.Data == "a" || n.Data == "area") && hasHref:
			outlinks = resolve(outlinks, href)
		case n.Data == "link" && hasHref && (rel["next"] || rel["prev"] || rel["alternate"] || rel["canonical"]):
			outlinks = resolve(outlinks, href)
		case n.Data == "link" && hasHref && rel["stylesheet"]:
			resources = resolve(resources, href)
		case (n.Data == "img" || n.Data == "script" || n.Data == "source" || n.Data == "iframe") && hasSrc:
			resources = resolve(resources, src)
		}
	}
	return outlinks, resources
}

// whatwgTrim strips what the URL standard strips before parsing: C0
// controls and spaces at the ends, ASCII tabs and newlines anywhere.
func whatwgTrim(s string) string {
	s = strings.Trim(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	var b strings.Builder
	for _, r := range s {
		if r != '\t' && r != '\n' && r != '\r' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// scanLinks is what fanout does with a page: one Scan pass, then Links.
func scanLinks(t testing.TB, r io.Reader, contentType string, final *url.URL) (outlinks, resources []string) {
	t.Helper()
	p, err := Scan(r, contentType, FieldTitle|FieldOutlinks|FieldResources)
	if err != nil {
		t.Fatal(err)
	}
	return Links(p.Outlinks, p.Base, final), Links(p.Resources, p.Base, final)
}

// TestLinksCorpus holds Scan and Links to the oracle on every page of the
// corpus, read whole, a byte at a time, in halves and in random pieces.
func TestLinksCorpus(t *testing.T) {
	final, _ := url.Parse("https://example.com/docs/v2/links.html?from=1")
	for _, p := range loadCorpus(t) {
		t.Run(p.File, func(t *testing.T) {
			wantOut, wantRes := oracleLinks(t, p.body, p.ContentType, final)
			ps := readPatterns(t)
			for _, rp := range append(ps[:3:3], ps[len(ps)-3:]...) { // whole, by bytes, halves, random
				out, res := scanLinks(t, rp.reader(p.body), p.ContentType, final)
				if !slices.Equal(out, wantOut) {
					t.Errorf("%s: outlinks\n got %q\nwant %q", rp.name, out, wantOut)
				}
				if !slices.Equal(res, wantRes) {
					t.Errorf("%s: resources\n got %q\nwant %q", rp.name, res, wantRes)
				}
			}
		})
	}
}

// TestLinksPage checks the corpus page written for links against links
// written out by hand, so the oracle is checked too.
func TestLinksPage(t *testing.T) {
	final, _ := url.Parse("https://example.com/docs/v2/links.html?from=1")
	var body []byte
	for _, p := range loadCorpus(t) {
		if p.File == "links.html" {
			body = p.body
		}
	}
	out, res := scanLinks(t, bytes.NewReader(body), "text/html", final)
	wantOut := []string{
		"https://Example.COM:443/docs/v2/links.html", "https://example.com/docs/v2/page-2.html",
		"https://example.com/docs/v2/page-0.html", "https://example.com/fr/docs/v2/", "https://example.com/docs/v2/feed.xml",
		"https://example.com/docs/v2/intro.html", "https://example.com/docs/v2/intro.html#install",
		"https://example.com/docs/v1/", "https://example.com/", "https://example.com/docs/v2/?page=2&sort=asc",
		"https://example.com/docs/v2/#top", "https://example.com/docs/v2/", "https://example.com/docs/v2/spaced.html",
		"https://example.com/docs/v2/tabbed.html", "https://other.example.net/path?q=1#frag", "https://cdn.example.org/lib",
		"http://UPPER.example.com/A/C", "https://example.com/docs/v2/caf%C3%A9.html", "https://example.com/docs/v2/%7Euser/",
		"https://example.com/docs/v2/map/area.html", "https://example.com/inline",
	}
	wantRes := []string{
		"https://example.com/docs/css/site.css", "https://example.com/docs/v2/js/app.js",
		"https://example.com/docs/v2/img/logo.png", "https://example.com/docs/v2/img/legacy.png",
		"https://example.com/docs/v2/video/a.webm", "https://example.com/docs/v2/img/fallback.jpg",
		"https://example.com/docs/v2/embed/widget.html",
	}
	if !slices.Equal(out, wantOut) {
		t.Errorf("outlinks\n got %q\nwant %q", out, wantOut)
	}
	if !slices.Equal(res, wantRes) {
		t.Errorf("resources\n got %q\nwant %q", res, wantRes)
	}
	if o, r := oracleLinks(t, body, "text/html", final); !slices.Equal(o, wantOut) || !slices.Equal(r, wantRes) {
		t.Errorf("the oracle disagrees with the list written by hand:\n%q\n%q", o, r)
	}
}

func TestNofollow(t *testing.T) {
	for _, tc := range []struct {
		directives string
		want       bool
	}{
		{"", false},
		{"noindex", false},
		{"noindex, nofollow", true},
		{"NONE", true},
		{"index,follow", false},
		{"googlebot: nofollow", false},
		{"googlebot: noindex, nofollow", false},
		{"fanout: nofollow", true},
		{"googlebot: noindex, fanout: nofollow", true},
		{"unavailable_after: 25 Jun 2010 15:00:00 PST, nofollow", true},
	} {
		if got := Nofollow(tc.directives, "fanout"); got != tc.want {
			t.Errorf("Nofollow(%q) = %v, want %v", tc.directives, got, tc.want)
		}
	}
}

// FuzzLinks holds Scan's links, read a piece at a time, to the same page
// read whole, and every link to the contract: an absolute http(s) URL,
// each once. On pages html.Parse builds as a tokenizer sees them (no
// misnested tables or foreign content), it also holds them to the oracle.
func FuzzLinks(f *testing.F) {
	f.Add([]byte(seoPage), "", uint64(1))
	f.Add([]byte(`<base href="//h/x/"><a href="y">`), "", uint64(2))
	f.Add([]byte(`<a href=" java&#10;script:x">`), "", uint64(3))
	f.Add([]byte(`<svg><a href=/s></a></svg><a href=/h>`), "", uint64(4))
	f.Add([]byte(`<template><a href=/t></template><img src=i>`), "", uint64(5))
	f.Add([]byte(`<link rel="next stylesheet" href=n><area href=a>`), "", uint64(6))
	f.Fuzz(func(t *testing.T, body []byte, ctype string, seed uint64) {
		final, _ := url.Parse("http://example.com/a/b?c")
		out, res := scanLinks(t, bytes.NewReader(body), ctype, final)
		out2, res2 := scanLinks(t, randomPieces(body, seed), ctype, final)
		if !slices.Equal(out, out2) || !slices.Equal(res, res2) {
			t.Fatalf("read whole: %q %q; in pieces: %q %q", out, res, out2, res2)
		}
		for _, l := range append(slices.Clone(out), res...) {
			u, err := url.Parse(l)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("link %q is not an absolute http(s) URL", l)
			}
		}
		if len(out) > MaxLinks || len(res) > MaxLinks {
			t.Fatalf("%d outlinks, %d resources: more than MaxLinks", len(out), len(res))
		}
		if simpleTree(body) && oracleCompares(body, ctype) {
			wantOut, wantRes := oracleLinks(t, body, ctype, final)
			if !slices.Equal(out, wantOut) || !slices.Equal(res, wantRes) {
				t.Fatalf("Scan: %q %q\noracle: %q %q", out, res, wantOut, wantRes)
			}
		}
	})
}

// simpleTree reports whether body has none of what makes html.Parse's
// tree differ from the tags a tokenizer sees in order: tables (foster
// parenting), select, frameset, foreign content, a <base> after the body
// starts (Scan reads <base> in the head only), comments and CDATA that a
// tokenizer and the parser end differently, or a NUL.
func simpleTree(body []byte) bool {
	low := bytes.ToLower(body)
	for _, s := range []string{"<table", "<select", "<frameset", "<svg", "<math", "<!", "<?", "</", "\x00", "<base", "<image", "<plaintext", "<xmp", "<textarea", "<title", "<noscript", "<noembed", "<noframes", "<style", "<script", "<iframe", "<template", "<html", "<body", "<head", "<frame"} {
		if bytes.Contains(low, []byte(s)) {
			return false
		}
	}
	return true
}
