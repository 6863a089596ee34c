package robots

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAllowed(t *testing.T) {
	tests := []struct {
		name  string
		txt   string
		allow []string
		deny  []string
	}{
		{name: "empty file allows all", txt: "", allow: []string{"/", "/a"}},
		{name: "disallow all", txt: "User-agent: *\nDisallow: /\n",
			allow: []string{"/robots.txt"}, deny: []string{"/", "/a/b?c"}},
		{name: "prefix match", txt: "User-agent: *\nDisallow: /private\n",
			allow: []string{"/", "/privat", "/public/private"}, deny: []string{"/private", "/private/x", "/privateer", "/private?q=1"}},
		{name: "longest match wins", txt: "User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /a/b/c\n",
			allow: []string{"/a/b", "/a/bx"}, deny: []string{"/a", "/a/c", "/a/b/c"}},
		{name: "longest match wins whatever the order", txt: "User-agent: *\nDisallow: /a/b/c\nAllow: /a/b\nDisallow: /a\n",
			allow: []string{"/a/b"}, deny: []string{"/a/b/c", "/a/x"}},
		{name: "allow wins a tie", txt: "User-agent: *\nDisallow: /page\nAllow: /page\n", allow: []string{"/page", "/page/1"}},
		{name: "allow wins a tie, other order", txt: "User-agent: *\nAllow: /p*e\nDisallow: /p*e\n", allow: []string{"/page"}},
		{name: "tie between pattern and plain path", txt: "User-agent: *\nDisallow: /ab*\nAllow: /abc\n", allow: []string{"/abc", "/abcd"}, deny: []string{"/abx"}},
		{name: "star matches any run", txt: "User-agent: *\nDisallow: /*.php\n",
			allow: []string{"/index.html", "/php"}, deny: []string{"/index.php", "/a/b.php?x", "/.php"}},
		{name: "dollar anchors the end", txt: "User-agent: *\nDisallow: /*.php$\n",
			allow: []string{"/index.php?x", "/index.phpx"}, deny: []string{"/index.php", "/a/.php"}},
		{name: "dollar without star", txt: "User-agent: *\nDisallow: /exact$\n", allow: []string{"/exact/", "/exactly"}, deny: []string{"/exact"}},
		{name: "dollar inside is literal", txt: "User-agent: *\nDisallow: /a$b\n", allow: []string{"/a"}, deny: []string{"/a$b", "/a$bc"}},
		{name: "several stars", txt: "User-agent: *\nDisallow: /*a*b*c\n", allow: []string{"/cba", "/ab"}, deny: []string{"/xaybzc", "/abc", "/aabbcc/d"}},
		{name: "star at the end changes nothing", txt: "User-agent: *\nDisallow: /fish*\n", allow: []string{"/Fish"}, deny: []string{"/fish", "/fish.html", "/fishheads/x"}},
		{name: "matching is case sensitive", txt: "User-agent: *\nDisallow: /Private\n", allow: []string{"/private"}, deny: []string{"/Private"}},
		{name: "a pattern's length is its own octets", txt: "User-agent: *\nDisallow: /x*y\nAllow: /x1y\nDisallow: /q.r\nAllow: /q.*\n",
			allow: []string{"/x1y", "/q.r", "/q.s"}, deny: []string{"/x2y"}},
		{name: "empty disallow is no rule", txt: "User-agent: *\nDisallow:\n", allow: []string{"/", "/x"}},
		{name: "own group beats star", txt: "User-agent: *\nDisallow: /\n\nUser-agent: fanout\nDisallow: /mine\n",
			allow: []string{"/", "/other"}, deny: []string{"/mine"}},
		{name: "product token ignores case and version", txt: "User-agent: FanOut/2.0\nDisallow: /x\n\nUser-agent: *\nDisallow: /\n",
			allow: []string{"/y"}, deny: []string{"/x"}},
		{name: "a longer token is another crawler", txt: "User-agent: fanoutbot\nDisallow: /\n", allow: []string{"/"}},
		{name: "a shorter token is another crawler", txt: "User-agent: fan\nDisallow: /\n", allow: []string{"/"}},
		{name: "no group for us and no star", txt: "User-agent: googlebot\nDisallow: /\n", allow: []string{"/"}},
		{name: "groups for the same token merge", txt: "User-agent: fanout\nDisallow: /a\n\nUser-agent: other\nDisallow: /b\n\nUser-agent: fanout\nDisallow: /c\n",
			allow: []string{"/b"}, deny: []string{"/a", "/c"}},
		{name: "consecutive agents share a group", txt: "User-agent: other\nUser-agent: fanout\nDisallow: /shared\n",
			deny: []string{"/shared"}},
		{name: "an agent after rules starts a group", txt: "User-agent: fanout\nDisallow: /a\nUser-agent: other\nDisallow: /b\n",
			allow: []string{"/b"}, deny: []string{"/a"}},
		{name: "rules before any agent are ignored", txt: "Disallow: /\nUser-agent: *\nDisallow: /x\n", allow: []string{"/"}, deny: []string{"/x"}},
		{name: "an unknown line between agents does not end the group", txt: "User-agent: fanout\nInvalid-Unknown-Line: x\nUser-agent: *\nDisallow: /\n",
			deny: []string{"/", "/a"}},
		{name: "crawl-delay between agents does not end the group", txt: "User-agent: fanout\nCrawl-delay: 1\nUser-agent: *\nDisallow: /a\n",
			deny: []string{"/a"}, allow: []string{"/b"}},
		{name: "host between agents does not end the group", txt: "User-agent: fanout\nHost: example.com\nUser-agent: other\nDisallow: /a\n",
			deny: []string{"/a"}},
		{name: "an empty disallow ends the agents", txt: "User-agent: fanout\nDisallow:\nUser-agent: other\nDisallow: /a\n",
			allow: []string{"/a"}},
		{name: "sitemap does not end a group", txt: "User-agent: fanout\nSitemap: http://h/s.xml\nDisallow: /a\n", deny: []string{"/a"}},
		{name: "comments, case of keys, white space, CRLF", txt: "# hello\r\nUSER-AGENT : * # all\r\n  disallow :  /x  # no\r\n",
			allow: []string{"/y"}, deny: []string{"/x"}},
		{name: "CR line endings", txt: "User-agent: *\rDisallow: /x\r", deny: []string{"/x"}},
		{name: "byte-order mark", txt: "\ufeffUser-agent: *\nDisallow: /x\n", deny: []string{"/x"}},
		{name: "lines not understood are skipped", txt: "User-agent: *\nCrawl-delay: soon\nnonsense\nNoindex: /y\nDisallow: /x\n",
			allow: []string{"/y"}, deny: []string{"/x"}},
		{name: "misspelt keys", txt: "useragent: *\ndissallow: /x\n", deny: []string{"/x"}},
		{name: "non-ASCII rule matches the escaped path", txt: "User-agent: *\nDisallow: /foo/bar/ツ\n",
			deny: []string{"/foo/bar/%E3%83%84", "/foo/bar/%e3%83%84"}, allow: []string{"/foo/bar/"}},
		{name: "escaped rule matches the escaped path", txt: "User-agent: *\nDisallow: /foo/bar/%e3%83%84\n",
			deny: []string{"/foo/bar/%E3%83%84"}},
		{name: "robots.txt is always allowed", txt: "User-agent: *\nDisallow: /robots.txt\n", allow: []string{"/robots.txt"}, deny: []string{"/robots.txt?x"}},
		{name: "empty target is the root", txt: "User-agent: *\nDisallow: /$\n", deny: []string{""}, allow: []string{"/a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse([]byte(tt.txt), "fanout")
			for _, p := range tt.allow {
				if !r.Allowed(p) {
					t.Errorf("%q disallowed, want allowed", p)
				}
			}
			for _, p := range tt.deny {
				if r.Allowed(p) {
					t.Errorf("%q allowed, want disallowed", p)
				}
			}
		})
	}
}

