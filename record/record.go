// Package record is the result of one input line: the JSON record every
// other package agrees on. The fetcher fills it, report encodes and counts
// it, the store keeps it; none of them needs the others' code for that, and
// record itself knows nothing of HTTP.
package record

import (
	"time"
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
// a new field is a field here and an entry there. The encoders write a
// run's fields in every record, null where the table's Get says unknown;
// the json tags name the keys for readers (encoding/json reads a record
// back into a Result).
// A result with ErrorKind set failed; an HTTP status alone is not a failure.
type Result struct {
	URL         string  `json:"url"`
	Line        int     `json:"line"`
	File        string  `json:"file"` // with several input files: the line's
	Status      int     `json:"status"`
	Title       string  `json:"title"`
	FinalURL    string  `json:"final_url"`
	Redirects   int     `json:"redirects"`
	ContentType string  `json:"content_type"`
	Proto       string  `json:"proto"` // the protocol that answered: HTTP/1.1, HTTP/2 (HTTP/1.0)
	Size        int64   `json:"size"`
	Truncated   bool    `json:"truncated"`
	DurationMS  float64 `json:"duration_ms"`
	Attempts    int     `json:"attempts"`
	Error       string  `json:"error"`
	ErrorKind   Kind    `json:"error_kind"`
	// FetchedAt is when the result was final: the run's writer stamps it
	// as the result reaches it (report.Writer).
	FetchedAt time.Time `json:"fetched_at"`

	// What --fields asks for beyond the defaults (docs/seo.md, "SEO fields").
	Page
	Extract map[string][]string `json:"extract"` // -e name → values
	// RobotsTxt is the robots.txt verdict with --robots report or obey:
	// "allowed" or "disallowed".
	RobotsTxt string `json:"robots_txt"`
	// Note says why what was read of a page may be partial although the
	// fetch succeeded (a page nested too deep for -e's tree, say).
	Note string `json:"note"`
	// Depth and From are set by fanout crawl: how many links from a seed
	// the URL was found (seeds are 0; null outside a crawl), and the page
	// it was first found on (null for a seed).
	Depth *int   `json:"depth"`
	From  string `json:"from"`
	// LinkedFrom is set by fanout crawl on a broken link (BrokenLink): up
	// to 5 pages found linking to it before its result came, From first
	// (docs/crawl.md, "Who links to a broken URL"); null otherwise.
	LinkedFrom []string `json:"linked_from"`

	// What --fields asks of the exchange itself (docs/ops.md): the
	// address connected to (host:port), the Server header, the sha256 of
	// the body as read (hex), the TLS connection and its certificate, and
	// the response headers --header-field names (name → values joined by
	// ", "; null when not asked).
	IP      string            `json:"ip"`
	Server  string            `json:"server"`
	TLS     *TLS              `json:"tls"`
	Hash    string            `json:"hash"`
	Headers map[string]string `json:"headers"`
	// Method is the request's method, in the record with -X HEAD (a
	// HEAD's record has no title and size 0: no body was read).
	Method string `json:"method"`

	// Seq is the target's position in the run's input, for reports that
	// keep input order. It is not part of the record.
	Seq int `json:"-"`
	// HasTitle tells an empty <title></title> from no title at all.
	HasTitle bool `json:"-"`
	// FirstStatus is the first response's status when redirects were
	// followed (what -f text shows as 301→200); not part of the record.
	FirstStatus int `json:"-"`
	// Outlinks and Resources are the page's links, absolute http(s) URLs,
	// when the fetch was asked for them (fanout crawl); Nofollow says meta
	// robots or X-Robots-Tag forbid following them. Not part of the record.
	Outlinks, Resources []string `json:"-"`
	Nofollow            bool     `json:"-"`
	// Found are the URLs a crawl with a store took into its seen set from
	// this result: the links it queued, and a redirect's final URL. The
	// store keeps them in the transaction that keeps the result, so that a
	// resumed crawl finds its frontier whole (docs/crawl.md, "Stopping and
	// resuming"). Not part of the record.
	Found []Found `json:"-"`
}

// Found is a URL a crawl found on a page: its normal form, and what it is
// fetched for (crawl.Kind: 0 a page, 1 an external check, 2 a resource
// check, 3 a redirect's final URL, seen and never fetched).
type Found struct {
	URL  string
	Kind uint8
}

// Page is what --fields reads from a page beyond the title (docs/seo.md,
// "SEO fields"): null in the record when the page did not say.
// extract.Scan fills it; Result embeds it, so a fetch copies and
// clears it whole.
type Page struct {
	Description string            `json:"description"`
	Canonical   string            `json:"canonical"` // resolved against final_url
	Robots      string            `json:"robots"`    // meta robots, then X-Robots-Tag
	Lang        string            `json:"lang"`
	H1          string            `json:"h1"`
	H1Count     int               `json:"h1_count"`
	OG          map[string]string `json:"og"`       // "title", "description", "image", "type", "url"
	Hreflang    map[string]string `json:"hreflang"` // language → URL, resolved
	Links       int               `json:"links"`
}

// TLS is a TLS connection and its leaf certificate, as the record's tls
// object says them (docs/ops.md). Verified is whether the chain verifies
// for the host against the trusted roots, also when -k let an unverified
// one through.
type TLS struct {
	Version   string    `json:"version"` // "TLS 1.3"
	Cipher    string    `json:"cipher"`  // tls.CipherSuiteName
	Subject   string    `json:"subject_cn"`
	Issuer    string    `json:"issuer_cn"`
	DNSNames  []string  `json:"dns_names"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	DaysLeft  int       `json:"days_left"` // whole days from the fetch to NotAfter; negative when expired
	Verified  bool      `json:"verified"`
}

// Failed reports whether the URL failed (an error kind, not an HTTP status).
func (r *Result) Failed() bool { return r.ErrorKind != "" }

// BrokenLink reports whether a crawl counts r as a broken link: it failed
// (robots.txt's refusal and a stopped run aside) or answered 4xx or 5xx.
func (r *Result) BrokenLink() bool {
	return r.Status >= 400 || r.Failed() && r.ErrorKind != KindRobots && r.ErrorKind != KindCanceled
}

// RedactedURL is the record's URL with any password replaced by "xxxxx"
// (url.URL.Redacted), for summaries and messages: the record itself keeps
// the line as given.
func (r *Result) RedactedURL() string { return RedactURL(r.URL) }
