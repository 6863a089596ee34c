// Package robots decides whether a URL may be fetched under its host's
// robots.txt, as RFC 9309 says: it parses a robots.txt for one product
// token, matches paths against the rules of the group that applies, and
// keeps the rules of each scheme, host and port in a bounded cache that
// fetches them when first needed. It knows no HTTP client: the cache is
// given a function that fetches.
package robots

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxBytes is how much of a robots.txt is parsed, 512 KiB: RFC 9309 asks
// crawlers to parse at least 500 KiB. Callers read no more than this.
const MaxBytes = 512 << 10

// Rules are the robots.txt rules that apply to one product token. The zero
// Rules allow everything. Rules are immutable once made and safe for
// concurrent use.
type Rules struct {
	rules       []rule
	disallowAll bool
	// CrawlDelay is the Crawl-delay of the group that applies (not part of
	// RFC 9309, but widely written); 0 when none is given.
	CrawlDelay time.Duration
	// Sitemaps are the Sitemap lines' URLs, in the order written, whatever
	// the group.
	Sitemaps []string
	size     int64 // about the bytes these Rules take (Size)
}

// Size is about how many bytes of memory r takes: what a Cache counts
// against Config.MaxBytes.
func (r *Rules) Size() int64 { return r.size }

// The bytes a Rules takes besides its patterns: the struct, and per rule
// or sitemap a slice element, a string header and allocation rounding.
const (
	rulesBytes   = 128
	perRuleBytes = 48
)

type rule struct {
	pattern string // normalized: non-ASCII bytes and %xx escapes as %XX
	allow   bool
}

// AllowAll returns Rules that allow every path: robots.txt was unavailable
// (a 4xx status, or too many redirects).
func AllowAll() *Rules { return &Rules{size: rulesBytes} }

// DisallowAll returns Rules that disallow every path but /robots.txt:
// robots.txt was unreachable (a 5xx status, or no response).
func DisallowAll() *Rules { return &Rules{disallowAll: true, size: rulesBytes} }

// Parse reads body, a robots.txt, for the crawler whose product token is
// token (matched without regard to case): the rules of every group naming
// token, or if none does, of every group naming "*"; no group at all
// allows everything. Lines that are not understood are skipped, as RFC 9309
// asks; Parse never fails. Only the first MaxBytes of body are read.
func Parse(body []byte, token string) *Rules {
	if len(body) > MaxBytes {
		body = body[:MaxBytes]
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	var (
		own, star       groupRules
		sitemaps        []string
		inAgents        bool // no rule since the last user-agent line
		forOwn, forStar bool // the current group's agents include token, "*"
		ownSeen         bool // some group names token
	)
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexAny(body, "\r\n"); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			line, body = body, nil
		}
		key, value, ok := splitLine(line)
		if !ok {
			continue
		}
		switch key {
		case "user-agent":
			if !inAgents {
				forOwn, forStar = false, false
			}
			inAgents = true
			switch agent := productToken(string(value)); {
			case agent == "*":
				forStar = true
			case agent != "" && strings.EqualFold(agent, token):
				forOwn, ownSeen = true, true
			}
		case "allow", "disallow":
			// Only a rule ends a run of user-agent lines (RFC 9309,
			// section 2.2.4: other records must not interfere with
			// groups), as in Google's parser; an empty one too.
			inAgents = false
			if len(value) > 0 && (forOwn || forStar) { // a rule for no one is not kept
				r := rule{pattern: normalize(string(value)), allow: key == "allow"}
				own.add(forOwn, r)
				star.add(forStar, r)
			}
		case "crawl-delay":
			if d, ok := crawlDelay(string(value)); ok {
				own.delay(forOwn, d)
				star.delay(forStar, d)
			}
		case "sitemap":
			if len(value) > 0 {
				sitemaps = append(sitemaps, string(value))
			}
		}
	}
	g := star
	if ownSeen {
		g = own
	}
	r := &Rules{rules: slices.Clip(g.rules), CrawlDelay: g.crawlDelay, Sitemaps: slices.Clip(sitemaps), size: rulesBytes}
	for _, x := range r.rules {
		r.size += int64(len(x.pattern)) + perRuleBytes
	}
	for _, s := range r.Sitemaps {
		r.size += int64(len(s)) + perRuleBytes
	}
	return r
}

// groupRules gathers the rules of every group that applies to one agent:
// RFC 9309 merges groups naming the same product token.
type groupRules struct {
	rules      []rule
	crawlDelay time.Duration
}

func (g *groupRules) add(on bool, r rule) {
	if on {
		g.rules = append(g.rules, r)
	}
}

func (g *groupRules) delay(on bool, d time.Duration) {
	if on && g.crawlDelay == 0 {
		g.crawlDelay = d
	}
}

// splitLine splits a line into its key, as lineKey names it, and its
// value, without the comment and surrounding white space. ok is false for
// a line without a colon (blank lines and comments included). It
// allocates nothing: a robots.txt of 512 KiB has tens of thousands of
// lines, most of them for other crawlers.
func splitLine(line []byte) (key string, value []byte, ok bool) {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	k, v, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return "", nil, false
	}
	return lineKey(bytes.TrimSpace(k)), bytes.TrimSpace(v), true
}

// lineKey is the key k names, lower-case: user-agent, allow, disallow,
// crawl-delay or sitemap, common misspellings accepted as Google's parser
// does; "" for any other.
func lineKey(k []byte) string {
	var buf [16]byte
	if len(k) > len(buf) {
		return ""
	}
	for i, c := range k {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(k)]) {
	case "user-agent", "useragent", "user agent":
		return "user-agent"
	case "allow":
		return "allow"
	case "disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw":
		return "disallow"
	case "crawl-delay":
		return "crawl-delay"
	case "sitemap":
		return "sitemap"
	}
	return ""
}

// productToken is the leading product token of a user-agent line's value
// ("fanout" of "fanout/1.0"), or "*".
func productToken(v string) string {
	if strings.HasPrefix(v, "*") {
		return "*"
	}
	end := 0
	for end < len(v) && (isLetter(v[end]) || v[end] == '-' || v[end] == '_') {
		end++
	}
	return v[:end]
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// crawlDelay parses a Crawl-delay value in seconds, capped at a day.
func crawlDelay(v string) (time.Duration, bool) {
	s, err := strconv.ParseFloat(v, 64)
	if err != nil || !(s > 0) {
		return 0, false
	}
	return time.Duration(min(s, 86400) * float64(time.Second)), true
}

const upperHex = "0123456789ABCDEF"

// normalize percent-encodes the bytes of p outside US-ASCII and writes
// existing escapes with upper-case hex digits, so that a rule and a URL
// path compare octet for octet (RFC 9309, section 2.2.2).
func normalize(p string) string {
	var b []byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 0x80 || c < 0x20 || c == ' ':
			if b == nil {
				b = append(make([]byte, 0, len(p)+8), p[:i]...)
			}
			b = append(b, '%', upperHex[c>>4], upperHex[c&0xF])
		case c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
			if b == nil {
				b = append(make([]byte, 0, len(p)+8), p[:i]...)
			}
			b = append(b, '%', upper(p[i+1]), upper(p[i+2]))
			i += 2
		default:
			if b != nil {
				b = append(b, c)
			}
		}
	}
	if b == nil {
		return p
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}