func TestParseExtras(t *testing.T) {
	txt := "Sitemap: http://h/a.xml\nUser-agent: *\nCrawl-delay: 5\nUser-agent: fanout\nCrawl-delay: 1.5\n" +
		"User-agent: other\nCrawl-delay: 9\nSitemap: http://h/b.xml.gz\n"
	r := Parse([]byte(txt), "fanout")
	if r.CrawlDelay != 1500*time.Millisecond {
		t.Errorf("CrawlDelay = %s, want 1.5s (the group naming fanout, with *)", r.CrawlDelay)
	}
	if want := []string{"http://h/a.xml", "http://h/b.xml.gz"}; !slices.Equal(r.Sitemaps, want) {
		t.Errorf("Sitemaps = %q, want %q", r.Sitemaps, want)
	}
	if d := Parse([]byte("User-agent: *\nCrawl-delay: 2\n"), "fanout").CrawlDelay; d != 2*time.Second {
		t.Errorf("star group's CrawlDelay = %s, want 2s", d)
	}
	if d := Parse([]byte("User-agent: *\nCrawl-delay: 1e9\n"), "fanout").CrawlDelay; d != 24*time.Hour {
		t.Errorf("huge CrawlDelay = %s, want capped at 24h", d)
	}
}

func TestParseReadsAtMostMaxBytes(t *testing.T) {
	var b strings.Builder
	b.WriteString("User-agent: *\nDisallow: /early\n")
	for b.Len() < MaxBytes-100 {
		b.WriteString("# filler filler filler filler filler filler filler\n")
	}
	b.WriteString(strings.Repeat("#", 200) + "\nDisallow: /late\n")
	r := Parse([]byte(b.String()), "fanout")
	if r.Allowed("/early") || !r.Allowed("/late") {
		t.Errorf("/early allowed %v, /late allowed %v: want only what the first 512 KiB say", r.Allowed("/early"), r.Allowed("/late"))
	}
}

// oracle matches like matches, by way of a regular expression.
func oracle(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, `.*`)
	if anchored {
		re += "$"
	}
	return regexp.MustCompile("(?s)" + re).MatchString(path)
}

func FuzzMatches(f *testing.F) {
	f.Add("/*.php$", "/a/b.php")
	f.Add("/a*b*c", "/xaxbxc")
	f.Add("/*a*a$", "/aaa")
	f.Add("*", "")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(path) {
			return // regexp takes UTF-8; Allowed only matches ASCII (normalized) anyway
		}
		if got, want := matches(pattern, path), oracle(pattern, path); got != want {
			t.Fatalf("matches(%q, %q) = %v, want %v", pattern, path, got, want)
		}
	})
}
