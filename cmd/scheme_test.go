package cmd

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestSchemeInAnyCase checks that every command takes a URL whose scheme
// is written in capitals as scrape does, by the one test of input.IsHTTP
// (issue 18 point 5: bench --target HTTP://… was refused).
func TestSchemeInAnyCase(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	upper := "HTTP://" + strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name string
		args []string
	}{
		{"scrape argument", []string{"scrape", "-q", upper + "/page/1"}},
		{"bench --target", []string{"bench", "-n", "3", "--target", upper + "/page/{n}", "--progress", "never"}},
		{"sitemap argument", []string{"sitemap", upper + testsite.PathSitemap}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, errOut := run(t, "", tt.args...); code != exit.OK {
				t.Errorf("%v: exit %d: %s", tt.args, code, errOut)
			}
		})
	}
}
