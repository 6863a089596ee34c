// Package crawl follows a site's links on the pipeline: a Source that feeds
// pipeline.Run from a frontier and learns each page's links from its
// result, bounded by scope, depth and a page budget, each URL fetched at
// most once after normalisation (docs/crawl.md, docs/ARCHITECTURE.md).
package crawl

import (
	"net/url"
	"strings"
)

// Normalize is the form of u that decides whether two URLs are the same
// page (RFC 3986, section 6): scheme and host lower-case, the scheme's
// default port dropped, an empty path made "/", dot segments removed,
// percent-encodings of unreserved characters decoded and the others
// upper-cased, the fragment dropped. The query is kept as written, less
// the parameters strip names (a name, or a prefix ending in "*" such as
// "utm_*").
func Normalize(u *url.URL, strip []string) string {
	if u.Opaque != "" {
		return u.Scheme + ":" + u.Opaque
	}
	var b strings.Builder
	scheme := strings.ToLower(u.Scheme)
	b.WriteString(scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(u.User.String())
		b.WriteByte('@')
	}
	b.WriteString(normalHost(scheme, u.Host))
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(removeDotSegments(normalPercent(path)))
	if q := stripQuery(u.RawQuery, strip); q != "" || (u.ForceQuery && len(strip) == 0) {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String()
}

// normalHost lower-cases host (host[:port]), drops a port's leading
// zeros, and drops the scheme's default port, or an empty one.
func normalHost(scheme, host string) string {
	host = strings.ToLower(host)
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.IndexByte(host[i:], ']') >= 0 {
		return host // no port (an IPv6 literal's colons are inside brackets)
	}
	name, port := host[:i], strings.TrimLeft(host[i+1:], "0")
	if port == "" && len(host) > i+1 {
		port = "0"
	}
	if port == "" || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return name
	}
	return name + ":" + port
}

// normalPercent decodes the percent-encodings of unreserved characters
// (ALPHA, DIGIT, "-", ".", "_", "~") and upper-cases the hex digits of
// the others (RFC 3986, 6.2.2.1 and 6.2.2.2).
func normalPercent(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			b = append(b, s[i])
			continue
		}
		c := unhex(s[i+1])<<4 | unhex(s[i+2])
		if isUnreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex(s[i+1]), upperHex(s[i+2]))
		}
		i += 2
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func upperHex(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// removeDotSegments is RFC 3986's remove_dot_segments (5.2.4) on an
// absolute path: "." and ".." segments resolved, "//" kept.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	var out []string // segments, each with its leading "/"
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			j := strings.IndexByte(in[1:], '/')
			if j < 0 {
				out, in = append(out, in), ""
			} else {
				out, in = append(out, in[:j+1]), in[j+1:]
			}
		}
	}
	return strings.Join(out, "")
}

// stripQuery removes from q (a raw query) the parameters whose name is in
// strip, or starts with a strip entry's prefix ("utm_*"); the others stay
// as written, in order.
func stripQuery(q string, strip []string) string {
	if len(strip) == 0 || q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if !stripped(name, strip) {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "&")
}

func stripped(name string, strip []string) bool {
	for _, s := range strip {
		if p, ok := strings.CutSuffix(s, "*"); ok && strings.HasPrefix(name, p) || s == name {
			return true
		}
	}
	return false
}
