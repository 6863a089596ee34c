package cmd

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/testsite"
)

func TestVersionOf(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name      string
		info      debug.BuildInfo
		wantLong  string
		wantShort string
	}{
		{"go build without vcs", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"fanout devel (built with go1.26.8)", "devel"},
		{"go test: no main version", debug.BuildInfo{}, "fanout devel", "devel"},
		{"go build in a checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
				{Key: "vcs.time", Value: "2026-11-26T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"fanout devel (revision " + rev + ", committed 2026-11-26T10:00:00Z, with uncommitted changes, built with go1.26.8)",
			"devel+0123456789ab"},
		{"go install @v1.2.3", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			"fanout v1.2.3 (built with go1.26.8)", "1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := versionOf(&tt.info)
			if got := v.String(); got != tt.wantLong {
				t.Errorf("String() = %q, want %q", got, tt.wantLong)
			}
			if got := v.short(); got != tt.wantShort {
				t.Errorf("short() = %q, want %q", got, tt.wantShort)
			}
			if ua := userAgent(v); ua != "fanout/"+tt.wantShort+" (+https://github.com/fanout-dev/fanout)" {
				t.Errorf("User-Agent %q", ua)
			}
		})
	}
}

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
	if want := userAgent(readVersion()); len(recs) != 1 || recs[0].Title != want {
		t.Errorf("server saw User-Agent %+v, want %q; %s", recs, want, errOut)
	}
}

// TestScrapeHelp checks the grouped help: every flag listed once, with a
// placeholder for its value, and no default said twice.
func TestScrapeHelp(t *testing.T) {
	_, out, _ := run(t, "", "scrape", "--help")
	for _, want := range []string{
		"Limits (politeness):", "Requests:", "Output:", "Run control:",
		"-o, --output FILE", "-c, --concurrency N", "--deadline DURATION", "--progress MODE",
		"-f, --format FORMAT", "--max-body BYTES", "-u, --url URL", "is a URL or a host as a list line may be",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	c := NewCmdScrape(&IOStreams{}, nil)
	c.InitDefaultHelpFlag()
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if n := len(regexp.MustCompile(`(?m)^ +(-., )?--`+f.Name+`([^-\w]|$)`).FindAllString(out, -1)); n != 1 {
			t.Errorf("--%s listed %d times among the flags", f.Name, n)
		}
	})
	for _, args := range [][]string{{"scrape", "--help"}, {"bench", "--help"}, {"serve", "--help"}} {
		_, out, _ := run(t, "", args...)
		if regexp.MustCompile(`\(default [^)]*\) \(default`).MatchString(out) {
			t.Errorf("%v: a default said twice: %s", args, out)
		}
	}
}

func TestServeHelpListsEndpoints(t *testing.T) {
	_, out, _ := run(t, "", "serve", "--help")
	for _, want := range []string{"/page/N", "any other path answers 404", "--listen ADDR"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --help does not say %q", want)
		}
	}
}

// TestCompletion checks that the shell completion offers the values of the
// flags that take one of a few words.
func TestCompletion(t *testing.T) {
	tests := []struct {
		flag string
		want []string
	}{
		{"--format", []string{"jsonl", "csv", "text"}},
		{"--report", []string{"stream", "gather"}},
		{"--progress", []string{"auto", "always", "never", "log"}},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			_, out, _ := run(t, "", "__complete", "scrape", tt.flag, "")
			for _, w := range tt.want {
				if !strings.Contains(out, "\n"+w+"\t") && !strings.HasPrefix(out, w+"\t") {
					t.Errorf("completion of %s lacks %q: %q", tt.flag, w, out)
				}
			}
		})
	}
}

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

// TestBenchSaysWhatItRan checks that bench states its setup, whose
// defaults differ from scrape's, and fails when nothing succeeded.
func TestBenchSaysWhatItRan(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"in-process", []string{"bench", "-n", "20"}, ExitOK,
			"ran 20 pages: 1 in-process http server(s), pages of 2KiB, latency 0s; -c 64, --per-host 0 (no limit), --retries 0", ""},
		{"nothing listening", []string{"bench", "-n", "20", "--target", "http://127.0.0.1:1/page/{n}"}, ExitFailure,
			"(20 URLs, 0 ok (2xx/3xx), 0 4xx, 0 5xx)", "no request succeeded (of 20 URLs: connect 20)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tt.args...)
			if code != tt.code || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out, tt.wantOut, errOut, tt.wantErr)
			}
		})
	}
}
