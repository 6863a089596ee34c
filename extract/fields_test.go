package extract

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"

	"github.com/fanout-dev/fanout/record"
)

const allFields = FieldTitle | FieldDescription | FieldCanonical | FieldRobots | FieldLang | FieldH1 |
	FieldH1Count | FieldOG | FieldHreflang | FieldLinks

const seoPage = `<!DOCTYPE html>
<html lang="en-GB" class="x"><head>
<meta charset="utf-8">
<title>  The   Title &amp; more </title>
<base href="/base/">
<meta name="Description" content=" A  page &amp; its
 description ">
<meta name="description" content="second, ignored">
<link rel="stylesheet canonical" href=" /canonical?a=1&amp;b=2 ">
<link rel="canonical" href="/ignored">
<meta name="robots" content="noindex">
<meta name="ROBOTS" content="nofollow">
<meta property="og:title" content="OG title"><meta property="og:image" content="/i.png">
<meta name="og:type" content="article"><meta property="og:locale" content="en_GB">
<meta property="og:url" content="http://x/">
<link rel="alternate" hreflang="FR" href="/fr/"><link rel="alternate" hreflang="de" href="/de/">
<link rel="alternate" hreflang="fr" href="/fr-ignored/"><link rel="alternate" href="/no-lang/">
</head>
<body>
<a href="/1">one</a> <a name="x">no href</a> <A HREF="">empty</A>
<h1>First <em>heading</em> &eacute;
 here</h1>
<h1>Second</h1>
<a href="/2">two</a>
</body></html>`

func TestScan(t *testing.T) {
	want := Page{
		Title: "The Title & more", HasTitle: true, Base: "/base/", Page: record.Page{Description: "A page & its description",
			Canonical: "/canonical?a=1&b=2", Robots: "noindex, nofollow", Lang: "en-GB",
			H1: "First heading é here", H1Count: 2, Links: 3,
			OG:       map[string]string{"title": "OG title", "image": "/i.png", "type": "article", "url": "http://x/"},
			Hreflang: map[string]string{"fr": "/fr/", "de": "/de/"},
		},
	}
	got, err := Scan(strings.NewReader(seoPage), "text/html", allFields)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// errPastHere is what a body gives after the part a scan should need.
var errPastHere = errors.New("read past what was needed")

func TestScanStopsEarly(t *testing.T) {
	head, body, _ := strings.Cut(seoPage, "<body>")
	h1Part, rest, _ := strings.Cut(body, "</h1>")
	tests := []struct {
		name   string
		want   Fields
		stream string // what may be read; reading more fails
		check  func(Page) bool
	}{
		{name: "head fields stop at the body", want: FieldTitle | FieldDescription | FieldCanonical | FieldOG | FieldHreflang | FieldLang | FieldRobots,
			stream: head + "<body>", check: func(p Page) bool { return p.Title != "" && p.Robots == "noindex, nofollow" && len(p.Hreflang) == 2 }},
		{name: "head fields stop at </head>", want: FieldDescription, stream: head,
			check: func(p Page) bool { return p.Description != "" }},
		{name: "the title alone stops at it", want: FieldTitle, stream: seoPage[:strings.Index(seoPage, "</title>")+8],
			check: func(p Page) bool { return p.Title == "The Title & more" }},
		{name: "h1 stops at the first </h1>", want: FieldH1 | FieldDescription, stream: head + "<body>" + h1Part + "</h1>",
			check: func(p Page) bool { return p.H1 == "First heading é here" && p.Description != "" }},
		{name: "counts read to the end", want: FieldLinks, stream: head + "<body>" + h1Part + "</h1>" + rest,
			check: func(p Page) bool { return p.Links == 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := io.MultiReader(strings.NewReader(tt.stream), iotest.ErrReader(errPastHere))
			if strings.HasSuffix(tt.name, "to the end") {
				r = strings.NewReader(tt.stream)
			}
			p, err := Scan(r, "text/html", tt.want)
			if err != nil || !tt.check(p) {
				t.Errorf("err %v, page %+v", err, p)
			}
		})
	}
}

func TestScanCases(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		want              Fields
		check             func(Page) bool
	}{
		{name: "a title in the body is still found", want: FieldTitle | FieldDescription, body: "<p>x</p><title>Late</title>",
			check: func(p Page) bool { return p.Title == "Late" && p.HasTitle }},
		{name: "an empty title is a title", want: FieldTitle, body: "<title></title><p>x",
			check: func(p Page) bool { return p.Title == "" && p.HasTitle }},
		{name: "no title", want: FieldTitle, body: "<p>x",
			check: func(p Page) bool { return !p.HasTitle }},
		{name: "meta charset before the description", want: FieldDescription | FieldTitle,
			body:  `<meta charset="windows-1252"><meta name="description" content="caf` + "\xe9" + `"><title>` + "\x80</title>",
			check: func(p Page) bool { return p.Description == "café" && p.Title == "€" }},
		{name: "header charset", ctype: "text/html; charset=iso-8859-1", want: FieldH1,
			body: "<h1>na\xefve</h1>", check: func(p Page) bool { return p.H1 == "naïve" }},
		{name: "undeclared: valid UTF-8, else windows-1252", want: FieldDescription | FieldH1,
			body:  `<meta name=description content="üb"><h1>caf` + "\xe9</h1>",
			check: func(p Page) bool { return p.Description == "üb" && p.H1 == "café" }},
		{name: "UTF-16 with a byte-order mark", want: FieldLang | FieldTitle,
			body: utf16(t, `<html lang="ja"><title>日本</title>`), check: func(p Page) bool { return p.Lang == "ja" && p.Title == "日本" }},
		{name: "nested h1 elements end the first at its own close", want: FieldH1 | FieldH1Count,
			body: "<h1>a<h1>b</h1>c</h1><h1>d</h1>", check: func(p Page) bool { return p.H1Count == 3 && p.H1 != "" }},
		{name: "an h1 never closed", want: FieldH1, body: "<h1>  open  ", check: func(p Page) bool { return p.H1 == "open" }},
		{name: "links in scripts and comments are not links", want: FieldLinks,
			body:  `<script>"<a href=x>"</script><!-- <a href=y> --><textarea><a href=z></textarea><a href=w>`,
			check: func(p Page) bool { return p.Links == 1 }},
		{name: "nothing asked reads nothing", want: 0, body: "<title>x</title>",
			check: func(p Page) bool { return !p.HasTitle }},
		{name: "a huge token is skipped, the pass goes on", want: FieldLinks,
			body:  "<a href=1><script>" + strings.Repeat("x", MaxTokenBytes+10) + "</script><a href=2>",
			check: func(p Page) bool { return p.Links == 2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Scan(strings.NewReader(tt.body), tt.ctype, tt.want)
			if err != nil || !tt.check(p) {
				t.Errorf("err %v, page %+v", err, p)
			}
		})
	}
}

