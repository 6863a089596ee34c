package robots

import "strings"

// Allowed reports whether the URL whose path and query are target (as in
// the request line: escaped, starting with "/") may be fetched. As RFC 9309
// says: the matching rule with the longest pattern (in octets) decides, an
// allow rule wins a tie, no matching rule allows, and /robots.txt itself is
// always allowed. In a pattern, "*" matches any run of characters and a
// final "$" the end of the target; a rule otherwise matches a prefix.
func (r *Rules) Allowed(target string) bool {
	if target == "" {
		target = "/"
	}
	p := normalize(target)
	if p == "/robots.txt" {
		return true
	}
	if r.disallowAll {
		return false
	}
	best, allow := -1, true
	for _, rl := range r.rules {
		n := len(rl.pattern)
		if n < best || n == best && (allow || !rl.allow) {
			continue // cannot change the verdict
		}
		if matches(rl.pattern, p) {
			best, allow = n, rl.allow
		}
	}
	return allow
}

// matches reports whether pattern matches path: "*" matches any run of
// characters, a final "$" anchors the end, and otherwise a match of a
// prefix of path is enough. Segments between stars are matched leftmost
// first, which finds a match whenever one exists, in time linear in
// len(path) for each segment.
func matches(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		if anchored {
			return path == pattern
		}
		return strings.HasPrefix(path, pattern)
	}
	if !strings.HasPrefix(path, pattern[:star]) {
		return false
	}
	path, pattern = path[star:], pattern[star+1:]
	for {
		star = strings.IndexByte(pattern, '*')
		if star < 0 {
			break
		}
		seg := pattern[:star]
		i := strings.Index(path, seg)
		if i < 0 {
			return false
		}
		path, pattern = path[i+len(seg):], pattern[star+1:]
	}
	if anchored {
		return strings.HasSuffix(path, pattern)
	}
	return strings.Contains(path, pattern)
}
