//go:build linux

package fetcher

import (
	"context"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// TestOutOfFilesIsLocal runs out of file descriptors for real (in a child
// process, whose open-files limit it lowers) and checks that the failure is
// error_kind local, not the host's connect failure.
func TestOutOfFilesIsLocal(t *testing.T) {
	if os.Getenv("FANOUT_TEST_OUT_OF_FILES") != "1" {
		c := exec.Command(os.Args[0], "-test.run=^TestOutOfFilesIsLocal$", "-test.count=1")
		c.Env = append(os.Environ(), "FANOUT_TEST_OUT_OF_FILES=1")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	gate := &pauseRecorder{}
	f := newFetcher(t, Options{}, gate) // its DNS server's sockets are open before the limit
	addr := refusedAddr(t)
	// A new descriptor takes the lowest free number, and the limit bounds
	// the numbers: a limit at the lowest free one leaves none.
	probe, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	lowest := probe.Fd()
	probe.Close()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = uint64(lowest)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot lower the open-files limit: %v", err)
	}
	got := f.Fetch(context.Background(), target(t, "http://"+addr+"/"), nil)
	if got.ErrorKind != record.KindLocal {
		t.Errorf("kind %q (%s), want local", got.ErrorKind, got.Error)
	}
	if !gate.pausedAll.Load() {
		t.Error("the gate was not asked to pause every host")
	}
}

// pauseRecorder is a Gate that admits everything and records PauseAll.
type pauseRecorder struct{ pausedAll atomic.Bool }

func (g *pauseRecorder) Acquire(ctx context.Context, host string) (func(), error) {
	return func() {}, ctx.Err()
}
func (g *pauseRecorder) Pause(string, time.Time) {}
func (g *pauseRecorder) PauseAll(time.Time)      { g.pausedAll.Store(true) }
