package crawl

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// ScopeMode is how far from its seeds a crawl goes.
type ScopeMode string

// The scope modes (--scope).
const (
	ScopeHost   ScopeMode = "host"   // the seeds' host:port
	ScopeDomain ScopeMode = "domain" // the seeds' registrable domains, subdomains included
	ScopePrefix ScopeMode = "prefix" // under a seed's directory, as wget --no-parent
)

// ParseScope reads a --scope value.
func ParseScope(s string) (ScopeMode, error) {
	switch m := ScopeMode(s); m {
	case ScopeHost, ScopeDomain, ScopePrefix:
		return m, nil
	}
	return "", fmt.Errorf("%q is not host, domain or prefix", s)
}

// Scope decides which links a crawl follows: those under one of its seeds
// in its mode. The zero Scope is host scope with no seeds.
type Scope struct {
	Mode ScopeMode
	keys map[string]bool     // host and domain: the seeds' keys
	dirs map[string][]string // prefix: a seed's scheme://host:port → its directories
}

// Key is u's scope key in mode m: host:port (the scheme's default port
// written out) for host and prefix, the registrable domain by the public
// suffix list for domain (an IP address, or a name that is itself a public
// suffix such as localhost, is its own domain). A fleet shards seeds by it
// (--shard), so that a site's whole crawl is in one process.
func Key(m ScopeMode, u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if m != ScopeDomain {
		return net.JoinHostPort(host, portOf(u))
	}
	if net.ParseIP(host) != nil {
		return host
	}
	host = strings.TrimSuffix(host, ".")
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

func portOf(u *url.URL) string {
	if p := strings.TrimLeft(u.Port(), "0"); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// AddSeed puts a seed's site in the scope.
func (s *Scope) AddSeed(u *url.URL) {
	if s.Mode == "" {
		s.Mode = ScopeHost
	}
	if s.Mode == ScopePrefix {
		if s.dirs == nil {
			s.dirs = map[string][]string{}
		}
		n := Normalize(u, nil)
		origin, path := splitOrigin(n)
		dir := path[:strings.LastIndexByte(path, '/')+1]
		s.dirs[origin] = append(s.dirs[origin], dir)
		return
	}
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	s.keys[Key(s.Mode, u)] = true
}

// In reports whether u, whose normal form is n, is in scope.
func (s *Scope) In(u *url.URL, n string) bool {
	if s.Mode == ScopePrefix {
		origin, path := splitOrigin(n)
		for _, dir := range s.dirs[origin] {
			if strings.HasPrefix(path, dir) {
				return true
			}
		}
		return false
	}
	if s.Mode == ScopeHost && !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https") {
		return false
	}
	return s.keys[Key(s.Mode, u)]
}

// splitOrigin splits a normal form into scheme://host[:port] and the path
// with its query.
func splitOrigin(n string) (origin, path string) {
	i := strings.Index(n, "://")
	if i < 0 {
		return n, "/"
	}
	j := strings.IndexByte(n[i+3:], '/')
	if j < 0 {
		return n, "/"
	}
	return n[:i+3+j], n[i+3+j:]
}
