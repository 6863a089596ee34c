package limiter

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// TestHostCapWait checks that the scheduler counts a wait against the
// per-host cap only when that cap alone holds the targets back.
func TestHostCapWait(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		inputOpen bool // the input is still open and the window not full
		wantWait  bool
	}{
		{"per-host cap binds", Config{Concurrency: 10, PerHost: 1}, false, true},
		{"global cap binds", Config{Concurrency: 1}, false, false},
		{"host rate binds", Config{Concurrency: 10, HostRate: 0.001}, false, false},
		{"a window below the per-host cap binds", Config{Concurrency: 10, PerHost: 8, Throttle: ThrottleAuto}, false, false},
		{"a window at the per-host cap binds", Config{Concurrency: 10, PerHost: 1, Throttle: ThrottleAuto}, false, true},
		{"waiting for input", Config{Concurrency: 10, PerHost: 1}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make(chan input.Target, 3)
			for i, raw := range []string{"http://a.test/1", "http://a.test/2", "http://a.test/3"} {
				tg, _ := input.Parse([]byte(raw))
				tg.Seq = i
				in <- tg
			}
			if !tt.inputOpen {
				close(in)
			}
			l := New(tt.cfg)
			s := NewScheduler(l, in, 0)
			// Targets start until one cannot while the others hold their
			// slots; the scheduler then waits until the context ends.
			var releases []func()
			defer func() {
				for _, release := range releases {
					release()
				}
			}()
			for len(releases) < 3 {
				short, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
				_, release, err := s.Next(short)
				cancel()
				if errors.Is(err, context.DeadlineExceeded) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				releases = append(releases, release)
			}
			if len(releases) == 3 {
				t.Fatal("every target started: nothing held them back")
			}
			if got := l.HostCapWait() > 0; got != tt.wantWait {
				t.Errorf("HostCapWait %v, want a wait counted: %v", l.HostCapWait(), tt.wantWait)
			}
		})
	}
}
