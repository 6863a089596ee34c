package report

import (
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// TestSummaryLine checks the line on stderr: URLs per second, status
// classes rather than an "ok" that counts 404s and 503s, failures by kind.
func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name    string
		results []record.Result
		elapsed time.Duration
		want    string
	}{
		{
			name: "classes and failures",
			results: []record.Result{
				{Status: 200, Attempts: 1, DurationMS: 10}, {Status: 200, Attempts: 1, DurationMS: 10},
				{Status: 301, Attempts: 1, DurationMS: 10}, {Status: 404, Attempts: 1, DurationMS: 10},
				{Status: 503, Attempts: 3, DurationMS: 10},
				{ErrorKind: record.KindTimeout, Error: "t", Attempts: 3, DurationMS: 10},
				{ErrorKind: record.KindConnect, Error: "c", Attempts: 1, DurationMS: 10},
				{ErrorKind: record.KindCanceled, Error: "x"},
			},
			elapsed: 2 * time.Second,
			want:    "fanout: 8 URLs in 2.00s (4.0 URLs/s): 2xx 2, 3xx 1, 4xx 1, 5xx 1; 2 failed (connect 1, timeout 1); 1 canceled; 11 requests, p50 10ms, p99 10ms",
		},
		{
			name:    "one URL, nothing failed",
			results: []record.Result{{Status: 200, Attempts: 1, DurationMS: 1.5}},
			elapsed: 500 * time.Millisecond,
			want:    "fanout: 1 URL in 0.50s (2.0 URLs/s): 2xx 1; 0 failed; 1 request, p50 1.5ms, p99 1.5ms",
		},
		{
			name:    "nothing",
			elapsed: 0,
			want:    "fanout: 0 URLs in 0.00s (0.0 URLs/s); 0 failed; 0 requests, p50 0s, p99 0s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Summary
			for i := range tt.results {
				s.Add(&tt.results[i])
			}
			s.Elapsed = tt.elapsed
			if got := s.Line(); got != tt.want {
				t.Errorf("Line()\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
