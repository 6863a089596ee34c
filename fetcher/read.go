package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

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

// RobotsUnavailable reports whether, for robots.txt, this failure leaves
// the file unavailable (a redirect that could not be followed: RFC 9309
// then allows everything) rather than unreachable (robots.Fetch).
func (e *ReadError) RobotsUnavailable() bool { return e.Kind == record.KindRedirect }

// ReadRobots gets the robots.txt at u as RFC 9309 asks: through Read,
// following at most five redirects, and at most maxBytes of its body. It
// is the one way fanout reads robots.txt (the --robots cache, sitemap
// --from-robots); its error for a redirect that could not be followed is
// a *ReadError whose RobotsUnavailable is true.
func (f *Fetcher) ReadRobots(ctx context.Context, u *url.URL, maxBytes int64) (status int, body []byte, err error) {
	err = f.Read(ctx, u, 5, func(s int, r io.Reader) error {
		var err error
		status = s
		body, err = io.ReadAll(io.LimitReader(r, maxBytes))
		return err
	})
	return status, body, err
}

// Read fetches u as Fetch fetches a target, for files such as robots.txt
// and sitemaps that fanout reads itself: the same attempts (Step), each
// admitted by the gate and bounded by Options.Timeout (body included), with
// Options' headers (User-Agent and Host too), retried as a target is
// (backoff, Retry-After pausing the host); robots.txt is not asked first.
// maxRedirects replaces Options.MaxRedirects when positive. read gets the
// final response's status and its body (decoded, not capped: read caps
// it); a status that is retried while retries are left is not handed
// over. The attempt's slot is held until read returns. An error from read
// ends Read with it, without a retry, since read may already have used
// part of the body. A failure to get a response is a *ReadError; ctx's end
// is ctx's error.
func (f *Fetcher) Read(ctx context.Context, u *url.URL, maxRedirects int, read func(status int, body io.Reader) error) error {
	g := *f // same transport and gate; its own redirect cap
	if maxRedirects > 0 {
		g.opts.MaxRedirects = maxRedirects
	}
	j := NewJob(input.Target{URL: u, Raw: u.Redacted()})
	j.read, j.robots = read, true
	res := g.run(ctx, j, nil)
	switch {
	case j.readErr != nil:
		return j.readErr
	case ctx.Err() != nil:
		return ctx.Err()
	case res.ErrorKind != "":
		err := j.lastErr
		if err == nil {
			err = errors.New(res.Error)
		}
		return &ReadError{URL: u.Redacted(), Kind: res.ErrorKind, Err: err}
	}
	return nil
}

// handOver gives a Read job's response body to its read function, unless
// the status asks for a retry that Step will make. read's error ends the
// job: a timeout reading the body is a *ReadError of kind timeout.
func (f *Fetcher) handOver(ctx, actx context.Context, j *Job, body io.Reader) {
	if j.retries < f.opts.Retries && retryable(&j.Result, nil) {
		return
	}
	err := j.read(j.Result.Status, body)
	switch {
	case err == nil:
	case actx.Err() != nil && ctx.Err() == nil:
		j.readErr = &ReadError{URL: j.url.Redacted(), Kind: record.KindTimeout,
			Err: fmt.Errorf("timed out after %s reading the body: %w", f.opts.Timeout, err)}
	default:
		j.readErr = err
	}
}
