package exit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

// TestStatuses: a signal's status is 128 plus its number, a context it
// canceled ends the command with that status, and a closed pipe is a
// broken pipe however wrapped.
func TestStatuses(t *testing.T) {
	for _, tt := range []struct {
		sig  os.Signal
		want int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		ctx, cancel := context.WithCancelCause(context.Background())
		if Stopped(ctx) != nil {
			t.Fatal("Stopped before the signal")
		}
		cancel(&Signal{Signal: tt.sig})
		var e *Error
		if err := Stopped(ctx); !errors.As(err, &e) || e.Code != tt.want || e.Err != nil {
			t.Errorf("%v: Stopped = %v, want status %d and no message", tt.sig, err, tt.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Stopped(ctx); err != nil {
		t.Errorf("a context canceled by no signal: Stopped = %v", err)
	}
	if !BrokenPipe(fmt.Errorf("writing: %w", syscall.EPIPE)) || BrokenPipe(errors.New("disk full")) {
		t.Error("BrokenPipe misjudges")
	}
	if err := Usagef("--x %d", 1); err.Error() != "--x 1" || err.(*Error).Code != Usage {
		t.Errorf("Usagef = %v", err)
	}
}
