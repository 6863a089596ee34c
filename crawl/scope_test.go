package crawl

import (
	"net/url"
	"regexp"
	"testing"
)

func TestScope(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mode  ScopeMode
		seeds []string
		in    map[string]bool
	}{
		{"host", ScopeHost, []string{"https://Example.com/a/b"}, map[string]bool{
			"https://example.com/": true, "https://example.com:443/x": true, "http://example.com/": false,
			"https://www.example.com/": false, "https://example.com:8443/": false,
		}},
		{"domain", ScopeDomain, []string{"https://www.example.co.uk/"}, map[string]bool{
			"https://example.co.uk/": true, "http://shop.example.co.uk:8080/x": true, "https://other.co.uk/": false,
			"https://example.com/": false,
		}},
		{"domain of an address", ScopeDomain, []string{"http://127.0.0.1:8080/"}, map[string]bool{
			"http://127.0.0.1:9090/": true, "http://127.0.0.2/": false,
		}},
		{"prefix", ScopePrefix, []string{"http://h/docs/v2/index.html"}, map[string]bool{
			"http://h/docs/v2/": true, "http://h/docs/v2/a/b": true, "http://h/docs/v1/": false,
			"http://h/docs/v2": false, "https://h/docs/v2/": false, "http://h:8080/docs/v2/": false,
			"http://H:80/docs/./v2/x": true,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Scope{Mode: tc.mode}
			for _, seed := range tc.seeds {
				u, _ := url.Parse(seed)
				s.AddSeed(u)
			}
			for link, want := range tc.in {
				u, _ := url.Parse(link)
				if got := s.In(u, Normalize(u, nil)); got != want {
					t.Errorf("In(%s) = %v, want %v", link, got, want)
				}
			}
		})
	}
}

func TestAllowDeny(t *testing.T) {
	c := &Crawler{cfg: Config{Allow: []*regexp.Regexp{regexp.MustCompile(`/docs/`)}, Deny: []*regexp.Regexp{regexp.MustCompile(`\.pdf$`)}}}
	for link, want := range map[string]bool{
		"http://h/docs/a": true, "http://h/blog/a": false, "http://h/docs/a.pdf": false,
	} {
		if got := c.allowed(link); got != want {
			t.Errorf("allowed(%s) = %v, want %v", link, got, want)
		}
	}
}
