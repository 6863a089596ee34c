package extract

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/unicode"
)

func mustSelectors(t testing.TB, specs ...string) []Selector {
	t.Helper()
	var sels []Selector
	for _, s := range specs {
		sel, err := ParseSelector(s)
		if err != nil {
			t.Fatal(err)
		}
		sels = append(sels, sel)
	}
	return sels
}

func TestSelect(t *testing.T) {
	const page = `<!doctype html><html><head><title>T</title></head><body>
<h2>First</h2><div class="price"> 12 &euro; </div>
<h2>Second <em>and  more</em>
</h2>
<a href="/a">A</a><a>no href</a><a href=" /b ">B</a>
<p id="esc">&amp;lt;b&amp;gt; stays escaped once</p>
<img src="x.png" ALT="Alt text">
</body></html>`
	tests := []struct {
		name  string
		specs []string
		body  string
		ctype string
		want  map[string][]string
	}{
		{name: "text in document order, nested text included", specs: []string{"h=h2"}, body: page,
			want: map[string][]string{"h": {"First", "Second and more"}}},
		{name: "attribute, elements without it give nothing", specs: []string{"links=a@href"}, body: page,
			want: map[string][]string{"links": {"/a", "/b"}}},
		{name: "attribute names ignore case", specs: []string{"alt=img@ALT"}, body: page,
			want: map[string][]string{"alt": {"Alt text"}}},
		{name: "entities decoded once", specs: []string{"p=#esc", "price=.price"}, body: page,
			want: map[string][]string{"p": {"&lt;b&gt; stays escaped once"}, "price": {"12 €"}}},
		{name: "no match is an empty list", specs: []string{"none=table td", "h=h2:first-of-type"}, body: page,
			want: map[string][]string{"none": {}, "h": {"First"}}},
		{name: "latin-1 by header", specs: []string{"p=p"}, ctype: "text/html; charset=iso-8859-1",
			body: "<p>caf\xe9</p>", want: map[string][]string{"p": {"café"}}},
		{name: "windows-1252 by meta", specs: []string{"p=p"},
			body: `<meta charset="windows-1252"><p>caf` + "\xe9 \x80</p>", want: map[string][]string{"p": {"café €"}}},
		{name: "undeclared valid UTF-8 is UTF-8", specs: []string{"p=p"},
			body: strings.Repeat("<!-- ascii -->", 100) + "<p>café</p>", want: map[string][]string{"p": {"café"}}},
		{name: "undeclared invalid UTF-8 is windows-1252", specs: []string{"p=p"},
			body: "<p>caf\xe9</p>", want: map[string][]string{"p": {"café"}}},
		{name: "UTF-16 with a byte-order mark", specs: []string{"p=p"},
			body: utf16(t, "<p>ünï</p>"), want: map[string][]string{"p": {"ünï"}}},
		{name: "a long value is cut like a title", specs: []string{"p=p"},
			body: "<p>" + strings.Repeat("x ", 3000) + "</p>", want: map[string][]string{"p": {clean(strings.Repeat("x ", 3000))}}},
		{name: "a long value is cut like a title, other characters", specs: []string{"p=p"},
			body: "<p>" + strings.Repeat("é", 2000) + "</p>", want: map[string][]string{"p": {clean(strings.Repeat("é", 2000))}}},
		{name: "values capped per selector", specs: []string{"li=li"},
			body: "<ul>" + strings.Repeat("<li>i</li>", MaxSelectValues+5) + "</ul>",
			want: map[string][]string{"li": strings.Split(strings.Repeat("i", MaxSelectValues), "")}},
		{name: "empty body", specs: []string{"p=p"}, body: "", want: map[string][]string{"p": {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note, err := Select(context.Background(), []byte(tt.body), tt.ctype, mustSelectors(t, tt.specs...))
			if err != nil || note != "" {
				t.Fatalf("err %v, note %q", err, note)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func utf16(t *testing.T, s string) string {
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseSelector(t *testing.T) {
	tests := []struct {
		name, spec       string
		wantName, wantAt string
		wantErr          bool
	}{
		{name: "text", spec: "title=h1", wantName: "title"},
		{name: "attribute", spec: "img=img.hero@src", wantName: "img", wantAt: "src"},
		{name: "attribute with colon", spec: "l=link@xml:lang", wantName: "l", wantAt: "xml:lang"},
		{name: "at sign inside a selector", spec: `m=a[href^="mailto:x@y"]`, wantName: "m"},
		{name: "equals sign inside a selector", spec: `c=meta[name=description]@content`, wantName: "c", wantAt: "content"},
		{name: "name with digits, dash, underscore", spec: "h_2-x=h2", wantName: "h_2-x"},
		{name: "no name", spec: "=h1", wantErr: true},
		{name: "no equals", spec: "h1", wantErr: true},
		{name: "name with a space", spec: "my name=h1", wantErr: true},
		{name: "bad selector", spec: "x=div[", wantErr: true},
		{name: "empty selector", spec: "x=", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSelector(tt.spec)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (s.Name != tt.wantName || s.Attr != tt.wantAt) {
				t.Errorf("name %q attr %q, want %q %q", s.Name, s.Attr, tt.wantName, tt.wantAt)
			}
		})
	}
}

// benchPage is a page of about size bytes with many elements, as
// real pages have.
func benchPage(size int) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><meta charset=utf-8><title>Bench</title></head><body>")
	for i := 0; b.Len() < size; i++ {
		b.WriteString(`<div class="item"><h2>Item ` + strconv.Itoa(i) + `</h2><p>Some <b>text</b> and <a href="/p/` +
			strconv.Itoa(i) + `">a link</a>.</p></div>`)
	}
	b.WriteString("</body></html>")
	return b.String()
}

func BenchmarkSelect(b *testing.B) {
	for _, size := range []int{2 << 10, 100 << 10} {
		page := benchPage(size)
		sels := mustSelectors(b, "h=h1", "links=a@href")
		b.Run(strconv.Itoa(size>>10)+"KB", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, _, err := Select(context.Background(), []byte(page), "text/html", sels); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(strconv.Itoa(size>>10)+"KB/tokenize-all", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				z := html.NewTokenizer(strings.NewReader(page))
				for z.Next() != html.ErrorToken {
				}
			}
		})
		b.Run(strconv.Itoa(size>>10)+"KB/title-only", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, _, err := TitleOf(strings.NewReader(page), "text/html"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
