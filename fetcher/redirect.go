package fetcher

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// do sends the GET request req through the Transport and follows redirects
// as http.Client does for a GET without a cookie jar: 301, 302, 303, 307 and
// 308 with a Location; a 3xx without one is the response. Each hop is
// checked by checkRedirect; the first request's headers go along, except
// credentials once a hop leaves the first host and its subdomains; Referer
// is set, unless the user set one or a hop goes from https to http. Calling the Transport directly spares what
// http.Client does on every request for features fanout does not use (a
// header copier for cookies, a URL copy, a deadline).
func (f *Fetcher) do(req *http.Request) (*http.Response, error) {
	initial := req
	var via []*http.Request
	strip := false
	for {
		resp, err := f.transport.RoundTrip(req)
		if err != nil {
			return nil, &url.Error{Op: "Get", URL: req.URL.Redacted(), Err: err}
		}
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
		strip = strip || !sameDomain(initial.URL, next)
		nreq := newGet(req.Context(), next, len(initial.Header)+1)
		if next.Host == initial.URL.Host {
			nreq.Host = initial.Host // -H 'Host: …' goes along within the host, as in curl
		}
		nreq.Response = resp
		for k, vs := range initial.Header {
			if !strip || !sensitiveHeader(k) {
				nreq.Header[k] = vs
			}
		}
		if _, set := nreq.Header["Referer"]; !set {
			if ref := referer(req.URL, next); ref != "" {
				nreq.Header["Referer"] = []string{ref}
			}
		}
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
			return nil, &url.Error{Op: "Get", URL: loc, Err: err}
		}
		req = nreq
	}
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
