package fetcher

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
	"github.com/fanout-dev/fanout/limiter"
)

// answerRecorder is a Gate that admits everything and records what
// Answered is told.
type answerRecorder struct {
	mu      sync.Mutex
	answers []limiter.Answer
}

func (g *answerRecorder) Acquire(ctx context.Context, host string) (func(), error) {
	return func() {}, ctx.Err()
}
func (g *answerRecorder) Pause(string, time.Time) {}
func (g *answerRecorder) Answered(host string, a limiter.Answer) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.answers = append(g.answers, a)
}

// TestAnswered checks what each kind of ending tells the gate of the
// host's load: one answer per attempt, an overload for 429, 503, timeouts
// and resets, a latency for 2xx only, nothing for a refused connection.
func TestAnswered(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{Latency: 20 * time.Millisecond}))
	defer srv.Close()
	tests := []struct {
		name        string
		url         string
		want        int // answers told
		overload    limiter.Cause
		wantLatency bool
	}{
		{"a page", srv.URL + "/page/1", 1, limiter.CauseNone, true},
		{"a redirect to a page: the last request", srv.URL + testsite.PathRedirectChain + "2", 1, limiter.CauseNone, true},
		{"404", srv.URL + "/status/404", 1, limiter.CauseNone, false},
		{"503", srv.URL + "/status/503", 1, limiter.CauseStatus, false},
		{"429", srv.URL + "/status/429", 1, limiter.CauseStatus, false},
		{"timeout", srv.URL + testsite.PathNever, 1, limiter.CauseFailure, false},
		{"reset", srv.URL + testsite.PathReset, 1, limiter.CauseFailure, false},
		{"refused", "http://" + refusedAddr(t) + "/", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gate := &answerRecorder{}
			f := newFetcher(t, Options{Timeout: 300 * time.Millisecond}, gate)
			before := time.Now()
			res := f.Fetch(context.Background(), target(t, tt.url), nil)
			if len(gate.answers) != tt.want {
				t.Fatalf("%d answers told (result %d %s), want %d", len(gate.answers), res.Status, res.ErrorKind, tt.want)
			}
			if tt.want == 0 {
				return
			}
			a := gate.answers[0]
			if a.Overload != tt.overload || (a.Latency > 0) != tt.wantLatency || a.Sent.Before(before) {
				t.Errorf("told %+v (result %d %s), want overload %v, a latency: %v", a, res.Status, res.ErrorKind, tt.overload, tt.wantLatency)
			}
			if tt.wantLatency && a.Latency < 20*time.Millisecond {
				t.Errorf("latency %v, shorter than the page's 20ms", a.Latency)
			}
		})
	}
}
