package limiter

import (
	"fmt"
	"time"
)

// Line is what the summary at the end of a run says --throttle auto did
// (docs/throttle.md), or "" when it slowed no host.
func (r ThrottleReport) Line() string {
	if r.Slowed == 0 {
		return ""
	}
	hosts := "1 host"
	if r.Slowed != 1 {
		hosts = fmt.Sprintf("%d hosts", r.Slowed)
	}
	return fmt.Sprintf("fanout: --throttle auto slowed %s, for %s in all (windows cut %d× on 429/503, %d× on timeouts or resets, %d× on latency); longest %s, %s, now at %d of %d",
		hosts, roundDuration(r.SlowedFor), r.CutsBy(CauseStatus), r.CutsBy(CauseFailure), r.CutsBy(CauseLatency),
		r.Longest.Host, roundDuration(r.Longest.SlowedFor), r.Longest.Window, r.Longest.Max)
}

// Status is what a --progress log line says of the windows now.
func (r ThrottleReport) Status() string {
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
