package extract

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

func encode(t testing.TB, e encoding.Encoding, s string) string {
	t.Helper()
	b, err := e.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func TestTitleOf(t *testing.T) {
	longTitle := strings.Repeat("A", 4<<20)
	tests := []struct {
		name        string
		body        string
		contentType string
		want        string
		wantFound   bool
	}{
		{name: "plain", body: "<html><head><title>Example Domain</title></head></html>", contentType: "text/html", want: "Example Domain", wantFound: true},
		{name: "upper case tags", body: "<HTML><HEAD><TITLE>Shouting</TITLE></HEAD>", want: "Shouting", wantFound: true},
		{name: "no title", body: "<html><head></head><body>hello</body></html>", contentType: "text/html"},
		{name: "empty body", body: ""},
		{name: "empty title", body: "<title></title>", want: "", wantFound: true},
		{name: "entities", body: "<title>Fish &amp; Chips &lt;3 &eacute;t&#233; &#x263A;</title>", want: "Fish & Chips <3 été ☺", wantFound: true},
		{name: "white space collapses, nbsp stays", body: "<title>\n\t  Hello \r\n\f  world&nbsp; \t</title>", want: "Hello world\u00a0", wantFound: true},
		{name: "markup inside title is text", body: "<title>a <b>bold</b> move</title>", want: "a <b>bold</b> move", wantFound: true},
		{name: "closing tag in odd case", body: "<title>x</TiTlE >rest", want: "x", wantFound: true},
		{name: "unclosed title", body: "<title>runs to the end", want: "runs to the end", wantFound: true},
		{name: "title in comment is not a title", body: "<!-- <title>no</title> --><title>yes</title>", want: "yes", wantFound: true},
		{name: "title in script is not a title", body: "<script>var s = '<title>no</title>';</script><title>yes</title>", want: "yes", wantFound: true},
		{name: "iso-8859-1 from header", body: "<title>Caf" + encode(t, charmap.ISO8859_1, "é") + "</title>", contentType: "text/html; charset=ISO-8859-1", want: "Café", wantFound: true},
		{name: "windows-1252 from meta", body: `<meta charset="windows-1252"><title>` + encode(t, charmap.Windows1252, "“quoted” €5") + "</title>", contentType: "text/html", want: "“quoted” €5", wantFound: true},
		{name: "shift_jis from header", body: "<title>" + encode(t, japanese.ShiftJIS, "日本語のページ") + "</title>", contentType: "text/html; charset=Shift_JIS", want: "日本語のページ", wantFound: true},
		{name: "shift_jis from http-equiv meta", body: `<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><title>` + encode(t, japanese.ShiftJIS, "ソフト表示") + "</title>", want: "ソフト表示", wantFound: true},
		{name: "header beats meta", body: `<meta charset="shift_jis"><title>` + encode(t, charmap.ISO8859_1, "Zoë") + "</title>", contentType: "text/html; charset=latin1", want: "Zoë", wantFound: true},
		{name: "utf-8 undeclared after 2 KB of ascii", body: "<!--" + strings.Repeat("x", 2048) + "--><title>Café</title>", want: "Café", wantFound: true},
		{name: "undeclared non-utf-8 falls back to windows-1252", body: "<title>Caf\xe9</title>", want: "Café", wantFound: true},
		{name: "utf-8 bom", body: "\xef\xbb\xbf<title>Bom ✓</title>", want: "Bom ✓", wantFound: true},
		{name: "utf-16le bom", body: "\xff\xfe" + encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "<title>Wide ✓</title>"), want: "Wide ✓", wantFound: true},
		{name: "utf-16be from header", body: encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "<title>Big end</title>"), contentType: "text/html; charset=utf-16be", want: "Big end", wantFound: true},
		{name: "4 MB title is capped", body: "<title>" + longTitle + "</title>", want: longTitle[:MaxTitleRunes], wantFound: true},
		{name: "issue 9: the end tag split across reads", body: "<html><head><title>Hello world</title></head><body>hi</body></html>", want: "Hello world", wantFound: true},
		{name: "end tag at the 4 KiB read buffer's end", body: "<!--" + strings.Repeat("x", 4093-len("<!----><title>Hello world")) + "--><title>Hello world</title></head>", want: "Hello world", wantFound: true},
		{name: "end tag name longer than title is text", body: "<title>a</titles>b</title>", want: "a</titles>b", wantFound: true},
		{name: "end tag with attributes", body: "<title>a</title foo=bar>b", want: "a", wantFound: true},
		{name: "end tag cut by the end of the body is text", body: "<title>a</title", want: "a</title", wantFound: true},
		{name: "NUL becomes U+FFFD", body: "<title>a\x00b&#0;c</title>", want: "a\uFFFDb\uFFFDc", wantFound: true},
		{name: "invalid utf-8 declared utf-8", body: "<title>a\xff\xfeb</title>", contentType: "text/html; charset=utf-8", want: "a\uFFFD\uFFFDb", wantFound: true},
		{name: "svg title is not the title", body: "<body><svg><title>Icon</title><path d=x/></svg><title>Real</title>", want: "Real", wantFound: true},
		{name: "svg style is not raw text", body: "<svg><style></svg><title>After</title>", want: "After", wantFound: true},
		{name: "html title in svg foreignObject", body: "<svg><foreignObject><title>Inside</title></foreignObject></svg><title>Late</title>", want: "Inside", wantFound: true},
		{name: "breakout tag ends svg", body: "<svg><p><title>Out</title>", want: "Out", wantFound: true},
		{name: "math title is not the title", body: "<math><title>m</title></math><title>t</title>", want: "t", wantFound: true},
		{name: "cdata in svg", body: "<svg><![CDATA[<title>no</title>]]></svg><title>yes</title>", want: "yes", wantFound: true},
		{name: "cdata in html is a bogus comment to the first >", body: "<![CDATA[<title>x</title>]]>"},
		{name: "template contents are not the document", body: "<template><title>t</title></template><title>doc</title>", want: "doc", wantFound: true},
		{name: "svg-free binary", body: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkTitleEveryWay(t, []byte(tt.body), tt.contentType, tt.want, tt.wantFound)
		})
	}
}

