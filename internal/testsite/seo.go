package testsite

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// Paths of the robots.txt, sitemaps and SEO pages, for tests to name.
const (
	PathRobots       = "/robots.txt"           // disallows /private/ but /private/ok and, for fanout, /*.pdf$; names PathSitemap
	PathSitemap      = "/sitemap.xml"          // an index naming the two sitemaps below
	PathSitemapPages = "/sitemap-pages.xml.gz" // gzipped as a file: /page/0 … /page/9, lastmod 2024-01-01 … 2024-01-10
	PathSitemapSEO   = "/sitemap-seo.xml"      // /seo/0 … /seo/4, then /page/0 again
	PathPrivate      = "/private/"             // pages robots.txt disallows (but /private/ok)
	PathSEO          = "/seo/"                 // /seo/N: a page with every SEO field; see SEOPage
)

// seoRoutes adds robots.txt, the sitemaps and the SEO pages to mux.
func seoRoutes(mux *http.ServeMux) {
	mux.HandleFunc(PathRobots, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private/\nAllow: /private/ok\n\n"+
			"User-agent: fanout\nDisallow: /private/\nAllow: /private/ok\nDisallow: /*.pdf$\n\nSitemap: %s%s\n", base(r), PathSitemap)
	})
	mux.HandleFunc(PathSitemap, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
			"<sitemap><loc>%s%s</loc></sitemap><sitemap><loc>%s%s</loc></sitemap></sitemapindex>\n",
			base(r), PathSitemapPages, base(r), PathSitemapSEO)
	})
	mux.HandleFunc(PathSitemapPages, func(w http.ResponseWriter, r *http.Request) {
		var doc strings.Builder
		doc.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range 10 {
			fmt.Fprintf(&doc, "<url><loc>%s/page/%d</loc><lastmod>2024-01-%02d</lastmod></url>\n", base(r), i, i+1)
		}
		doc.WriteString("</urlset>\n")
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write([]byte(doc.String()))
		zw.Close()
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(z.Bytes())
	})
	mux.HandleFunc(PathSitemapSEO, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range 5 {
			fmt.Fprintf(w, "<url><loc>%s/seo/%d</loc></url>\n", base(r), i)
		}
		fmt.Fprintf(w, "<url><loc>%s/page/0</loc></url></urlset>\n", base(r))
	})
	mux.HandleFunc(PathPrivate, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", seoType)
		fmt.Fprintf(w, "<!doctype html><title>Private %s</title><p>not for robots</p>\n", html.EscapeString(r.URL.Path))
	})
	mux.HandleFunc(PathSEO, func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, PathSEO))
		if err != nil || n < 0 {
			http.NotFound(w, r)
			return
		}
		if n%3 == 0 {
			w.Header().Set("X-Robots-Tag", "noarchive")
		}
		w.Header().Set("Content-Type", seoType)
		w.Write(SEOPage(n))
	})
}

// SEOPage returns page n of PathSEO: title "SEO n"; a description; a
// relative canonical, /seo/n for even n and /seo/0 for odd n; meta robots
// "noindex, follow" for odd n; lang "en"; two h1 (the first "Heading  n"
// with an entity and extra white space); og:title, og:type, og:url; two
// hreflang links; and n+2 links with href (plus one without) after 1 KB of
// body text and the second h1. The X-Robots-Tag header is "noarchive" when n is a multiple
// of 3.
func SEOPage(n int) []byte {
	canonical := "/seo/" + strconv.Itoa(n)
	robots := ""
	if n%2 == 1 {
		canonical = "/seo/0"
		robots = `<meta name="robots" content="noindex, follow">`
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SEO %d</title>\n"+
		"<meta name=\"description\" content=\"About page %d &amp; more\">\n<link rel=\"canonical\" href=\"%s\">\n%s\n"+
		"<meta property=\"og:title\" content=\"OG %d\"><meta property=\"og:type\" content=\"article\">"+
		"<meta property=\"og:url\" content=\"http://example.test/seo/%d\">\n"+
		"<link rel=\"alternate\" hreflang=\"en\" href=\"/seo/%d\"><link rel=\"alternate\" hreflang=\"fr\" href=\"/fr/seo/%d\">\n"+
		"</head>\n<body>\n<h1>  Heading &amp;\n %d </h1>\n", n, n, canonical, robots, n, n, n, n, n)
	b.WriteString(strings.Repeat("<p>Some text before the second heading and the links.</p>\n", 20))
	b.WriteString("<h1>Second</h1>\n<a name=\"top\">no href</a>\n")
	for i := range n + 2 {
		fmt.Fprintf(&b, "<a href=\"/page/%d\">link %d</a>\n", i, i)
	}
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}

const seoType = "text/html; charset=utf-8"

// base is the scheme and host the request came to.
func base(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
