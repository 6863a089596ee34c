package extract

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestTokensReset checks that a recycled tokenizer reads every page as a
// new one does, whatever page it read before, wherever that page ended or
// the reading stopped, and whatever state the reader left it in (CDATA
// allowed, raw text turned off, a buffer grown past its first size).
func TestTokensReset(t *testing.T) {
	pages := []struct{ name, html string }{
		{"whole page", `<!doctype html><html><head><meta charset="utf-8"><title>A &amp; B</title></head>` +
			`<body><p class=x id=y CLASS=z>text</p><br/></body></html>`},
		{"ends in a script", "<p>x</p><script>var s = '<title>no</title>'"},
		{"ends in a title", "<title>cut short"},
		{"ends in a comment", "<!-- a comment that never ends"},
		{"ends in attributes", `<a href='x' title="y" data-z`},
		{"cdata", "<svg><![CDATA[<b>x</b>]]></svg><p>&lt;</p>"},
		{"raw text", "<textarea><p></textarea><style>p{}</style><plaintext><b>"},
		{"long text", strings.Repeat("x", 3*4096) + "<title>after a long text</title>"},
		{"empty", ""},
	}
	for _, before := range pages {
		for _, stop := range []int{0, 1, 2, -1} { // tokens read of before; -1: all of them
			for _, page := range pages {
				name := fmt.Sprintf("%s after %d tokens of %s", page.name, stop, before.name)
				tk := newTokens()
				tk.reset(strings.NewReader(before.html))
				tk.z.AllowCDATA(true)
				for i := 0; stop < 0 || i < stop; i++ {
					if tk.z.Next() == html.ErrorToken {
						break
					}
					tk.z.NextIsNotRawText()
				}
				tk.reset(strings.NewReader(page.html))
				fresh := html.NewTokenizer(strings.NewReader(page.html))
				fresh.SetMaxBuf(MaxTokenBytes)
				if got, want := tokenTrace(tk.z), tokenTrace(fresh); got != want {
					t.Errorf("%s:\n got %.300q\nwant %.300q", name, got, want)
				}
			}
		}
	}
}

// tokenTrace is every token z gives, as a string, up to its error.
func tokenTrace(z *html.Tokenizer) string {
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			fmt.Fprintf(&b, "error %v", z.Err())
			return b.String()
		}
		tok := z.Token()
		fmt.Fprintf(&b, "%v %q %v %q|", tt, tok.Data, tok.Attr, z.Buffered())
	}
}