// TestScanReadPatterns reads the SEO page (in UTF-8 and in Latin-1) and
// every page of the titles corpus in every read pattern the title tests
// use: the page found is the same each way, and its title is the corpus's.
func TestScanReadPatterns(t *testing.T) {
	latin := strings.ReplaceAll(seoPage, `<meta charset="utf-8">`, `<meta charset="iso-8859-1">`)
	latin, _ = charmap.ISO8859_1.NewEncoder().String(latin)
	pages := []corpusPage{{File: "seo", body: []byte(seoPage)}, {File: "seo-latin1", body: []byte(latin)}}
	pages = append(pages, loadCorpus(t)...)
	for _, page := range pages {
		t.Run(page.File, func(t *testing.T) {
			want, err := Scan(strings.NewReader(string(page.body)), page.ContentType, allFields)
			if err != nil {
				t.Fatal(err)
			}
			if page.Title != nil && want.Title != *page.Title || page.Title == nil && page.File != "seo" && page.File != "seo-latin1" && want.HasTitle {
				t.Errorf("title %q, %v; expected.json says %v", want.Title, want.HasTitle, page.Title)
			}
			for _, p := range readPatterns(t) {
				got, err := Scan(p.reader(page.body), page.ContentType, allFields)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %+v, %v\nwant %+v", p.name, got, err, want)
				}
			}
		})
	}
}

func TestScanReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader("<a href=1>"), iotest.ErrReader(io.ErrUnexpectedEOF))
	if _, err := Scan(r, "", FieldLinks); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want the read error", err)
	}
}

// FuzzScanTitle holds Scan's title to TitleOf's (fast path and tokenizer)
// for any body, read whole or a byte at a time.
func FuzzScanTitle(f *testing.F) {
	f.Add([]byte(seoPage), "")
	f.Add([]byte("<title>a</title>"), "text/html; charset=windows-1252")
	f.Add([]byte("<meta charset=latin1><title>\xe9</title>"), "")
	f.Add([]byte("<title>x<title>y</title>"), "")
	f.Add([]byte("<svg><title>icon</title></svg><title>page</title>"), "")
	f.Add([]byte("<template><title>t</title></template><title>u</title>"), "")
	f.Add([]byte("<title/><B>x</B></title >"), "")
	f.Add([]byte("<math><mi><title>m</title></mi></math>"), "")
	f.Add([]byte("<svg><![CDATA[<title>c</title>]]></svg><title>d"), "")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		title, found, err1 := TitleOf(strings.NewReader(string(body)), ctype)
		p, err2 := Scan(iotest.OneByteReader(strings.NewReader(string(body))), ctype, FieldTitle|FieldLinks)
		if err1 != nil || err2 != nil {
			return
		}
		if p.Title != title || p.HasTitle != found {
			t.Fatalf("Scan: %q %v; TitleOf: %q %v", p.Title, p.HasTitle, title, found)
		}
	})
}

func BenchmarkScan(b *testing.B) {
	page := benchPage(100 << 10)
	for _, bc := range []struct {
		name string
		want Fields
	}{
		{"head", FieldTitle | FieldDescription | FieldCanonical | FieldRobots | FieldLang | FieldOG | FieldHreflang},
		{"h1", FieldTitle | FieldH1},
		{"all", allFields},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := Scan(strings.NewReader(page), "text/html", bc.want); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzHasRawAttr holds hasRawAttr to the tokenizer's own attributes.
func FuzzHasRawAttr(f *testing.F) {
	for _, s := range []string{`<a href=x>`, `<a HREF>`, `<a / = href>`, `<a /href>`, `<a =href>`, `<a title="href" x='>' href>`,
		`<a x=y/href>`, `<a hrefx=1 xhref>`, "<a\thref\n=\f'1'>", `<a href`, `<a x="unterminated href>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		z := html.NewTokenizer(strings.NewReader(body))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			raw := string(z.Raw())
			got := hasRawAttr([]byte(raw), "href")
			want := false
			for more := true; more; {
				var k []byte
				k, _, more = z.TagAttr()
				want = want || string(k) == "href"
			}
			if got != want {
				t.Fatalf("hasRawAttr(%q) = %v, the tokenizer says %v", raw, got, want)
			}
		}
	})
}
