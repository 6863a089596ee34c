package fetcher

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// do sends the GET request req through the Transport and follows
// redirects. Calling the Transport directly spares what http.Client does on
// every request for features fanout does not use (a header copier for a
// cookie jar, a URL copy, a deadline).
//
// It mirrors what net/http's Client.Do (client.go) does for a GET with no
// cookie jar and no CheckRedirect:
//   - 301, 302, 303, 307 and 308 with a Location are followed; a 3xx with
//     none is the response (Go issues 17773 and 49281).
//   - The first request's headers go along on every hop (Go issue 4800),
//     except the credential headers (sensitiveHeader) from the first hop
//     whose host is neither the first URL's host nor a subdomain of it; once
//     dropped they stay dropped, even if a later hop comes back (Go issue
//     70530, CVE-2024-45336).
//   - Referer is the previous hop's URL without its user information, none
//     from https to http (RFC 7231, section 5.5.2), and the user's own
//     Referer, if set, wins.
//   - A URL with user information (http://user:pass@host/) is sent with
//     Basic authentication, on the first request and on each hop whose
//     URL carries user information, unless an Authorization header is set
//     (Client.send). A relative Location keeps the host and its user
//     information; a Location to another host carries none unless it names
//     its own, so the first URL's password never leaves its host.
//   - ErrUseLastResponse from the redirect check makes the 3xx the result
//     (Go issue 10069), and a small body of a hop is read before closing so
//     that its connection is reused.
//
// Where it differs from Client.Do:
//   - Only http and https Locations are followed; any other scheme stops
//     with a RedirectError (http.Client would fail in the Transport), and
//     so does a host or port that input would refuse in a line
//     (input.CheckHostPort: port 99999, an empty host), which http.Client
//     would try to dial.
//   - A URL seen again ends the chain with a RedirectError (http.Client
//     follows a loop until its limit of 10).
//   - The limit is Options.MaxRedirects, and NoFollow makes the first 3xx
//     the result, whatever its Location (even a file: one).
//   - Errors name the URL with its password redacted, as Client.Do does,
//     and a redirect error is returned without the response.
//   - Every hop is a request like any other: before it is sent, the
//     admission held for the previous one (*release) is given back and the
//     gate admits the hop to its host (a host slot, a global slot, a token
//     of each rate), so that hops keep --per-host and --rate; nothing is
//     held while waiting. The wait counts against the attempt's timeout.
//
// ex, if not nil, is left describing the last request sent.
func (f *Fetcher) do(req *http.Request, release *func(), ex *exchange) (*http.Response, error) {
	first, headers := req.URL, req.Header // the user's headers, without the URL's credentials
	host := req.Host                      // the URL's, or the user's -H 'Host: …'
	var via []*http.Request
	strip := false
	setBasicAuth(req)
	for {
		if ex != nil {
			*ex = exchange{url: req.URL, sent: time.Now()}
		}
		resp, err := f.transport.RoundTrip(req)
		if ex != nil && err == nil {
			ex.took = time.Since(ex.sent)
		}
		if err != nil {
			return nil, &url.Error{Op: "Get", URL: req.URL.Redacted(), Err: err}
		}
		dropSwitched(resp)
		if !isRedirect(resp.StatusCode) {
			return resp, nil
		}
		loc := resp.Header.Get("Location")
		if loc == "" {
			return resp, nil
		}
		next, err := req.URL.Parse(loc)
		if err != nil {
			resp.Body.Close()
			return nil, &url.Error{Op: "Get", URL: req.URL.Redacted(), Err: fmt.Errorf("failed to parse Location header %q: %v", loc, err)}
		}
		strip = strip || !sameDomain(first, next)
		nreq := newGet(req.Context(), next, make(http.Header, len(headers)+1))
		nreq.Method = req.Method // GET or HEAD: both kept across a redirect, as net/http keeps them
		if next.Host == first.Host {
			nreq.Host = host // -H 'Host: …' goes along within the first URL's host:port, as in curl
		}
		nreq.Response = resp
		for k, vs := range headers {
			if !strip || !sensitiveHeader(k) {
				nreq.Header[k] = vs
			}
		}
		if _, set := nreq.Header["Referer"]; !set {
			if ref := referer(req.URL, next); ref != "" {
				nreq.Header["Referer"] = []string{ref}
			}
		}
		setBasicAuth(nreq)
		via = append(via, req)
		err = f.checkRedirect(nreq, via)
		if err == http.ErrUseLastResponse {
			return resp, nil
		}
		// Read a small body so that its connection is used again.
		if resp.ContentLength == -1 || resp.ContentLength <= 2<<10 {
			io.CopyN(io.Discard, resp.Body, 2<<10)
		}
		resp.Body.Close()
		if err != nil {
			return nil, &url.Error{Op: "Get", URL: next.Redacted(), Err: err}
		}
		if err := f.admitHop(nreq, release); err != nil {
			return nil, &url.Error{Op: "Get", URL: next.Redacted(), Err: err}
		}
		req = nreq
	}
}

