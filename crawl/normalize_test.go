package crawl

import (
	"fmt"
	"net/url"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		strip    []string
		want     string
	}{
		{"already normal", "https://example.com/a/b?x=1", nil, "https://example.com/a/b?x=1"},
		{"scheme and host lower-case", "HTTP://Example.COM/A", nil, "http://example.com/A"},
		{"default http port", "http://example.com:80/", nil, "http://example.com/"},
		{"default https port", "https://example.com:443/x", nil, "https://example.com/x"},
		{"other port kept", "http://example.com:8080/", nil, "http://example.com:8080/"},
		{"https on 80 kept", "https://example.com:80/", nil, "https://example.com:80/"},
		{"empty port", "http://example.com:/", nil, "http://example.com/"},
		{"port zeros", "http://example.com:0080/", nil, "http://example.com/"},
		{"empty path", "http://example.com", nil, "http://example.com/"},
		{"empty path with query", "http://example.com?q", nil, "http://example.com/?q"},
		{"dot segments", "http://a/b/c/./../../g", nil, "http://a/g"},
		{"dot segments RFC 5.2.4", "http://a/a/b/c/./../../g", nil, "http://a/a/g"},
		{"mid dots", "http://a/mid/content=5/../6", nil, "http://a/mid/6"},
		{"above root", "http://a/../../x", nil, "http://a/x"},
		{"trailing dot dot", "http://a/b/c/..", nil, "http://a/b/"},
		{"trailing dot", "http://a/b/c/.", nil, "http://a/b/c/"},
		{"dot in name kept", "http://a/b.c/..d/e..", nil, "http://a/b.c/..d/e.."},
		{"double slash kept", "http://a/b//c", nil, "http://a/b//c"},
		{"unreserved decoded", "http://a/%7Euser/%41%2d%2E%5f", nil, "http://a/~user/A-._"},
		{"reserved upper-cased", "http://a/x%2fy%3a", nil, "http://a/x%2Fy%3A"},
		{"non-ASCII upper-cased", "http://a/caf%c3%a9", nil, "http://a/caf%C3%A9"},
		{"fragment dropped", "http://a/b#frag", nil, "http://a/b"},
		{"query as written", "http://a/?b=%7e&a=1&&c", nil, "http://a/?b=%7e&a=1&&c"},
		{"empty query kept", "http://a/?", nil, "http://a/?"},
		{"user kept", "http://u:p@a/", nil, "http://u:p@a/"},
		{"ipv6 port", "http://[::1]:80/", nil, "http://[::1]/"},
		{"ipv6 other port", "http://[::1]:8080/", nil, "http://[::1]:8080/"},
		{"strip one", "http://a/?utm_source=x&id=1", []string{"utm_source"}, "http://a/?id=1"},
		{"strip prefix", "http://a/?utm_source=x&id=1&utm_medium=y&utm=z", []string{"utm_*"}, "http://a/?id=1&utm=z"},
		{"strip all", "http://a/p?utm_source=x", []string{"utm_*"}, "http://a/p"},
		{"strip escaped name", "http://a/?utm%5Fsource=x&b=2", []string{"utm_source"}, "http://a/?b=2"},
		{"strip keeps order", "http://a/?c=3&fbclid=1&a=1", []string{"fbclid"}, "http://a/?c=3&a=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := Normalize(u, tc.strip); got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzNormalize checks that a normal form is a URL whose normal form is
// itself, and that it keeps the scheme and host.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"http://a/b/../c", "HTTPS://X:443/%7e?q#f", "http://[::1]:80/./", "http://a/%zz%4", "http://a/.."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
			return
		}
		n := Normalize(u, nil)
		v, err := url.Parse(n)
		if err != nil {
			return // Go re-reads some hosts differently (a raw "%" in a host); not ours
		}
		if again := Normalize(v, nil); again != n {
			t.Fatalf("Normalize(%q) = %q, whose normal form is %q", s, n, again)
		}
	})
}

func TestSeen(t *testing.T) {
	var s Seen
	const n = 100_000
	for i := range n {
		if !s.Add(Fingerprint(fmt.Sprint("http://example.com/", i))) {
			t.Fatalf("URL %d was not new", i)
		}
	}
	for i := range n {
		fp := Fingerprint(fmt.Sprint("http://example.com/", i))
		if s.Add(fp) || !s.Has(fp) {
			t.Fatalf("URL %d is not in the set", i)
		}
	}
	if s.Has(Fingerprint("http://example.com/x")) || s.Len() != n {
		t.Fatalf("Len %d, or it has what it was never given", s.Len())
	}
	if perURL := float64(8*len(s.slots)) / n; perURL < 8 || perURL > 16*1.5 {
		t.Errorf("%.1f bytes a URL", perURL)
	}
}
