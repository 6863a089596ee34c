package cmd

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestReportInputsWithoutRecords: fanout report refuses an input that
// holds no records (a CSV output, a list of URLs) with a message that says
// what it reads, and warns when a JSON-lines output and a store hold the
// same run.
func TestReportInputsWithoutRecords(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	dir := t.TempDir()
	list := filepath.Join(dir, "urls.txt")
	os.WriteFile(list, []byte(srv.URL+"/page/1\n"+srv.URL+"/page/2\n"+srv.URL+"/status/404\n"), 0o644)
	other := filepath.Join(dir, "other.txt")
	os.WriteFile(other, []byte(srv.URL+"/page/3\n"), 0o644)
	path := func(name string) string { return filepath.Join(dir, name) }
	scrape := func(args ...string) {
		if code, _, errOut := run(t, "", append([]string{"scrape", "-q"}, args...)...); code != 0 {
			t.Fatalf("scrape %v: exit %d: %s", args, code, errOut)
		}
	}
	scrape("--db", path("run.db"), "-o", path("run.jsonl"), list)
	scrape("-o", path("run.csv"), list)
	scrape("--db", path("other.db"), "-o", path("other.jsonl"), other)
	os.WriteFile(path("empty.jsonl"), nil, 0o644)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string // on stderr; "" wants nothing there
	}{
		{"a CSV output", []string{path("run.csv")}, exit.Failure, "run.csv holds no fanout records: not one of its 4 lines is a JSON record (the first: \"url,"},
		{"a CSV among outputs", []string{path("run.jsonl"), path("run.csv")}, exit.Failure, "(a CSV output? report does not read CSV)"},
		{"a list of URLs", []string{list}, exit.Failure, "(a list of URLs? fanout scrape fetches them"},
		{"an empty file alone", []string{path("empty.jsonl")}, exit.Failure, "no records in " + path("empty.jsonl")},
		{"an empty shard beside others", []string{path("run.jsonl"), path("empty.jsonl")}, 0, ""},
		{"a run's output and its store", []string{path("run.jsonl"), "--db", path("run.db")}, 0,
			"run.jsonl and " + path("run.db") + " hold the same run (3 of the first 3 URLs"},
		{"a store named as an argument", []string{path("run.db"), path("run.jsonl")}, 0, "hold the same run"},
		{"two runs, one stored", []string{path("run.jsonl"), "--db", path("other.db")}, 0, ""},
		{"a store alone", []string{"--db", path("run.db")}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, "", append([]string{"report"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.wantCode, errOut)
			}
			if tt.wantErr == "" && errOut != "" || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q, want %q", errOut, tt.wantErr)
			}
		})
	}
}
