package cmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/progress"
)

// throttleMode is the value of --throttle: auto or off.
type throttleMode limiter.Throttle

// The values of --throttle.
const (
	throttleOff  = throttleMode(limiter.ThrottleOff)
	throttleAuto = throttleMode(limiter.ThrottleAuto)
)

func (m *throttleMode) String() string {
	if limiter.Throttle(*m) == limiter.ThrottleAuto {
		return "auto"
	}
	return "off"
}

func (m *throttleMode) Type() string { return "mode" }

func (m *throttleMode) Set(s string) error {
	switch strings.TrimSpace(s) {
	case "auto":
		*m = throttleMode(limiter.ThrottleAuto)
	case "off":
		*m = throttleMode(limiter.ThrottleOff)
	default:
		return fmt.Errorf("%q is not auto or off", s)
	}
	return nil
}

// throttleHelp is --throttle's line in --help; docs/throttle.md has the
// rule's numbers and why.
const throttleHelp = "auto: each host gets a window of requests in flight, from 2 up to the per-host cap: +1 per round of answers " +
	"while their lower-quartile latency stays within 1.2× the host's best recent one; ×0.75 after two slower rounds, ×0.5 on a 429, " +
	"503, timeout or reset (docs/throttle.md). off: the per-host cap whenever there is work"

// watchThrottle has bar's log lines report the hosts' windows, under
// --throttle auto.
func watchThrottle(bar *progress.Bar, mode throttleMode, cfg *pipeline.Config) {
	if bar != nil && bar.IsLog() && limiter.Throttle(mode) == limiter.ThrottleAuto {
		cfg.WatchThrottle = func(report func(now time.Time) limiter.ThrottleReport) {
			bar.WatchThrottle(func(now time.Time) string { return report(now).Status() })
		}
	}
}

// capacityHelp is --capacity's line in serve's and bench's help.
const capacityHelp = "the site copes with N requests at once (all its addresses together): a page waits --latency × in-flight/N " +
	"(at least --latency), and a request arriving with more than 2N in flight gets 503 at once; for --throttle (0: no limit)"