// dropSwitched leaves a 101 answer without a body: what follows it is
// another protocol, and net/http's Transport hands the connection over as
// the body, which neither -t nor the run's end stops. None is read (h1
// gives none).
func dropSwitched(resp *http.Response) {
	if resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body.Close()
		resp.Body = http.NoBody
	}
}

// admitHop gives back the admission *release ends and waits for the gate
// to admit req, leaving in *release the function that ends the new one.
func (f *Fetcher) admitHop(req *http.Request, release *func()) error {
	if f.gate == nil {
		return nil
	}
	(*release)()
	*release = func() {} // nothing is held while waiting
	host := input.HostKey(req.URL)
	rel, err := f.gate.Acquire(req.Context(), host)
	if err != nil {
		return &hopWaitError{host: host, err: err}
	}
	*release = rel
	return nil
}

// hopWaitError is a redirect hop that ended while it waited for the gate,
// before it was sent: the attempt's timeout names that wait, not the
// response, which was never asked for.
type hopWaitError struct {
	host string // the hop's input.HostKey
	err  error
}

func (e *hopWaitError) Error() string {
	return "waiting to follow the redirect to " + e.host + ": " + e.err.Error()
}

func (e *hopWaitError) Unwrap() error { return e.err }

// waitedForHop reports whether err is a redirect hop's wait for the gate
// (a *hopWaitError).
func waitedForHop(err error) bool {
	hw := (*hopWaitError)(nil)
	return errors.As(err, &hw)
}

// waitingFor says what an exchange that failed with err was waiting for,
// for a timeout's message: the response, or a redirect hop's turn.
func waitingFor(err error) string {
	if hw := (*hopWaitError)(nil); errors.As(err, &hw) {
		return "waiting for a turn at " + hw.host + " (--per-host, -c, --rate, --host-rate) to follow a redirect; the wait counts against -t"
	}
	return "waiting for the response"
}

// checkRedirect decides whether the hop req, after via, is followed: nil,
// http.ErrUseLastResponse (the 3xx is the result), or a RedirectError.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if f.opts.MaxRedirects == NoFollow {
		return http.ErrUseLastResponse
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &RedirectError{fmt.Sprintf("redirect to unsupported scheme %q not followed", req.URL.Scheme)}
	}
	if err := input.CheckHostPort(req.URL); err != nil {
		return &RedirectError{fmt.Sprintf("redirect to %s not followed: %v", req.URL.Redacted(), err)}
	}
	if len(via) > f.opts.MaxRedirects {
		return &RedirectError{fmt.Sprintf("stopped after %d redirects", len(via))}
	}
	next := req.URL.String()
	for _, r := range via {
		if r.URL.String() == next {
			return &RedirectError{fmt.Sprintf("redirect loop: %s seen again after %d redirects", req.URL.Redacted(), len(via))}
		}
	}
	return nil
}

// setBasicAuth sends the user information of req's URL as Basic
// authentication, unless an Authorization header is set (as Client.send
// does). It gives req a header of its own, so that what later hops copy
// from the first request does not include it.
func setBasicAuth(req *http.Request) {
	u := req.URL.User
	if u == nil {
		return
	}
	if _, set := req.Header["Authorization"]; set {
		return
	}
	password, _ := u.Password()
	req.Header = req.Header.Clone()
	req.SetBasicAuth(u.Username(), password)
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// sensitiveHeader reports whether header k (canonical) carries credentials
// that must not follow a redirect to another domain.
func sensitiveHeader(k string) bool {
	switch k {
	case "Authorization", "Www-Authenticate", "Cookie", "Cookie2",
		"Proxy-Authorization", "Proxy-Authenticate":
		return true
	}
	return false
}

// sameDomain reports whether dest's host is initial's or a subdomain of it,
// where credentials may follow a redirect.
func sameDomain(initial, dest *url.URL) bool {
	parent, sub := strings.ToLower(initial.Hostname()), strings.ToLower(dest.Hostname())
	if sub == parent {
		return true
	}
	if strings.ContainsAny(sub, ":%") { // an IPv6 address, not a name
		return false
	}
	return strings.HasSuffix(sub, "."+parent)
}

// referer is the Referer for a hop from last to next: last without its
// user information, and none from https to http.
func referer(last, next *url.URL) string {
	if last.Scheme == "https" && next.Scheme == "http" {
		return ""
	}
	if last.User == nil {
		return last.String()
	}
	u := *last
	u.User = nil
	return u.String()
}
