package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/robots"
)

// newRobots is a run's robots.txt cache (docs/seo.md, "robots.txt"): robots.txt
// is fetched with *f, the run's fetcher, so through the run's limits,
// timeout and retries; with obey, a Crawl-delay slows its host in lim, and
// slowed (if set) hears of it when the delay is slower than --host-rate.
// *f is read at the first fetch, after the fetcher is made.
func newRobots(f **fetcher.Fetcher, lim *limiter.Limits, obey bool, hostRate float64, slowed func(string, time.Duration)) *robots.Cache {
	cfg := robots.Config{}
	if obey {
		cfg.Fetched = func(u *url.URL, r *robots.Rules) {
			key := input.HostKey(u)
			lim.Slow(key, r.CrawlDelay, time.Now())
			binds := r.CrawlDelay > 0 && (hostRate <= 0 || r.CrawlDelay.Seconds()*hostRate > 1)
			if binds && slowed != nil {
				slowed(key, r.CrawlDelay)
			}
		}
	}
	return robots.NewCache(func(ctx context.Context, u *url.URL) (int, []byte, error) {
		return fetchRobots(ctx, *f, u)
	}, cfg)
}

// fetchRobots gets robots.txt at u with f, following at most five
// redirects and reading at most robots.MaxBytes, as RFC 9309 asks. More
// redirects than that, or one fanout does not follow, make robots.txt
// unavailable.
func fetchRobots(ctx context.Context, f *fetcher.Fetcher, u *url.URL) (int, []byte, error) {
	var status int
	var body []byte
	err := f.Read(ctx, u, 5, func(s int, r io.Reader) error {
		var err error
		status = s
		body, err = io.ReadAll(io.LimitReader(r, robots.MaxBytes))
		return err
	})
	var re *fetcher.ReadError
	if errors.As(err, &re) && re.Kind == record.KindRedirect {
		return 0, nil, fmt.Errorf("%w: %w", robots.ErrUnavailable, err)
	}
	return status, body, err
}
