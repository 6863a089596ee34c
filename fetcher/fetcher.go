// Package fetcher fetches one URL and returns one Result: attempts with a
// timeout over the whole exchange, retries with backoff and Retry-After,
// redirects, a cap on the bytes read, and every failure classified. It never
// prints.
package fetcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/buildinfo"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/resolve"
)

// DefaultUserAgent is sent unless Options.UserAgent says otherwise: the
// build's (buildinfo.Version.UserAgent), the one fanout version names.
func DefaultUserAgent() string { return buildinfo.Read().UserAgent() }

// Gate admits attempts to a host. Acquire blocks until host (a
// input.HostKey) may start one, and returns the function that ends it. Pause
// asks that no attempt start on host before until. The limiter package
// implements it.
type Gate interface {
	Acquire(ctx context.Context, host string) (release func(), err error)
	Pause(host string, until time.Time)
}

// Options configure a Fetcher. Zero values are replaced by the defaults
// below, except Retries (0: no retries).
type Options struct {
	Timeout      time.Duration // one attempt, body included; default 10s
	Retries      int           // extra attempts after a retryable failure
	MaxRetryWait time.Duration // cap on Retry-After and backoff; default 30s
	MaxBody      int64         // bytes read per response; default DefaultMaxBody
	MaxRedirects int           // redirects followed; default 10; NoFollow: none
	UserAgent    string        // default DefaultUserAgent()
	Header       http.Header   // added to every request
	Insecure     bool          // skip TLS certificate checks
	// RootCAs are the certificate authorities trusted; nil: the system's
	// (SSL_CERT_FILE and SSL_CERT_DIR included).
	RootCAs *x509.CertPool
	// Resolvers are DNS servers (host:port) for every lookup; empty: the
	// system's. Tests always set them (internal/dnstest).
	Resolvers []string
	// Proxy, when set, is where every request goes (http, https, socks5 or
	// socks5h, as http.Transport supports); nil: the environment's
	// HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
	Proxy *url.URL
	// IdleConnsPerHost is how many connections are kept per host, and
	// (without a proxy) how many HTTP/1.1 connections a host gets at most;
	// set it to the per-host concurrency. Default 64.
	IdleConnsPerHost int
	// HTTP1 offers only HTTP/1.1 to TLS servers; false: h2 is offered too
	// (by ALPN) and used when the server takes it.
	HTTP1 bool

	Fields    extract.Fields     // what is read from a page (--fields); 0: the title
	Selectors []extract.Selector // -e: values by CSS selector, from a tree of the body
	// TreeBudget bounds the bytes of -e's trees in flight, all attempts
	// together (extract.TreeCost each); default DefaultTreeBudget.
	TreeBudget int64
	// Exchange is what is recorded of the exchange itself (ip, tls,
	// hash); HeaderFields are the response headers the headers field
	// keeps (--header-field).
	Exchange     Exchange
	HeaderFields []string
	// Capture, when set, wraps every connection (after TLS) to record
	// its exchanges (--warc); only HTTP/1.1 is spoken then, so that the
	// bytes on the connection are the exchange itself. nil: connections
	// are used as dialed.
	Capture Capturer
	// Method is GET (the default, "") or HEAD for pages: a HEAD reads no
	// body, so no title. Read jobs (robots.txt, sitemaps) always GET.
	Method string
	// Attempted, when set, is told of every attempt as it ends (-v); it
	// is called from the goroutines making attempts, concurrently.
	Attempted  func(Attempt)
	Robots     RobotsRules // robots.txt verdicts; nil: robots.txt is not read
	ObeyRobots bool        // with Robots: a disallowed URL is not fetched
}

// Capturer wraps a connection made for scheme (http or https; for https,
// the TLS connection) to record what goes through it: warc.Recorder.
type Capturer interface {
	Wrap(c net.Conn, scheme string) net.Conn
}

// DefaultMaxBody is the default cap on bytes read per response: 4 MiB.
const DefaultMaxBody = 4 << 20

// NoFollow is the Options.MaxRedirects that follows no redirect: a 3xx
// response is the result, whatever its Location says.
const NoFollow = -1

// Fetcher fetches URLs. It is safe for concurrent use.
type Fetcher struct {
	opts      Options
	transport *conns
	gate      Gate
	// header is every first request's header (Options.Header and the
	// User-Agent), one map shared by all of them: nothing writes to it
	// (a hop gets a header of its own, see do and setBasicAuth).
	header http.Header
	host   string              // -H 'Host: …': the first request's Host, "" for the URL's
	trees  *semaphore.Weighted // Options.TreeBudget, shared by every attempt
}

