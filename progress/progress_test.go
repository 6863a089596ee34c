package progress

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/record"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFormatETA(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"seconds", 15 * time.Second, "15s"},
		{"rounds", 1400 * time.Millisecond, "1s"},
		{"minutes", 125 * time.Second, "2m05s"},
		{"hours", 3720 * time.Second, "1h02m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatETA(tt.d); got != tt.want {
				t.Errorf("formatETA(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the progress ticker and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgressCounts checks what the bar and the log lines say: URLs by
// status class, failures, URLs per second, and nothing wider than the
// terminal.
func TestProgressCounts(t *testing.T) {
	results := []record.Result{
		{Status: 200}, {Status: 200}, {Status: 301}, {Status: 404}, {Status: 503},
		{ErrorKind: record.KindTimeout, Error: "timeout"},
	}
	tests := []struct {
		name  string
		log   bool
		width int
		want  *regexp.Regexp
	}{
		{"bar", false, 200, regexp.MustCompile(`\r  60% \[=+ +\]  6/10 URLs  2xx 2  3xx 1  4xx 1  5xx 1  1 failed  [0-9.]+ URL/s(  eta \S+)? \x1b\[0K`)},
		{"narrow: no bar, the text cut", false, 40, regexp.MustCompile(`\r 6/10 URLs 60%  2xx 2  3xx 1  4xx 1 +\x1b\[0K`)},
		{"log", true, 0, regexp.MustCompile(`(?m)^fanout: 6/10 URLs 60%  2xx 2  3xx 1  4xx 1  5xx 1  1 failed  [0-9.]+ URL/s.*, \d+s elapsed\n`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w syncBuffer
			p := Start(&w, Options{Log: tt.log, Every: 5 * time.Millisecond, Width: tt.width, Total: 10})
			for i := range results {
				p.Add(&results[i])
			}
			deadline := time.Now().Add(10 * time.Second)
			for !tt.want.MatchString(w.String()) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond) // polling a condition with a deadline
			}
			p.Finish()
			if !tt.want.MatchString(w.String()) {
				out := w.String()
				t.Errorf("progress wrote …%q, want a match for %s", out[max(0, len(out)-300):], tt.want)
			}
		})
	}
}

// TestWatchThrottle checks that a log line ends with what the throttle's
// status says.
func TestWatchThrottle(t *testing.T) {
	var b strings.Builder
	p := Start(&b, Options{Log: true, Every: time.Hour, Total: 10})
	defer p.Finish()
	p.WatchThrottle(func(time.Time) string { return "throttle: 1 slowed now" })
	p.mu.Lock()
	line := p.status(time.Now())
	p.mu.Unlock()
	if !strings.HasSuffix(line, "; throttle: 1 slowed now") {
		t.Errorf("log line %q does not end with the throttle's status", line)
	}
}
