package cmd

import (
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
)

// TestRootHints checks what fanout says to a user who left out the
// subcommand or mistyped it.
func TestRootHints(t *testing.T) {
	existing := writeFile(t, "list.txt", "")
	tests := []struct {
		name    string
		args    []string
		wantErr string // on stderr; "" for none
		wantOut string // on stdout
		code    int
	}{
		{"a list file", []string{existing}, "did you mean: fanout scrape " + existing, "", exit.Usage},
		{"a file that is not there", []string{"urls.txt"}, "did you mean: fanout scrape urls.txt", "", exit.Usage},
		{"a URL", []string{"http://127.0.0.1:1/"}, "did you mean: fanout scrape http://127.0.0.1:1/", "", exit.Usage},
		{"a typo", []string{"scrap"}, "did you mean: fanout scrape\n", "", exit.Usage},
		{"nothing", nil, "", "\nCommands:\n", exit.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if tt.wantErr != "" && !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.wantErr)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout %q, want it to contain %q", out, tt.wantOut)
			}
		})
	}
}
