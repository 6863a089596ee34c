package report

import (
	"testing"
	"time"
)

// TestPerHostHintThreshold: the summary names --per-host when the cap held
// the run back for half of it or more.
func TestPerHostHintThreshold(t *testing.T) {
	tests := []struct {
		name            string
		perHost         int
		waited, elapsed time.Duration
		want            bool
	}{
		{"most of the run", 8, 9 * time.Second, 10 * time.Second, true},
		{"half", 8, 5 * time.Second, 10 * time.Second, true},
		{"a little", 8, 2 * time.Second, 10 * time.Second, false},
		{"no cap", 0, 9 * time.Second, 10 * time.Second, false},
		{"no time", 8, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := perHostHint(tt.perHost, tt.waited, tt.elapsed) != ""; got != tt.want {
				t.Errorf("hint %v, want %v", got, tt.want)
			}
		})
	}
}