// New returns a Fetcher. gate admits retries and fallback attempts; nil
// admits them at once.
func New(opts Options, gate Gate) *Fetcher {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = 30 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = 10
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent()
	}
	if opts.IdleConnsPerHost <= 0 {
		opts.IdleConnsPerHost = 64
	}
	if opts.TreeBudget <= 0 {
		opts.TreeBudget = DefaultTreeBudget
	}
	f := &Fetcher{opts: opts, gate: gate, trees: semaphore.NewWeighted(opts.TreeBudget)}
	var userEncoding bool
	f.opts.Header, f.host, userEncoding = splitHeader(opts.Header)
	f.header = make(http.Header, len(f.opts.Header)+1)
	maps.Copy(f.header, f.opts.Header)
	f.header["User-Agent"] = []string{opts.UserAgent}
	if !userEncoding {
		f.header["Accept-Encoding"] = []string{"gzip"} // decoded here (decoded), whichever path a request takes
	}
	f.transport = newConns(opts, resolve.New(resolve.Config{Servers: opts.Resolvers, Timeout: lookupTimeout(opts.Timeout)}))
	return f
}

// lookupTimeout bounds one DNS lookup: 5s, or half the attempt's timeout
// when that is shorter, so that a resolver that does not answer is a dns
// failure and not the attempt's timeout.
func lookupTimeout(attempt time.Duration) time.Duration {
	return min(5*time.Second, attempt/2)
}

// Close closes idle connections.
func (f *Fetcher) Close() { f.transport.CloseIdleConnections() }

// Fetch fetches t and returns its Result; it never fails otherwise. It makes
// every attempt of t itself, waiting between them (a run uses Step, so that
// a URL waiting to retry holds nothing). release ends the admission the
// caller already holds for the first attempt (nil if none: then the gate is
// asked). Later attempts are admitted by the gate, and no admission is held
// while waiting between attempts. When ctx ends, the result is
// record.KindCanceled; a retry that would start after ctx's deadline is not
// made, and the result is the last attempt's.
func (f *Fetcher) Fetch(ctx context.Context, t input.Target, release func()) record.Result {
	return f.run(ctx, NewJob(t), release)
}

// run makes every attempt of j, waiting between them, as Fetch says.
func (f *Fetcher) run(ctx context.Context, j *Job, release func()) record.Result {
	for {
		if release == nil && j.target.Err == nil {
			var err error
			if release, err = f.acquire(ctx, j.url); err != nil {
				j.Abandon(ctx.Err() != nil)
				return j.Result
			}
		}
		wait, done := f.Step(ctx, j, release)
		release = nil
		if done {
			return j.Result
		}
		if !sleep(ctx, wait) {
			j.Abandon(ctx.Err() != nil)
			return j.Result
		}
	}
}

func (f *Fetcher) acquire(ctx context.Context, u *url.URL) (func(), error) {
	if f.gate == nil {
		return func() {}, ctx.Err()
	}
	return f.gate.Acquire(ctx, input.HostKey(u))
}

