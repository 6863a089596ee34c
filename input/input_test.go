package input

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
)

const errSpace = "white space inside the line: one URL per line, with spaces written as %20"

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		skip     bool
		wantURL  string
		wantBare bool
		wantErr  string
	}{
		{name: "http url", line: "http://example.com/a?b=c", wantURL: "http://example.com/a?b=c"},
		{name: "https url trimmed", line: " \t https://example.com/  \r", wantURL: "https://example.com/"},
		{name: "scheme case folded", line: "HTTPS://Example.com/", wantURL: "https://Example.com/"},
		{name: "fragment dropped", line: "http://example.com/p#frag", wantURL: "http://example.com/p"},
		{name: "port", line: "http://127.0.0.1:8080/x", wantURL: "http://127.0.0.1:8080/x"},
		{name: "ipv6", line: "http://[::1]:8080/", wantURL: "http://[::1]:8080/"},
		{name: "blank", line: "   ", skip: true},
		{name: "empty", line: "", skip: true},
		{name: "comment", line: "# a comment", skip: true},
		{name: "indented comment", line: "   # indented", skip: true},
		{name: "bare host", line: "example.com", wantURL: "https://example.com", wantBare: true},
		{name: "bare host with path", line: "example.com/path?q=1", wantURL: "https://example.com/path?q=1", wantBare: true},
		{name: "bare host with port", line: "localhost:8080/x", wantURL: "https://localhost:8080/x", wantBare: true},
		{name: "bare ip with port", line: "127.0.0.1:9", wantURL: "https://127.0.0.1:9", wantBare: true},
		{name: "ftp", line: "ftp://example.com/file", wantErr: `unsupported scheme "ftp": only http and https are fetched`},
		{name: "file", line: "file:///etc/passwd", wantErr: `unsupported scheme "file": only http and https are fetched`},
		{name: "mailto", line: "mailto:someone@example.com", wantErr: `unsupported scheme "mailto": only http and https are fetched`},
		{name: "javascript", line: "javascript:alert(1)", wantErr: `unsupported scheme "javascript": only http and https are fetched`},
		{name: "no host", line: "http:///path", wantErr: "missing host"},
		{name: "opaque http", line: "http:example.com", wantErr: "missing host"},
		{name: "bad port", line: "http://example.com:99999/", wantErr: `invalid port "99999"`},
		{name: "non-numeric port", line: "http://example.com:abc/", wantErr: `invalid port ":abc" after host`},
		{name: "space in host", line: "http://exa mple.com/", wantErr: errSpace},
		{name: "two urls on a line", line: "http://a.test/ http://b.test/", wantErr: errSpace},
		{name: "prose", line: "time/date format with -l", wantErr: errSpace},
		{name: "csv row with a space", line: "https://example.com/,Example Domain", wantErr: errSpace + "; " + csvHint},
		{name: "tsv row", line: "example.com\t200", wantErr: errSpace + "; the line looks like a TSV row: keep only its first column (cut -f1)"},
		{name: "csv row", line: "url,title", wantErr: `invalid host name "url,title": ',' is not allowed in a host name; ` + csvHint},
		{name: "csv row after a host", line: "example.com,200", wantErr: `invalid host name "example.com,200": ',' is not allowed in a host name; ` + csvHint},
		{name: "comma in a path", line: "https://en.wikipedia.org/wiki/Washington,_D.C.", wantURL: "https://en.wikipedia.org/wiki/Washington,_D.C."},
		{name: "quoted url", line: `"http://127.0.0.1:8080/"`, wantErr: "the line is in quotes: write the URL without them"},
		{name: "quoted csv row", line: `"http://127.0.0.1:8080/","Home"`, wantErr: "the line is in quotes: write the URL without them; " + csvHint},
		{name: "single quoted", line: `'example.com'`, wantErr: "the line is in quotes: write the URL without them"},
		{name: "bare word", line: "time", wantErr: `"time" is not a host name: a line without http:// or https:// needs a name that ends in a known top-level domain (example.com), an IP address or localhost; write http:// before it to fetch it anyway`},
		{name: "abbreviation", line: "e.g.", wantErr: `"e.g." is not a host name: a line without http:// or https:// needs a name that ends in a known top-level domain (example.com), an IP address or localhost; write http:// before it to fetch it anyway`},
		{name: "one-letter top label", line: "R.O", wantErr: `"R.O" is not a host name: a line without http:// or https:// needs a name that ends in a known top-level domain (example.com), an IP address or localhost; write http:// before it to fetch it anyway`},
		{name: "one-letter top label with scheme", line: "http://a.b/", wantURL: "http://a.b/"},
		{name: "code", line: "io.Writer", wantErr: `"io.Writer" is not a host name: a line without http:// or https:// needs a name that ends in a known top-level domain (example.com), an IP address or localhost; write http:// before it to fetch it anyway`},
		{name: "file name", line: "main.go", wantErr: `"main.go" is not a host name: a line without http:// or https:// needs a name that ends in a known top-level domain (example.com), an IP address or localhost; write http:// before it to fetch it anyway`},
		{name: "unknown top label with scheme", line: "http://main.go/", wantURL: "http://main.go/"},
		{name: "upper-case top label", line: "WWW.EXAMPLE.COM/a", wantURL: "https://WWW.EXAMPLE.COM/a", wantBare: true},
		{name: "special-use top label", line: "printer.lan:631", wantURL: "https://printer.lan:631", wantBare: true},
		{name: "private suffix", line: "someone.github.io", wantURL: "https://someone.github.io", wantBare: true},
		{name: "idn top label", line: "example.xn--p1ai", wantURL: "https://example.xn--p1ai", wantBare: true},
		{name: "unicode top label", line: "пример.рф", wantURL: "https://%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.%D1%80%D1%84", wantBare: true},
		{name: "bare localhost", line: "localhost", wantURL: "https://localhost", wantBare: true},
		{name: "bare localhost upper case", line: "LOCALHOST:80", wantURL: "https://LOCALHOST:80", wantBare: true},
		{name: "bare ipv6", line: "[::1]:8080/x", wantURL: "https://[::1]:8080/x", wantBare: true},
		{name: "single label with scheme", line: "http://intranet/", wantURL: "http://intranet/"},
		{name: "underscore with scheme", line: "http://my_site.example/", wantURL: "http://my_site.example/"},
		{name: "underscore bare", line: "my_site.example", wantErr: `invalid host name "my_site.example": '_' is not allowed in a host name`},
		{name: "leading hyphen", line: "-a.example", wantErr: `invalid host name "-a.example": a label starts or ends with '-'`},
		{name: "empty label", line: "a..example", wantErr: `invalid host name "a..example": empty label`},
		{name: "long label", line: strings.Repeat("a", 64) + ".example", wantErr: fmt.Sprintf(`invalid host name "%s.example": a label is longer than 63 bytes`, strings.Repeat("a", 64))},
		{name: "hyphens in third and fourth places", line: "r3---sn-a5m7zu7s.googlevideo.com", wantURL: "https://r3---sn-a5m7zu7s.googlevideo.com", wantBare: true},
		{name: "trailing dot", line: "example.com./a", wantURL: "https://example.com./a", wantBare: true},
		{name: "idn", line: "bücher.example", wantURL: "https://b%C3%BCcher.example", wantBare: true},
		{name: "punycode", line: "xn--bcher-kva.example", wantURL: "https://xn--bcher-kva.example", wantBare: true},
		{name: "bad punycode", line: "xn--zz.example", wantErr: `invalid host name "xn--zz.example"`},
		{name: "disallowed code point", line: "http://a\ufffdb.example/", wantErr: "invalid host name \"a\ufffdb.example\""},
		{name: "decimal ipv4", line: "2130706433", wantErr: `"2130706433" is an IPv4 address in an ambiguous form: write it as 127.0.0.1`},
		{name: "hex ipv4", line: "http://0x7f.1/", wantErr: `"0x7f.1" is an IPv4 address in an ambiguous form: write it as 127.0.0.1`},
		{name: "octal ipv4", line: "http://0177.0.0.01:8080/", wantErr: `"0177.0.0.01" is an IPv4 address in an ambiguous form: write it as 127.0.0.1`},
		{name: "ipv4 trailing dot", line: "127.0.0.1.", wantErr: `"127.0.0.1." is an IPv4 address in an ambiguous form: write it as 127.0.0.1`},
		{name: "three part ipv4", line: "10.1.2", wantErr: `"10.1.2" is an IPv4 address in an ambiguous form: write it as 10.1.0.2`},
		{name: "ipv4 out of range", line: "http://256.1.1.1/", wantErr: `host "256.1.1.1" ends in a number but is not an IPv4 address`},
		{name: "five parts", line: "1.2.3.4.5", wantErr: `host "1.2.3.4.5" ends in a number but is not an IPv4 address`},
		{name: "numeric top label", line: "example.123", wantErr: `host "example.123" ends in a number but is not an IPv4 address`},
		{name: "empty port", line: "http://h.example:/", wantErr: "empty port after the host's ':'"},
		{name: "empty port bare", line: "localhost:/a", wantErr: `unsupported scheme "localhost": only http and https are fetched`},
		{name: "control character", line: "http://example.com/\x7f", wantErr: "net/url: invalid control character in URL"},
		{name: "invalid utf-8", line: "http://example.com/\xff", wantErr: "line is not valid UTF-8"},
		{name: "too long", line: "http://example.com/" + strings.Repeat("a", MaxLineBytes), wantErr: fmt.Sprintf("line is longer than %d bytes", MaxLineBytes)},
		{name: "just a colon", line: ":", wantErr: "missing host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse([]byte(tt.line))
			if ok == tt.skip {
				t.Fatalf("Parse ok = %v, want %v", ok, !tt.skip)
			}
			if tt.skip {
				return
			}
			if tt.wantErr != "" {
				if got.Err == nil || got.Err.Error() != tt.wantErr {
					t.Fatalf("Parse error = %v, want %q", got.Err, tt.wantErr)
				}
				if got.URL != nil {
					t.Errorf("URL %v set along with an error", got.URL)
				}
				if got.Raw == "" {
					t.Errorf("Raw is empty for an invalid line")
				}
				return
			}
			if got.Err != nil {
				t.Fatalf("Parse error = %v", got.Err)
			}
			if got.URL.String() != tt.wantURL || got.Bare != tt.wantBare {
				t.Errorf("Parse = %v bare=%v, want %v bare=%v", got.URL, got.Bare, tt.wantURL, tt.wantBare)
			}
			if got.Raw != strings.TrimSpace(tt.line) {
				t.Errorf("Raw = %q, want the trimmed line", got.Raw)
			}
		})
	}
}

