package fetcher

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// retryable reports whether an attempt's result is worth another attempt:
// timeouts, connection failures other than a refused connection (final, as
// in curl: a closed port is not transient), resets, local resource failures
// (after a pause), and statuses 429, 502, 503, 504. cause is the attempt's
// error, nil when it had none.
func retryable(res *record.Result, cause error) bool {
	switch res.ErrorKind {
	case record.KindConnect:
		return !refused(cause)
	case record.KindTimeout, record.KindReset, record.KindLocal:
		return true
	case "":
		switch res.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	}
	return false
}

// backoffBase is the ceiling of the first backoff.
const backoffBase = 250 * time.Millisecond

// backoff is the wait before retry n (1-based): full jitter, a uniform
// random duration up to backoffBase·2^(n-1), capped by MaxRetryWait.
func (f *Fetcher) backoff(n int) time.Duration {
	ceiling := backoffBase << min(n-1, 20)
	if ceiling <= 0 || ceiling > f.opts.MaxRetryWait {
		ceiling = f.opts.MaxRetryWait
	}
	return rand.N(ceiling) + time.Millisecond
}

// parseRetryAfter reads a Retry-After value, seconds or an HTTP date, as a
// wait from now; 0 when absent, malformed or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, 1<<31)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