// attempt makes one exchange with u, overwrites res's response fields, and
// says how it ended: the wait a 429 or 503 asked for in Retry-After, the
// failure, and (when traced) whether a connection was made. A Read job's
// body goes to its read function (handOver), not into res. *release ends
// the admission the attempt holds; each redirect hop replaces it (see do).
func (f *Fetcher) attempt(ctx context.Context, j *Job, u *url.URL, release *func(), traced bool, w *attemptWatch) (end attemptEnd) {
	res := &j.Result
	res.Status, res.Title, res.HasTitle, res.FinalURL, res.Redirects, res.FirstStatus = 0, "", false, "", 0, 0
	res.ContentType, res.Size, res.Truncated, res.Error, res.ErrorKind = "", 0, false, "", ""
	res.Proto = ""
	clearPage(res)
	clearExchange(res)

	actx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	rctx := w.trace(actx)
	if traced {
		// A flag of its own, not the Job's: a trace callback that ran
		// late must not write into a Job serving another target.
		connected := new(bool)
		rctx = traceConnection(rctx, connected)
		defer func() { end.connected = *connected }()
	}
	if f.opts.Exchange&ExchangeIP != 0 {
		rctx = traceIP(rctx, res)
	}
	var conn *net.Conn // with Capture: the final response's connection
	if f.opts.Capture != nil {
		conn = new(net.Conn)
		rctx = traceConn(rctx, conn)
	}
	req := newGet(rctx, u, f.header)
	if f.opts.Method == http.MethodHead && j.read == nil { // robots.txt and sitemaps are read with GET
		req.Method = http.MethodHead
	}
	res.Method = req.Method
	if f.host != "" {
		req.Host = f.host
	}
	resp, err := f.do(req, release, &end.last)
	if err != nil {
		f.fail(res, err, actx, waitingFor(err))
		end.err = err
		return end
	}
	defer resp.Body.Close()

	if t, ok := captured(conn).(interface{ TLSState() *tls.ConnectionState }); ok && resp.TLS == nil {
		resp.TLS = t.TLSState() // a Capturer's connection hides the *tls.Conn from net/http
	}
	res.Status = resp.StatusCode
	res.ContentType = resp.Header.Get("Content-Type")
	res.Proto = protoName(resp)
	f.recordExchange(resp, res)
	res.FinalURL = resp.Request.URL.Redacted()
	for r := resp.Request; r.Response != nil; r = r.Response.Request {
		res.Redirects++
		res.FirstStatus = r.Response.StatusCode // the last one seen is the first hop's
	}
	if res.Status == http.StatusTooManyRequests || res.Status == http.StatusServiceUnavailable {
		end.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}

	decoded, known, err := f.decoded(resp)
	if err != nil {
		f.fail(res, err, actx, "reading the body")
		end.err = err
		return end
	}
	if j.read != nil {
		f.handOver(ctx, actx, j, decoded)
		return end
	}
	page := decoded // what truncated looks past: the page, not the bytes as sent
	decoded, sum := f.hashing(decoded, res)
	defer sum()
	j.body = cappedReader{r: decoded, left: f.opts.MaxBody}
	body := &j.body
	defer func() { j.body = cappedReader{} }() // the Job keeps no reader of this response
	if known {
		err = f.readPage(actx, body, resp.Header, resp.Request.URL, res)
	}
	if err == nil {
		_, err = io.Copy(io.Discard, body)
	}
	res.Size = body.read
	if err == nil && body.left == 0 {
		var one [1]byte
		n, _ := io.ReadFull(page, one[:])
		res.Truncated = n > 0 // closing unread closes the connection: no drain
		if cut, ok := captured(conn).(interface{ Cut() }); ok && res.Truncated {
			cut.Cut()
		}
	}
	if err != nil {
		f.fail(res, err, actx, duringPage(err))
		end.err = err
	}
	return end
}

// protoName is the protocol that answered, as the record says it:
// HTTP/1.1, HTTP/2 (Go's "HTTP/2.0"), HTTP/1.0.
func protoName(resp *http.Response) string {
	switch {
	case resp.ProtoMajor == 2:
		return "HTTP/2"
	case resp.ProtoMajor == 1 && resp.ProtoMinor == 1:
		return "HTTP/1.1"
	}
	return resp.Proto
}

// newGet returns a GET request for u with header h. The URL is already
// parsed: the request is built around it rather than have NewRequest
// print and parse it again.
func newGet(ctx context.Context, u *url.URL, h http.Header) *http.Request {
	return (&http.Request{
		Method: http.MethodGet, URL: u, Host: u.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h,
	}).WithContext(ctx)
}

// captured is the connection a Capturer's trace saw (nil without one).
func captured(conn *net.Conn) net.Conn {
	if conn == nil {
		return nil
	}
	return *conn
}

// fail records err on res, in words a person can act on. An error after the
// attempt's own deadline passed is a timeout, whatever broke.
func (f *Fetcher) fail(res *record.Result, err error, actx context.Context, during string) {
	res.ErrorKind = Classify(err)
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		res.ErrorKind = record.KindTimeout
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var dnsErr *resolve.Error
	if errors.As(err, &dnsErr) {
		err = dnsErr // its own words, without "dial tcp: " before them
	}
	switch res.ErrorKind {
	case record.KindTimeout:
		res.Error = fmt.Sprintf("timed out after %s %s", f.opts.Timeout, during)
	default:
		res.Error = err.Error()
	}
}

// cappedReader reads at most left bytes and counts them.
type cappedReader struct {
	r    io.Reader
	left int64
	read int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	c.read += int64(n)
	return n, err
}

func withScheme(u *url.URL, scheme string) *url.URL {
	v := *u
	v.Scheme = scheme
	return &v
}

// sleep waits d or until ctx ends, and reports whether d passed. It does not
// start waiting when ctx's deadline comes first.
func sleep(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