func TestReaderLineNumbers(t *testing.T) {
	in := "\xef\xbb\xbf# header after a byte-order mark\nhttp://a.test/1\r\n\n   \nnot a url at all\n\thttp://b.test/2\nhttp://c.test/3"
	r := NewReader(strings.NewReader(in))
	want := []struct {
		line int
		raw  string
		err  bool
	}{
		{2, "http://a.test/1", false},
		{5, "not a url at all", true},
		{6, "http://b.test/2", false},
		{7, "http://c.test/3", false},
	}
	for i, w := range want {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("target %d: %v", i, err)
		}
		if got.Line != w.line || got.Raw != w.raw || (got.Err != nil) != w.err {
			t.Errorf("target %d = line %d %q err %v, want line %d %q err %v", i, got.Line, got.Raw, got.Err, w.line, w.raw, w.err)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after the last line: %v, want io.EOF", err)
	}
}

// lazyLines generates n lines on demand and counts the bytes handed out.
type lazyLines struct {
	n, next int
	pending []byte
	given   int
}

func (l *lazyLines) Read(p []byte) (int, error) {
	for len(l.pending) < len(p) && l.next < l.n {
		l.pending = fmt.Appendf(l.pending, "http://h%d.test/page/%d\n", l.next%97, l.next)
		l.next++
	}
	if len(l.pending) == 0 {
		return 0, io.EOF
	}
	k := copy(p, l.pending)
	l.pending = l.pending[k:]
	l.given += k
	return k, nil
}

