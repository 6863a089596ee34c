package cmd

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// writeFile writes text to name in a temporary directory and returns its
// path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestURLsOnTheCommandLine checks what a user tries first: URLs as
// arguments and with -u, mixed with list files, and stdin left alone when
// URLs were given.
func TestURLsOnTheCommandLine(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	list := writeFile(t, "urls.txt", srv.URL+"/page/10\n"+srv.URL+"/page/11\n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string // the records' url fields, in any order
	}{
		{"a URL argument", srv.URL + "/page/99\n", []string{srv.URL + "/page/1"}, []string{srv.URL + "/page/1"}},
		{"-u, repeated", "", []string{"-u", srv.URL + "/page/1", "-u", srv.URL + "/page/2"},
			[]string{srv.URL + "/page/1", srv.URL + "/page/2"}},
		{"a file and a URL", "", []string{list, srv.URL + "/page/3"},
			[]string{srv.URL + "/page/3", srv.URL + "/page/10", srv.URL + "/page/11"}},
		{"a URL and stdin as -", srv.URL + "/page/4\n", []string{srv.URL + "/page/3", "-"},
			[]string{srv.URL + "/page/3", srv.URL + "/page/4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.stdin, append([]string{"scrape"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got := map[string]bool{}
			for _, r := range parseLines(t, out) {
				if r.Status != 200 {
					t.Errorf("%s: status %d, error %q", r.URL, r.Status, r.Error)
				}
				got[r.URL] = true
			}
			if len(got) != len(tt.want) {
				t.Errorf("fetched %v, want %v", got, tt.want)
			}
			for _, u := range tt.want {
				if !got[u] {
					t.Errorf("%s not fetched; fetched %v", u, got)
				}
			}
		})
	}
}

// TestStdinHint checks that a user who gave no list, at a terminal, is told
// that fanout is reading standard input, and that a pipe is read silently.
func TestStdinHint(t *testing.T) {
	for _, tt := range []struct {
		name     string
		inIsTTY  bool
		wantHint bool
	}{
		{"a terminal", true, true},
		{"a pipe", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			streams, _, errOut := TestStreams("")
			streams.InIsTTY = tt.inIsTTY
			if code := Execute(context.Background(), streams, []string{"scrape"}); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			hint := strings.Contains(errOut.String(), "reading URLs from standard input, one per line (Ctrl-D ends")
			if hint != tt.wantHint {
				t.Errorf("hint on stderr: %v, want %v: %q", hint, tt.wantHint, errOut)
			}
		})
	}
}

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
		{"a list file", []string{existing}, "did you mean: fanout scrape " + existing, "", ExitUsage},
		{"a file that is not there", []string{"urls.txt"}, "did you mean: fanout scrape urls.txt", "", ExitUsage},
		{"a URL", []string{"http://127.0.0.1:1/"}, "did you mean: fanout scrape http://127.0.0.1:1/", "", ExitUsage},
		{"a typo", []string{"scrap"}, "did you mean: fanout scrape\n", "", ExitUsage},
		{"nothing", nil, "", "\nCommands:\n", ExitOK},
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
