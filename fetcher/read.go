package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
)

// ReadError is why Read got no response it could hand over: Kind
// classifies Err as Fetch would in a record.
type ReadError struct {
	URL  string
	Kind record.Kind
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("%s: %s: %v", e.URL, e.Kind, e.Err) }

func (e *ReadError) Unwrap() error { return e.Err }

// Read fetches u as Fetch fetches a target, for files such as robots.txt
// and sitemaps that fanout reads itself: each attempt is admitted by the
// gate and bounded by Options.Timeout (body included), the headers are
// Options' (User-Agent too), and a timeout, connection failure, reset, 429,
// 502, 503 or 504 is retried up to Options.Retries times with the same
// backoff and Retry-After. maxRedirects replaces Options.MaxRedirects when
// positive. read gets the final response's status and its body (after the
// Transport's decompression, not capped: read caps it); the attempt's slot
// is held until read returns. An error from read ends Read with it, without
// a retry, since read may already have used part of the body. A failure to
// get a response is a *ReadError; ctx's end is ctx's error.
func (f *Fetcher) Read(ctx context.Context, u *url.URL, maxRedirects int, read func(status int, body io.Reader) error) error {
	g := *f // same transport and gate; its own redirect cap
	if maxRedirects > 0 {
		g.opts.MaxRedirects = maxRedirects
	}
	for retries := 0; ; retries++ {
		release, err := g.acquire(ctx, u)
		if err != nil {
			return err
		}
		last := retries >= g.opts.Retries
		retryAfter, err := g.readOnce(ctx, u, last, read, &release)
		retryAfter = min(retryAfter, g.opts.MaxRetryWait)
		if retryAfter > 0 && g.gate != nil {
			g.gate.Pause(input.HostKey(u), time.Now().Add(retryAfter))
		}
		release()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != errRetry {
			return err
		}
		wait := g.backoff(retries + 1)
		if retryAfter > 0 {
			wait = retryAfter
		}
		if !sleep(ctx, wait) {
			return fmt.Errorf("%s: no time left to retry: %w", u.Redacted(), context.DeadlineExceeded)
		}
	}
}

// errRetry is readOnce's answer when another attempt is worth making.
var errRetry = errors.New("retry")

// readOnce makes one attempt of Read; last says no retry follows it.
// *release ends the attempt's admission; each redirect hop replaces it.
func (f *Fetcher) readOnce(ctx context.Context, u *url.URL, last bool, read func(int, io.Reader) error, release *func()) (time.Duration, error) {
	actx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req := newGet(actx, u, len(f.opts.Header)+1)
	for k, vs := range f.opts.Header {
		req.Header[k] = vs
	}
	req.Header["User-Agent"] = f.userAgent
	resp, err := f.do(req, release, nil)
	if err != nil {
		res := record.Result{}
		f.fail(&res, err, actx, "waiting for the response")
		if !last && retryable(&res, err) {
			return 0, errRetry
		}
		return 0, &ReadError{URL: u.Redacted(), Kind: res.ErrorKind, Err: err}
	}
	defer resp.Body.Close()
	var retryAfter time.Duration
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	if !last && retryable(&record.Result{Status: resp.StatusCode}, nil) {
		return retryAfter, errRetry
	}
	if err := read(resp.StatusCode, resp.Body); err != nil {
		if actx.Err() != nil && ctx.Err() == nil {
			return retryAfter, &ReadError{URL: u.Redacted(), Kind: record.KindTimeout,
				Err: fmt.Errorf("timed out after %s reading the body: %w", f.opts.Timeout, err)}
		}
		return retryAfter, err
	}
	return retryAfter, nil
}
