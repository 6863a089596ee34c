package limiter

import (
	"time"

	"golang.org/x/time/rate"
)

// maxSlowHosts bounds how many hosts' Slow intervals are remembered; past
// it, an arbitrary one is forgotten (its host goes back to Config.HostRate).
const maxSlowHosts = 10_000

// Slow makes host key start at most one request every d from now on (a
// robots.txt Crawl-delay): the host's rate becomes the lower of
// Config.HostRate and 1/d, with burst 1. It outlives the host's idle state
// being dropped. d <= 0 does nothing.
func (l *Limits) Slow(key string, d time.Duration, now time.Time) {
	if d <= 0 {
		return
	}
	limit := rate.Every(d)
	if l.cfg.HostRate > 0 {
		limit = min(limit, rate.Limit(l.cfg.HostRate))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.slow == nil {
		l.slow = map[string]rate.Limit{}
	}
	if _, ok := l.slow[key]; !ok && len(l.slow) >= maxSlowHosts {
		for k := range l.slow {
			delete(l.slow, k)
			break
		}
	}
	l.slow[key] = limit
	if h := l.hosts[key]; h != nil {
		if h.bucket == nil {
			h.bucket = rate.NewLimiter(limit, 1)
		} else {
			h.bucket.SetLimitAt(now, limit)
		}
	}
}

// hostBucket is a new host's rate limiter: its Slow interval, else
// Config.HostRate, else none. l.mu is held.
func (l *Limits) hostBucket(key string) *rate.Limiter {
	if limit, ok := l.slow[key]; ok {
		return rate.NewLimiter(limit, 1)
	}
	if l.cfg.HostRate > 0 {
		return rate.NewLimiter(rate.Limit(l.cfg.HostRate), 1)
	}
	return nil
}
