package cmd

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestFormatFollowsOutput checks that -o's extension picks the format
// (a .json file one document), that -f names it for an extension fanout
// does not know, and that json names JSON lines.
func TestFormatFollowsOutput(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	page := srv.URL + "/page/1"
	tests := []struct {
		name      string
		file      string
		format    string // -f, if not ""
		wantStart string
	}{
		{"csv", "r.csv", "", "url,line,file,status,title"},
		{"jsonl", "r.jsonl", "", `{"url":"` + page},
		{"json: one document", "r.json", "", "{\"results\": [\n" + `{"url":"` + page},
		{"ndjson", "r.ndjson", "", `{"url":"` + page},
		{"txt", "r.txt", "", "status "},
		{"-f for an extension fanout does not know", "r.out", "csv", "url,line"},
		{"-f json", "r.out", "json", `{"url":"` + page},
		{"-f that agrees", "r.CSV", "csv", "url,line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			args := []string{"scrape", "-o", path, page}
			if tt.format != "" {
				args = append(args, "-f", tt.format)
			}
			if code, _, errOut := run(t, "", args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(b), tt.wantStart) {
				t.Errorf("%s starts %q, want %q", tt.file, b[:min(len(b), 60)], tt.wantStart)
			}
		})
	}
}

// TestGatherCSVSaysWhereTheSummaryWent checks that a gathered CSV run, which
// has no place for the summary in its output, gives it on stderr and says
// so.
func TestGatherCSVSaysWhereTheSummaryWent(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	code, out, errOut := run(t, "", "scrape", "--report", "gather", "-f", "csv", srv.URL+"/page/1", srv.URL+"/status/404")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "summary") || strings.Count(out, "\n") != 3 {
		t.Errorf("stdout is not a header and two rows: %q", out)
	}
	for _, want := range []string{"CSV has no place for the summary", "status 404", "status 200"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
}
