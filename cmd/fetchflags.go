package cmd

import (
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/internal/buildinfo"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/flagvalue"
)

// FetchFlags are the flags that say what each request is and how long it
// may take: every command that fetches (scrape, bench, sitemap) embeds
// them, with its own defaults. A new flag that shapes the requests goes
// here: a field, its line in AddFlags, its check in Validate, and where it
// lands in Options (see docs/ARCHITECTURE.md).
type FetchFlags struct {
	Timeout      time.Duration
	Retries      int
	MaxRetryWait time.Duration
	MaxBody      flagvalue.Bytes
	MaxRedirects int
	UserAgent    string
	Headers      flagvalue.Headers
	Insecure     bool
	HTTP1        bool
	Method       string
	Proxy        flagvalue.Proxy
	Resolvers    resolverList
	Verbose      bool // -v: scrape, crawl and sitemap only (verbose.go)
}

// newFetchFlags returns scrape's defaults; the User-Agent names this
// build, for every command alike.
func newFetchFlags() FetchFlags {
	return FetchFlags{
		Timeout: 10 * time.Second, Retries: 2, MaxRetryWait: 30 * time.Second, MaxBody: fetcher.DefaultMaxBody,
		MaxRedirects: 10, UserAgent: buildinfo.Read().UserAgent(), Method: "GET",
	}
}

// AddFlags registers the group's flags on f; each default is o's value.
func (o *FetchFlags) AddFlags(f *pflag.FlagSet) {
	f.VarP((*flagvalue.Duration)(&o.Timeout), "timeout", "t", "one attempt, the whole exchange including the body: 5 (seconds), 1.5, 500ms, 2m")
	f.IntVar(&o.Retries, "retries", o.Retries, "extra attempts after timeouts, connection errors, resets, 429, 502, 503, 504 (a refused connection is final, as in curl)")
	f.Var((*flagvalue.Duration)(&o.MaxRetryWait), "max-retry-wait", "longest wait before a retry, Retry-After included")
	f.Var(&o.MaxBody, "max-body", "bytes read per response at most, after decompression (e.g. 512K, 4MiB)")
	f.IntVar(&o.MaxRedirects, "max-redirects", o.MaxRedirects, "redirects followed at most (http and https only; 0: none, the 3xx is the result)")
	f.StringVarP(&o.UserAgent, "user-agent", "A", o.UserAgent, "User-Agent header")
	f.VarP(&o.Headers, "header", "H", "extra request header, repeatable (Host: sets the request's Host; a name that is not a token or a control character in the value is a usage error)")
	f.BoolVarP(&o.Insecure, "insecure", "k", o.Insecure, "skip TLS certificate verification")
	f.StringVarP(&o.Method, "method", "X", o.Method, "GET or HEAD (HEAD reads no body: no title, size 0; robots.txt and sitemaps are always read with GET)")
	f.BoolVar(&o.HTTP1, "http1", o.HTTP1, "HTTP/1.1 only: do not offer HTTP/2 to TLS servers (by default h2 is used where the server takes it, one connection per host)")
	f.VarP(&o.Proxy, "proxy", "x", "send every request through this proxy: http://, https://, socks5:// (default: HTTPS_PROXY, HTTP_PROXY, NO_PROXY)")
	f.Var(&o.Resolvers, "resolver", "DNS server for every lookup, IP or IP:port (repeatable: used in turn; default: the system's)")
}

// Validate checks the group's values, naming the flag at fault.
func (o *FetchFlags) Validate() error {
	switch {
	case o.Timeout <= 0:
		return exit.Usagef("--timeout must be positive, not %s", o.Timeout)
	case o.Retries < 0 || o.Retries > 100:
		return exit.Usagef("--retries must be between 0 and 100, not %d", o.Retries)
	case o.MaxRetryWait <= 0:
		return exit.Usagef("--max-retry-wait must be positive")
	case o.MaxRedirects < 0:
		return exit.Usagef("--max-redirects must not be negative")
	case strings.ToUpper(o.Method) != "GET" && strings.ToUpper(o.Method) != "HEAD":
		return exit.Usagef("--method is GET or HEAD, not %q", o.Method)
	}
	return nil
}

// Options are the fetcher's options the flags ask for (--max-redirects 0
// is fetcher.NoFollow).
func (o *FetchFlags) Options() fetcher.Options {
	maxRedirects := o.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = fetcher.NoFollow
	}
	return fetcher.Options{
		Timeout: o.Timeout, Retries: o.Retries, MaxRetryWait: o.MaxRetryWait,
		MaxBody: int64(o.MaxBody), MaxRedirects: maxRedirects,
		UserAgent: o.UserAgent, Header: o.Headers.Header(), Insecure: o.Insecure, HTTP1: o.HTTP1, Proxy: o.Proxy.URL(),
		Resolvers: o.Resolvers, Method: strings.ToUpper(o.Method),
	}
}
