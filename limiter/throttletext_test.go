package limiter

import (
	"testing"
	"time"
)

// TestThrottleLines checks what a --progress log line and the summary
// say of the windows.
func TestThrottleLines(t *testing.T) {
	r := ThrottleReport{Slowed: 2, SlowedNow: 1, SlowedFor: 3 * time.Second,
		Longest: HostWindow{Host: "a.test:443", Window: 3, Max: 8, SlowedFor: 2500 * time.Millisecond}}
	r.Cuts[CauseStatus], r.Cuts[CauseLatency] = 1, 4
	if got, want := r.Status(), "throttle: 1 slowed now, longest a.test:443 at 3 of 8 for 2.5s"; got != want {
		t.Errorf("log line's status %q, want %q", got, want)
	}
	want := "fanout: --throttle auto slowed 2 hosts, for 3s in all (windows cut 1× on 429/503, 0× on timeouts or resets, 4× on latency); longest a.test:443, 2.5s, now at 3 of 8"
	if got := r.Line(); got != want {
		t.Errorf("summary %q\nwant    %q", got, want)
	}
	if got := (ThrottleReport{}).Line(); got != "" {
		t.Errorf("summary with no host slowed: %q", got)
	}
}
