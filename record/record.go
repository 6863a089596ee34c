// Package record is the result of one input line: the JSON record every
// other package agrees on. The fetcher fills it, report encodes and counts
// it, the store keeps it; none of them needs the others' code for that, and
// record itself knows nothing of HTTP.
package record

import (
	"net/url"
	"strings"
)

// Kind is the class of a failure, one of a small fixed set. The zero Kind
// means no failure.
type Kind string

// The kinds of failure a Result can carry.
const (
	KindInvalidURL Kind = "invalid_url" // the line is not a usable http(s) URL
	KindDNS        Kind = "dns"         // the host name did not resolve
	KindConnect    Kind = "connect"     // no connection: refused, unreachable
	KindTLS        Kind = "tls"         // handshake or certificate failure
	KindTimeout    Kind = "timeout"     // an attempt ran past -t
	KindReset      Kind = "reset"       // the connection broke mid-exchange
	KindProtocol   Kind = "protocol"    // the server spoke malformed HTTP
	KindRedirect   Kind = "redirect"    // a loop, too many, or a bad target
	KindCanceled   Kind = "canceled"    // the run stopped before this URL did
	KindRobots     Kind = "robots"      // robots.txt disallows it (--robots obey): not fetched
	KindLocal      Kind = "local"       // this machine ran out of something: open files, ports, memory
)

// Kinds lists every Kind in a fixed order, for reports.
var Kinds = []Kind{KindInvalidURL, KindDNS, KindConnect, KindTLS, KindTimeout, KindReset, KindProtocol, KindRedirect, KindRobots, KindCanceled, KindLocal}

// Result is what became of one input line: the JSON record (docs/output.md, "The JSON record").
// Its fields' names, order and encodings are the table Fields (fields.go):
// a new field is a field here and an entry there.
// A result with ErrorKind set failed; an HTTP status alone is not a failure.
type Result struct {
	URL         string  `json:"url"`
	Line        int     `json:"line"`
	File        string  `json:"file,omitempty"` // with several input files: the line's
	Status      int     `json:"status,omitempty"`
	Title       string  `json:"title,omitempty"`
	FinalURL    string  `json:"final_url,omitempty"`
	Redirects   int     `json:"redirects,omitempty"`
	ContentType string  `json:"content_type,omitempty"`
	Size        int64   `json:"size"`
	Truncated   bool    `json:"truncated,omitempty"`
	DurationMS  float64 `json:"duration_ms"`
	Attempts    int     `json:"attempts"`
	Error       string  `json:"error,omitempty"`
	ErrorKind   Kind    `json:"error_kind,omitempty"`

	// What --fields asks for beyond the defaults (docs/seo.md, "SEO fields").
	Page
	Extract map[string][]string `json:"extract,omitempty"` // -e name → values
	// RobotsTxt is the robots.txt verdict with --robots report or obey:
	// "allowed" or "disallowed".
	RobotsTxt string `json:"robots_txt,omitempty"`
	// Depth and From are set by fanout crawl: how many links from a seed
	// the URL was found (seeds are 0; nil outside a crawl), and the page it
	// was first found on ("" for a seed).
	Depth *int   `json:"depth,omitempty"`
	From  string `json:"from,omitempty"`

	// Seq is the target's position in the run's input, for reports that
	// keep input order. It is not part of the record.
	Seq int `json:"-"`
	// HasTitle tells an empty <title></title> from no title at all.
	HasTitle bool `json:"-"`
	// Outlinks and Resources are the page's links, absolute http(s) URLs,
	// when the fetch was asked for them (fanout crawl); Nofollow says meta
	// robots or X-Robots-Tag forbid following them. Not part of the record.
	Outlinks, Resources []string `json:"-"`
	Nofollow            bool     `json:"-"`
}

// Page is what --fields reads from a page beyond the title (docs/seo.md, "SEO
// fields"): absent when not asked for or empty (h1_count and links: absent
// means 0). extract.Scan fills it; Result embeds it, so a fetch copies and
// clears it whole.
type Page struct {
	Description string            `json:"description,omitempty"`
	Canonical   string            `json:"canonical,omitempty"` // resolved against final_url
	Robots      string            `json:"robots,omitempty"`    // meta robots, then X-Robots-Tag
	Lang        string            `json:"lang,omitempty"`
	H1          string            `json:"h1,omitempty"`
	H1Count     int               `json:"h1_count,omitempty"`
	OG          map[string]string `json:"og,omitempty"`       // "title", "description", "image", "type", "url"
	Hreflang    map[string]string `json:"hreflang,omitempty"` // language → URL, resolved
	Links       int               `json:"links,omitempty"`
}

// Failed reports whether the URL failed (an error kind, not an HTTP status).
func (r *Result) Failed() bool { return r.ErrorKind != "" }

// RedactedURL is the record's URL with any password replaced by "xxxxx"
// (url.URL.Redacted), for summaries and messages: the record itself keeps
// the line as given.
func (r *Result) RedactedURL() string {
	if !strings.Contains(r.URL, "@") {
		return r.URL
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.User == nil {
		return r.URL
	}
	return u.Redacted()
}
