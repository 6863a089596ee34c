// Package testsite is the web site fanout's tests fetch from: the bench
// site (internal/benchsite: pages, latency, errors) plus hostile endpoints
// that never answer, trickle, never end, inflate, loop, reset, or lie, and
// helpers that answer with a given status, fail a given number of times,
// or echo a request header. Only tests import it, so none of it is in the
// released binary.
package testsite

import (
	"net/http"

	"github.com/fanout-dev/fanout/internal/benchsite"
)

// Options shape the generated pages; see benchsite.Options. Extra is set by
// New.
type Options = benchsite.Options

// Site is a benchsite.Site serving the hostile endpoints too, and counting
// them like the pages.
type Site = benchsite.Site

// New returns a Site serving the pages and the hostile endpoints.
func New(opts Options) *Site {
	var s *Site
	mux := http.NewServeMux()
	hostileRoutes(mux, func(path string) int { return s.Hits(path) })
	seoRoutes(mux)
	opts.Extra = mux
	s = benchsite.New(opts)
	return s
}

// Page returns generated page n of size bytes, as the site serves it.
func Page(n, size int) []byte { return benchsite.Page(n, size) }
