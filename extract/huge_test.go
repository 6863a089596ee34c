package extract

import (
	"strings"
	"testing"
	"testing/iotest"
)

// TestHugeTokensSkipped checks that every kind of token over MaxTokenBytes
// is skipped and the fields after it are read (an inline __NEXT_DATA__
// script of a few mebibytes used to end the pass: no h1, 0 links).
func TestHugeTokensSkipped(t *testing.T) {
	big := strings.Repeat("x", MaxTokenBytes+100)
	after := `<h1>Heading</h1><a href=/1>1</a><a href=/2>2</a>`
	tests := []struct {
		name, before string
		links        int
	}{
		{name: "script", before: `<script id="__NEXT_DATA__" type="application/json">{"a":"` + big + `"}</script>`},
		{name: "script with markup inside", before: "<script>var s = '<a href=x>' + '" + big + "<h1>no</h1>';</SCRIPT >"},
		{name: "end tag on the cap's edge", before: "<script>" + strings.Repeat("y", MaxTokenBytes-3) + "</script>"},
		{name: "style", before: "<style>" + big + "</style>"},
		{name: "textarea", before: "<textarea>" + big + "<a href=no></textarea>"},
		{name: "comment", before: "<!--" + big + "<a href=no>-->"},
		{name: "text", before: "<p>" + big + "</p>"},
		{name: "attribute", before: `<meta name="x" content="` + big + `>">`},
		{name: "two of them", before: "<script>" + big + "</script><a href=/0>0</a><style>" + big + "</style>", links: 1},
		{name: "in the head, before a meta", before: "<head><script>" + big + `</script><meta name=description content="D"></head>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "<html>" + tt.before + "<title>T</title>" + after
			for _, r := range []struct {
				name string
				r    func() *strings.Reader
			}{{"whole", func() *strings.Reader { return strings.NewReader(body) }}} {
				p, err := Scan(iotest.HalfReader(r.r()), "text/html", FieldTitle|FieldH1|FieldH1Count|FieldLinks|FieldDescription)
				if err != nil || p.Title != "T" || p.H1 != "Heading" || p.H1Count != 1 || p.Links != 2+tt.links {
					t.Errorf("err %v, title %q, h1 %q, h1_count %d, links %d; want T, Heading, 1, %d", err, p.Title, p.H1, p.H1Count, p.Links, 2+tt.links)
				}
				if strings.Contains(tt.before, "content=\"D\"") && p.Description != "D" {
					t.Errorf("description %q, want D", p.Description)
				}
				title, found, err := TitleOf(strings.NewReader(body), "text/html")
				if err != nil || !found || title != "T" {
					t.Errorf("TitleOf: %q %v %v, want T", title, found, err)
				}
			}
		})
	}
}
