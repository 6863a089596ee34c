package fetcher

import (
	"context"
	"net/url"

	"github.com/fanout-dev/fanout/record"
)

// RobotsRules decides whether a URL may be fetched under its origin's
// robots.txt. Cached reports the verdict when it is known without a
// request; Allowed may fetch robots.txt (through this Fetcher's Read, and
// so through the gate), and fails only when ctx ends. robots.Cache
// implements it.
type RobotsRules interface {
	Cached(u *url.URL) (allowed, known bool)
	Allowed(ctx context.Context, u *url.URL) (bool, error)
}

// robotsCheck applies Options.Robots to u before its first attempt: it
// sets res.RobotsTxt, and with Options.ObeyRobots reports whether u must
// not be fetched (res then says why). release is the admission held for
// the first attempt: when robots.txt must be fetched it is given back
// first (that fetch needs a slot of the same host), and nil is returned in
// its place.
func (f *Fetcher) robotsCheck(ctx context.Context, u *url.URL, res *record.Result, release func()) (skip bool, _ func()) {
	allowed, known := f.opts.Robots.Cached(u)
	if !known {
		if release != nil {
			release()
			release = nil
		}
		var err error
		if allowed, err = f.opts.Robots.Allowed(ctx, u); err != nil {
			res.ErrorKind, res.Error = record.KindCanceled, "canceled: the run stopped while robots.txt was fetched"
			return true, nil
		}
	}
	res.RobotsTxt = "allowed"
	if !allowed {
		res.RobotsTxt = "disallowed"
		if f.opts.ObeyRobots {
			if release != nil {
				release()
			}
			res.ErrorKind, res.Error = record.KindRobots, "disallowed by "+u.Scheme+"://"+u.Host+"/robots.txt"
			return true, nil
		}
	}
	return false, release
}
