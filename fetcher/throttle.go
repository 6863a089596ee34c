package fetcher

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

// Observer is a Gate that adapts each host's window to how it answers
// (limiter.Limits does, under --throttle auto). Answered is told of each
// attempt's last request before the attempt's admission is given back.
type Observer interface {
	Answered(host string, a limiter.Answer)
}

// exchange is one request sent: where, when, and how long its response's
// headers took (0: none came).
type exchange struct {
	url  *url.URL
	sent time.Time
	took time.Duration
}

// answered tells the gate, if it is an Observer, what an attempt's last
// request said of its host's load: a 429 or 503, a timeout or a reset is
// an overload; a 2xx answer's latency (to its headers, as Scrapy's
// AutoThrottle measures it) is compared with the host's best; any other
// status counts as an answer without a latency. A failure that says
// nothing of the host's load (a lookup, a refused connection, TLS, a hop
// that timed out waiting for its turn) and a run that stopped tell
// nothing.
func (f *Fetcher) answered(ctx context.Context, end attemptEnd, res *record.Result) {
	o, ok := f.gate.(Observer)
	if !ok || end.last.url == nil || ctx.Err() != nil {
		return
	}
	a := limiter.Answer{Sent: end.last.sent}
	switch {
	case end.err != nil && waitedForHop(end.err):
		return
	case res.ErrorKind == record.KindTimeout || res.ErrorKind == record.KindReset:
		a.Overload = limiter.CauseFailure
	case res.ErrorKind != "":
		return
	case res.Status == http.StatusTooManyRequests || res.Status == http.StatusServiceUnavailable:
		a.Overload = limiter.CauseStatus
	case res.Status >= 200 && res.Status < 300:
		a.Latency = end.last.took
	}
	o.Answered(input.HostKey(end.last.url), a)
}