// TestReaderStreams checks that the reader keeps no more than its buffer of a
// million-line input ahead of the targets it has returned.
func TestReaderStreams(t *testing.T) {
	src := &lazyLines{n: 1_000_000}
	r := NewReader(src)
	for i := 0; i < 10; i++ {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if src.given > 128<<10 {
		t.Errorf("read %d bytes of input to return 10 targets", src.given)
	}
	n := 10
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1_000_000 {
		t.Errorf("read %d targets, want 1000000", n)
	}
}

func TestReaderLongLine(t *testing.T) {
	in := "http://a.test/" + strings.Repeat("x", 3*MaxLineBytes) + "\nhttp://b.test/\n"
	r := NewReader(strings.NewReader(in))
	first, err := r.Next()
	if err != nil || first.Err == nil || first.Line != 1 || len(first.Raw) != MaxLineBytes {
		t.Fatalf("long line: line=%d err=%v len(raw)=%d", first.Line, first.Err, len(first.Raw))
	}
	second, err := r.Next()
	if err != nil || second.Err != nil || second.Line != 2 || second.Raw != "http://b.test/" {
		t.Fatalf("line after a long one: %+v, %v", second, err)
	}
}

func TestIsHTTP(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"http://a.test/", true},
		{"https://a.test/", true},
		{"HTTP://a.test/", true},
		{"HttpS://a.test/", true},
		{"ftp://a.test/", false},
		{"http:/a.test/", false},
		{"a.test", false},
		{"httpx://a.test", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsHTTP(tt.s); got != tt.want {
			t.Errorf("IsHTTP(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestHostKey checks the one key of a host (limits, shards, robots.txt
// cache, report's host table), two spellings of one host included.
func TestHostKey(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"https default port", "https://Example.COM/a", "example.com:443"},
		{"http default port", "http://example.com/", "example.com:80"},
		{"explicit port", "http://example.com:8080/x?y", "example.com:8080"},
		{"scheme not in key", "HTTPS://example.com:80/", "example.com:80"},
		{"IDNA", "https://BÜCHER.de/", "xn--bcher-kva.de:443"},
		{"IDNA already ASCII", "https://xn--bcher-kva.de/", "xn--bcher-kva.de:443"},
		{"IDNA with a port", "http://bücher.de:8080/", "xn--bcher-kva.de:8080"},
		{"IDNA in capitals", "https://XN--BCHER-KVA.de/", "xn--bcher-kva.de:443"},
		{"IPv4", "http://127.0.0.7:9000/", "127.0.0.7:9000"},
		{"IPv6", "http://[::1]:8080/", "[::1]:8080"},
		{"userinfo dropped", "https://u:p@example.com/", "example.com:443"},
		{"IDNA refuses: lower case", "https://a_b.Example.com/", "a_b.example.com:443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := HostKey(u); got != tt.want {
				t.Errorf("HostKey(%s) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}
