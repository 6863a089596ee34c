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
		{"waiting for input", Config{Concurrency: 10, PerHost: 1}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make(chan input.Target, 2)
			for i, raw := range []string{"http://a.test/1", "http://a.test/2"} {
				tg, _ := input.Parse([]byte(raw))
				tg.Seq = i
				in <- tg
			}
			if !tt.inputOpen {
				close(in)
			}
			l := New(tt.cfg)
			s := NewScheduler(l, in, 0)
			_, release, err := s.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			// The second target cannot start while the first holds its
			// slot; the scheduler waits until the context ends.
			short, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			defer cancel()
			if tg, _, err := s.Next(short); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("second target %q started: %v", tg.Raw, err)
			}
			if got := l.HostCapWait() > 0; got != tt.wantWait {
				t.Errorf("HostCapWait %v, want a wait counted: %v", l.HostCapWait(), tt.wantWait)
			}
		})
	}
}
