package pipeline

import (
	"context"
	"net/url"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
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
		return (*f).ReadRobots(ctx, u, robots.MaxBytes)
	}, cfg)
}
