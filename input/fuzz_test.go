package input

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// The oracle for host names: its own IDNA profile (the same mapping as a
// lookup, "--" allowed in labels), regular expressions for RFC 1123 labels
// and for WHATWG's numeric last label, and net.ParseIP for addresses. It
// shares no code with host.go.
var (
	oracleIDNA    = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.CheckHyphens(false), idna.StrictDomainName(false))
	oracleBare    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)
	oracleSchemed = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$`)
	oracleNumeric = regexp.MustCompile(`(^|\.)([0-9]+|0[xX][0-9a-fA-F]*)$`)
)

// oracleKnownTLD says whether ascii (lower case) has a dot and a last label
// that is an ICANN top-level domain or one of the special-use names the
// README lists.
func oracleKnownTLD(ascii string) bool {
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return false
	}
	tld := labels[len(labels)-1]
	for _, special := range []string{"test", "example", "invalid", "localhost", "local", "internal", "lan", "home", "corp"} {
		if tld == special {
			return true
		}
	}
	suffix, icann := publicsuffix.PublicSuffix(tld)
	return icann && suffix == tld
}

// oracleHostOK says whether host (no brackets, no port) is one to fetch.
func oracleHostOK(host string, bare bool) bool {
	if ip := net.ParseIP(host); ip != nil {
		return true
	}
	if strings.Contains(host, ":") {
		return false // only a scoped IPv6 address gets here; see the caller
	}
	name, _ := strings.CutSuffix(host, ".")
	ascii, err := oracleIDNA.ToASCII(name)
	if err != nil || len(ascii) > 253 || oracleNumeric.MatchString(ascii) {
		return false
	}
	if !bare {
		return oracleSchemed.MatchString(ascii)
	}
	return oracleBare.MatchString(ascii) && (oracleKnownTLD(ascii) || ascii == "localhost")
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"http://example.com/", "example.com:80/x", "# c", "ftp://x", "http://[::1]:0/", "a:b:c", "\xff",
		"http://127.0.0.1:9010/p", "HTTP://EXAMPLE.com:8080", "http://[FE80::1%25en0]:80/", "http://h:/",
		"https://ex\u00e4mple.com:443/", `"http://127.0.0.1:8080/"`, "url,title", "http://a/ http://b/",
		"time/date format with -l", "time", "localhost", "2130706433", "0x7f.1", "0177.0.0.1", "127.0.0.1.",
		"1.2.3", "example.123", "my_site.example", "http://my_site.example/", "r3---sn-a.googlevideo.com",
		"xn--bcher-kva.example", "xn--zz.example", "b\u00fccher.example", "example\u3002com", "\uff45x.com",
		"a..b", "-a.b", "e.g.", "README.md",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, ok := Parse(line)
		if !ok {
			return
		}
		if (got.URL == nil) == (got.Err == nil) {
			t.Fatalf("exactly one of URL and Err must be set: %+v", got)
		}
		if got.URL != nil {
			checkAccepted(t, got)
		}
		checkBareHostLine(t, got)
	})
}

// checkAccepted holds an accepted target to the rules of a usable URL.
func checkAccepted(t *testing.T, got Target) {
	u := got.URL
	if u.Scheme != "http" && u.Scheme != "https" {
		t.Fatalf("scheme %q accepted", u.Scheme)
	}
	if strings.IndexFunc(got.Raw, unicode.IsSpace) >= 0 || got.Raw[0] == '"' || got.Raw[0] == '\'' {
		t.Fatalf("a line with white space or quotes accepted: %q", got.Raw)
	}
	if strings.HasSuffix(u.Host, ":") {
		t.Fatalf("empty port accepted: %q", got.Raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			t.Fatalf("port %q accepted", p)
		}
	}
	host := u.Hostname()
	if i := strings.IndexByte(host, '%'); i >= 0 && strings.Contains(host, ":") {
		host = host[:i] // an IPv6 zone
	}
	if !oracleHostOK(host, got.Bare) {
		t.Fatalf("host %q accepted (bare %v), the oracle refuses it", u.Hostname(), got.Bare)
	}
	if k, want := HostKey(u), hostKey(u); k != want {
		t.Fatalf("HostKey = %q, want %q", k, want)
	}
}

// checkBareHostLine checks a line that is nothing but a host name both ways:
// Parse accepts it exactly when the oracle does.
func checkBareHostLine(t *testing.T, got Target) {
	s := got.Raw
	if !utf8.ValidString(s) || strings.ContainsAny(s, ":/?#[]@%\\\"'") ||
		strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return
	}
	if want := oracleHostOK(s, true); (got.Err == nil) != want {
		t.Fatalf("Parse(%q) error = %v; the oracle accepts it: %v", s, got.Err, want)
	}
}

// FuzzReader reads data in chunks of every size from 1 to 16 and checks the
// targets against lines split by a regular expression at "\r\n", "\r" and
// "\n" and parsed one by one.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"a.test\nb.test\n", "a.test\r\nb.test", "a.test\rb.test\r\r\nc.test", "\xef\xbb\xbf# c\r\n\r\nx.test\r",
		"\xff\xfea\x00\n\x00", "h\x00t\x00t\x00p\x00\n\x00", "\x7fELF\x02\x01\x00\x00\nprose here\n",
	} {
		f.Add([]byte(s))
	}
	split := regexp.MustCompile(`\r\n|\r|\n`)
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := split.Split(string(data), -1)
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		var want []Target
		for i, line := range lines {
			if i == 0 {
				line = strings.TrimPrefix(line, "\xef\xbb\xbf")
			}
			if tg, ok := Parse([]byte(line)); ok {
				tg.Line = i + 1
				want = append(want, tg)
			}
		}
		for n := 1; n <= 16; n++ {
			r := NewReader(&chunkReader{s: string(data), n: n})
			for i := 0; ; i++ {
				got, err := r.Next()
				if err == ErrUTF16 {
					if i > 0 || !strings.HasPrefix(string(data), "\xff\xfe") && !strings.HasPrefix(string(data), "\xfe\xff") && !strings.Contains(lines[0], "\x00") {
						t.Fatalf("chunks of %d: ErrUTF16 at target %d of %q", n, i, data)
					}
					break
				}
				if err != nil {
					if i != len(want) {
						t.Fatalf("chunks of %d: %d targets, then %v; want %d", n, i, err, len(want))
					}
					break
				}
				if i >= len(want) || got.Line != want[i].Line || got.Raw != want[i].Raw || (got.Err == nil) != (want[i].Err == nil) {
					t.Fatalf("chunks of %d: target %d = %d %q %v; want %+v", n, i, got.Line, got.Raw, got.Err, want)
				}
			}
		}
	})
}
