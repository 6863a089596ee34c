package sitemap

import (
	"bytes"
	"context"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

// openFile opens fixtures by file name, as cmd opens a local sitemap.
func openFile(_ context.Context, loc string, read func(io.Reader) error) error {
	f, err := os.Open(loc)
	if err != nil {
		return err
	}
	defer f.Close()
	return read(f)
}

// TestFixtures reads other parsers' fixtures: text sitemaps, RSS 2.0 and
// Atom 1.0 feeds, extensions.
func TestFixtures(t *testing.T) {
	tests := []struct {
		file  string
		want  []string // locs, then "|lastmod" when one is given
		warns []string
	}{
		{file: "crawler-commons/sitemap.txt", want: []string{"http://www.domain.com/page1.html", "http://www.domain.com/page2.html"}},
		{file: "crawler-commons/sitemap-with-bom.txt", want: []string{"http://www.domain.com/page1.html", "http://www.domain.com/page2.html"}},
		{file: "crawler-commons/sitemap.txt.gz", want: []string{"http://www.example.com/", "http://www.example.com/catalog?item=12&desc=vacation_hawaii",
			"http://www.example.com/catalog?item=73&desc=vacation_new_zealand", "http://www.example.com/catalog?item=74&desc=vacation_newfoundland",
			"http://www.example.com/catalog?item=83&desc=vacation_usa"}},
		{file: "aafeher/sitemap.txt", want: []string{"http://www.example.com/text-url-1", "https://www.example.com/text-url-2"},
			warns: []string{"1 line not an http(s) URL skipped"}},
		{file: "crawler-commons/feed.rss", want: []string{"https://www.example.com/blog/post/1|2009-09-06T16:20:00Z",
			"https://www.example.com/foo?q=a&l=en", "https://www.example.com/foo?q=a&l=fr"},
			warns: []string{"1 entry without a <loc> skipped"}}, // the item with only a guid
		{file: "crawler-commons/xmlRss_pubDate.xml", want: []string{
			"http://www.example.com/article_1|2017-01-05T13:34:51+01:00", "http://www.example.com/article_2|Thu, 05 Jan 17 13:34:52 +0100",
			"http://www.example.com/article_3|05 Jan 2017 13:34:53 +0100", "http://www.example.com/article_4|05 Jan 17 13:34:54 +0100",
			"http://www.example.com/article_5|05 Jan 17 13:34:55", "http://www.example.com/article_6",
			"http://www.example.com/article_7"}},
		{file: "aafeher/rss.xml", want: []string{"http://www.example.com/rss-item-1", "http://www.example.com/rss-item-2"}},
		{file: "crawler-commons/atom.xml", want: []string{"http://example.org/2003/12/13/atom03|2003-12-13T18:30:02Z"}},
		{file: "aafeher/atom.xml", want: []string{"http://www.example.com/atom-entry-1", "http://www.example.com/atom-entry-2"}},
		{file: "aafeher/atom-no-alt.xml", warns: []string{"1 entry without a <loc> skipped"}},
		{file: "crawler-commons/sitemap-news.xml", want: []string{"http://www.example.org/business/article55.html", "http://www.example.org/empty_news_name.html"}},
		{file: "crawler-commons/sitemap-images.xml", want: []string{"http://www.example.com/images/some_image_landing_page.html"}},
		{file: "crawler-commons/url-loc-url.xml", want: []string{"http://jobs.optistaffing.com/EXPERIENCED-DISPATCHER-NEEDED-NOW----Jobs-in-Vancouver-WA/2333221|2015-04-28"}},
		{file: "crawler-commons/partial-index.xml", warns: []string{"XML syntax error on line 1: unexpected EOF"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, warns, err := walkAll(t, "testdata/conformance/"+tt.file, openFile, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var locs []string
			for _, e := range got {
				if e.LastMod != "" {
					e.Loc += "|" + e.LastMod
				}
				locs = append(locs, e.Loc)
			}
			if !reflect.DeepEqual(locs, tt.want) {
				t.Errorf("got  %q\nwant %q", locs, tt.want)
			}
			var msgs []string
			for _, w := range warns {
				msgs = append(msgs, w.err)
			}
			if !reflect.DeepEqual(msgs, tt.warns) {
				t.Errorf("warnings %q, want %q", msgs, tt.warns)
			}
		})
	}
}

// TestEntryFlaws checks what is skipped, and said, in one file: entries
// without a <loc>, several <loc> in one entry, a <loc> or a text line over
// 8 KiB (skipped, never cut into another URL).
func TestEntryFlaws(t *testing.T) {
	long := "http://h/" + strings.Repeat("x", maxLoc)
	justFits := "http://h/" + strings.Repeat("y", maxLoc-len("http://h/"))
	tests := []struct {
		name, body string
		want       []string
		warns      []string
	}{
		{name: "index entry without loc", body: `<sitemapindex><sitemap><lastmod>2024-01-01</lastmod></sitemap></sitemapindex>`,
			warns: []string{"1 entry without a <loc> skipped"}},
		{name: "several locs in one sitemap", body: `<sitemapindex><sitemap><loc>a.xml</loc><loc>b.xml</loc></sitemap></sitemapindex>`,
			want: []string{"open a.xml"}, warns: []string{"1 entry with several <loc>: only the first was read"}},
		{name: "several locs in one url", body: `<urlset><url><loc>http://h/a</loc><loc>http://h/b</loc></url><url><loc>http://h/c</loc></url></urlset>`,
			want: []string{"http://h/a", "http://h/c"}, warns: []string{"1 entry with several <loc>: only the first was read"}},
		{name: "a loc over 8 KiB", body: `<urlset><url><loc>` + long + `</loc></url><url><loc>` + justFits + `</loc></url><url><loc>http://h/c</loc></url></urlset>`,
			want: []string{justFits, "http://h/c"}, warns: []string{"1 <loc> or line longer than 8192 bytes skipped"}},
		{name: "two locs over 8 KiB in pieces", body: `<urlset><url><loc>` + long[:5000] + `<![CDATA[` + long[5000:] + `]]></loc></url><url><loc>` + long + `</loc></url></urlset>`,
			warns: []string{"2 <loc>s or lines longer than 8192 bytes skipped"}},
		{name: "an index's sitemap over 8 KiB", body: `<sitemapindex><sitemap><loc>` + long + `</loc></sitemap></sitemapindex>`,
			warns: []string{"1 <loc> or line longer than 8192 bytes skipped"}},
		{name: "an atom link over 8 KiB", body: `<feed><entry><link href="` + long + `"/></entry></feed>`,
			warns: []string{"1 <loc> or line longer than 8192 bytes skipped"}},
		{name: "a text line over 8 KiB", body: long + "\r\n" + justFits + "\nhttp://h/c",
			want: []string{justFits, "http://h/c"}, warns: []string{"1 <loc> or line longer than 8192 bytes skipped"}},
		{name: "a text file of prose", body: "Not found\nSorry\n", warns: []string{"not a sitemap: neither XML nor lines of http(s) URLs"}},
		{name: "a text line not UTF-8", body: "http://h/\xff\nhttp://h/a\n", want: []string{"http://h/a"}, warns: []string{"1 line not an http(s) URL skipped"}},
		{name: "nested too deep", body: "<urlset><url><loc>http://h/a</loc></url>" + strings.Repeat("<a>", 9) + strings.Repeat("</a>", 9) + "</urlset>",
			want: []string{"http://h/a"}, warns: []string{"not a sitemap: elements nested more than 8 deep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open := func(_ context.Context, loc string, read func(io.Reader) error) error {
				if loc != "s" {
					return &LimitError{What: "open " + loc} // a child: named in a warning
				}
				return read(strings.NewReader(tt.body))
			}
			got, warns, err := walkAll(t, "s", open, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, w := range warns {
				if strings.HasPrefix(w.err, "cut at open ") {
					got = append(got, Entry{Loc: strings.TrimPrefix(w.err, "cut at ")})
					continue
				}
				msgs = append(msgs, w.err)
			}
			if !reflect.DeepEqual(locs(got), tt.want) {
				t.Errorf("got  %.80q\nwant %.80q", locs(got), tt.want)
			}
			if !reflect.DeepEqual(msgs, tt.warns) {
				t.Errorf("warnings %q, want %q", msgs, tt.warns)
			}
		})
	}
}

// FuzzDecode checks decode on any bytes: it never panics, and every entry
// it gives without a flaw has a loc no longer than maxLoc.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		urlsetOf("http://h/a|2024-01-01"), indexOf("http://h/s.xml"), "http://h/a\nhttp://h/b\n",
		`<rss><channel><item><link>http://h/a</link></item></channel></rss>`,
		`<feed><entry><link href="http://h/a"/></entry></feed>`, gz(urlsetOf("http://h/a")),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n := 0
		decode(bytes.NewReader(body), 100, 1<<20, func(k kind, e Entry, fl flaw) error {
			if fl == noFlaw || fl == manyLocs {
				n++
				if e.Loc == "" || len(e.Loc) > maxLoc {
					t.Fatalf("entry %d of kind %d: loc of %d bytes given", n, k, len(e.Loc))
				}
			}
			if n > 100 {
				t.Fatalf("%d entries given, over the cap of 100", n)
			}
			return nil
		})
	})
}
