package cmd

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/buildinfo"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestVersionCommand checks that --version and the version command say the
// same, and that requests carry that version in their User-Agent.
func TestVersionCommand(t *testing.T) {
	_, flag, _ := run(t, "", "--version")
	_, cmd, _ := run(t, "", "version")
	if flag != cmd || !strings.HasPrefix(flag, "fanout ") || strings.Contains(flag, "0.1.0") {
		t.Errorf("--version %q, version %q", flag, cmd)
	}
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	_, out, errOut := run(t, "", "scrape", srv.URL+testsite.PathHeader+"User-Agent")
	recs := parseLines(t, out)
	if want := buildinfo.Read().UserAgent(); len(recs) != 1 || recs[0].Title != want {
		t.Errorf("server saw User-Agent %+v, want %q; %s", recs, want, errOut)
	}
}