// TestTitleOfLargeTokens reads pages with one token of hundreds of
// kilobytes in a few patterns only: the tokenizer copies its pending token
// on every read, so a token of n bytes read k bytes at a time costs n²/2k
// bytes of copying, minutes for a mebibyte read a byte at a time under the
// race detector. The every-way tests hold tokens of tens of kilobytes.
func TestTitleOfLargeTokens(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		want      string
		wantFound bool
	}{
		{name: "title after 300 KB of script", body: "<html><head><script>" + strings.Repeat("var a = 1 < 2;\n", 300<<10/15) + "</script><title>Late</title>", want: "Late", wantFound: true},
		{name: "title after a token over the cap is found", body: "<script>" + strings.Repeat("x", MaxTokenBytes+10) + "</script><title>Found</title>", want: "Found", wantFound: true},
	}
	patterns := []readPattern{
		{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"HalfReader", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
		{"pieces of 1448 (a TCP segment)", func(b []byte) io.Reader { return &pieceReader{b: b, size: func() int { return 1448 }} }},
	}
	for _, tt := range tests {
		for _, p := range patterns {
			got, found, err := TitleOf(p.reader([]byte(tt.body)), "")
			if err != nil || got != tt.want || found != tt.wantFound {
				t.Errorf("%s, %s: TitleOf = %q, %v, %v; want %q, %v", tt.name, p.name, got, found, err, tt.want, tt.wantFound)
			}
		}
	}
}

// TestTitleOfStopsEarly checks that TitleOf does not read the body past the
// title (beyond its read-ahead buffers).
func TestTitleOfStopsEarly(t *testing.T) {
	body := "<title>early</title>" + strings.Repeat("z", 1<<20)
	r := strings.NewReader(body)
	if _, _, err := TitleOf(r, ""); err != nil {
		t.Fatal(err)
	}
	if read := len(body) - r.Len(); read > 64<<10 {
		t.Errorf("read %d bytes of a %d-byte body after an early title", read, len(body))
	}
}

func TestParses(t *testing.T) {
	tests := []struct {
		ct   string
		want bool
	}{
		{"", true},
		{"text/html; charset=utf-8", true},
		{"application/xhtml+xml", true},
		{"application/json", false},
		{"image/png", false},
		{"application/octet-stream", false},
	}
	for _, tt := range tests {
		if got := Parses(tt.ct); got != tt.want {
			t.Errorf("Parses(%q) = %v, want %v", tt.ct, got, tt.want)
		}
	}
}

func FuzzTitleOf(f *testing.F) {
	f.Add([]byte("<title>hi</title>"), "text/html")
	f.Add([]byte("<meta charset=shift_jis><title>\x93\xfa</title>"), "")
	f.Add([]byte("\xff\xfe<\x00t\x00"), "text/html; charset=utf-16le")
	f.Add([]byte("<title>a &amp b</TITLE"), "text/html; charset=latin1")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		title, found, err := TitleOf(bytes.NewReader(body), ct)
		if err != nil {
			t.Fatalf("error from an in-memory reader: %v", err)
		}
		if !found && title != "" {
			t.Fatalf("title %q without found", title)
		}
		if !utf8.ValidString(title) {
			t.Fatalf("title is not UTF-8: %q", title)
		}
		if n := utf8.RuneCountInString(title); n > MaxTitleRunes {
			t.Fatalf("title has %d runes", n)
		}
		if strings.TrimLeft(title, " \t\n\r\f") != title || strings.TrimRight(title, " \t\n\r\f") != title {
			t.Fatalf("title not trimmed: %q", title)
		}
	})
}

func BenchmarkTitleOf(b *testing.B) {
	page := "<!doctype html><html><head><meta charset=utf-8><title>A page of the bench site</title></head><body>" +
		strings.Repeat("<p>Lorem ipsum dolor sit amet.</p>", 3000) + "</body></html>"
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		r := strings.NewReader(page)
		if _, found, _ := TitleOf(r, "text/html; charset=utf-8"); !found {
			b.Fatal("no title")
		}
		b.ReportMetric(float64(len(page)-r.Len()), "bytes-read/op")
	}
}
