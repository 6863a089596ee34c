package cmd

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestPerHostHint checks that a one-host list held back by --per-host says
// so and names the flag, and that it says nothing when the cap is off.
func TestPerHostHint(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{Latency: 5 * time.Millisecond}))
	defer srv.Close()
	var list strings.Builder
	for i := range 200 {
		fmt.Fprintf(&list, "%s/page/%d\n", srv.URL, i)
	}
	tests := []struct {
		name     string
		perHost  string
		wantHint bool
	}{
		{"capped", "2", true},
		{"no cap", "0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, list.String(), "scrape", "-c", "50", "--per-host", tt.perHost, "--throttle", "off")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			hint := strings.Contains(errOut, "--per-host 2 held the run back")
			if hint != tt.wantHint {
				t.Errorf("hint %v, want %v: %s", hint, tt.wantHint, errOut)
			}
		})
	}
}
