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
const throttleHelp = "auto: each host gets a window of requests in flight, from 2 up to --per-host: +1 per round of answers " +
	"while its fastest answer stays within 1.2× its best recent latency; ×0.75 when it is slower, ×0.5 on a 429, 503, " +
	"timeout or reset (docs/throttle.md). off: --per-host whenever there is work"

// watchThrottle has bar's log lines report the hosts' windows, under
// --throttle auto.
func watchThrottle(bar *progress.Bar, mode throttleMode, cfg *pipeline.Config) {
	if bar != nil && bar.IsLog() && limiter.Throttle(mode) == limiter.ThrottleAuto {
		cfg.WatchThrottle = func(report func(now time.Time) limiter.ThrottleReport) {
			bar.WatchThrottle(func(now time.Time) string { return throttleStatus(report(now)) })
		}
	}
}

// throttleLine is the summary's line on what --throttle auto did, "" when
// it was off.
func throttleLine(on bool, r limiter.ThrottleReport) string {
	if !on {
		return ""
	}
	if r.Slowed == 0 {
		return "fanout: --throttle auto slowed no host"
	}
	hosts := "1 host"
	if r.Slowed != 1 {
		hosts = fmt.Sprintf("%d hosts", r.Slowed)
	}
	return fmt.Sprintf("fanout: --throttle auto slowed %s, for %s in all (windows cut %d× on 429/503, %d× on timeouts or resets, %d× on latency); longest %s, %s, now at %d of %d",
		hosts, roundDuration(r.SlowedFor), r.CutsBy(limiter.CauseStatus), r.CutsBy(limiter.CauseFailure), r.CutsBy(limiter.CauseLatency),
		r.Longest.Host, roundDuration(r.Longest.SlowedFor), r.Longest.Window, r.Longest.Max)
}

// throttleStatus is what a --progress log line says of the windows.
func throttleStatus(r limiter.ThrottleReport) string {
	if r.SlowedNow == 0 {
		return "throttle: no host slowed now"
	}
	return fmt.Sprintf("throttle: %d slowed now, longest %s at %d of %d for %s",
		r.SlowedNow, r.Longest.Host, r.Longest.Window, r.Longest.Max, roundDuration(r.Longest.SlowedFor))
}

// roundDuration writes d as people read it: 850ms, 12.3s, 4m10s.
func roundDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
