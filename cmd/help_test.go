package cmd

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/iostreams"
)

// helpCommands are the commands whose help a user reads.
var helpCommands = []string{"", "scrape", "crawl", "bench", "serve", "report", "sitemap", "version", "completion"}

// TestHelpFitsAndNamesValues: every command's help fits 80 columns when
// not at a terminal, and names every flag's value by what it is, never by
// its Go type.
func TestHelpFitsAndNamesValues(t *testing.T) {
	typeName := regexp.MustCompile(`--[a-z-]+ (string|stringArray|stringSlice|int|int64|float64|duration|STRING|R)\s`)
	for _, name := range helpCommands {
		t.Run("fanout "+name, func(t *testing.T) {
			args := []string{"--help"}
			if name != "" {
				args = []string{name, "--help"}
			}
			code, out, _ := run(t, "", args...)
			if code != 0 || out == "" {
				t.Fatalf("exit %d, help %q", code, out)
			}
			for i, line := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(line); n > 80 {
					t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
				}
			}
			if m := typeName.FindString(out); m != "" {
				t.Errorf("a value named by its type: %q", m)
			}
		})
	}
}

// TestHelpSections: --plan is listed with --shard, the root help has an
// example, and the root's and scrape's help end with the exit statuses.
func TestHelpSections(t *testing.T) {
	_, root, _ := run(t, "", "--help")
	_, scrape, _ := run(t, "", "scrape", "--help")
	if !regexp.MustCompile(`(?m)^ +--shard I/N .*\n( {10,}.*\n)* +--plan `).MatchString(scrape) {
		t.Errorf("--plan is not right after --shard in scrape --help:\n%s", scrape)
	}
	if !regexp.MustCompile(`(?m)^Examples:\n  fanout scrape `).MatchString(root) {
		t.Errorf("no example in fanout --help:\n%s", root)
	}
	for name, help := range map[string]string{"fanout": root, "fanout scrape": scrape} {
		if !regexp.MustCompile(`(?m)^Exit status:\n  0 .*\n(.*\n)*  2 .*usage`).MatchString(help) {
			t.Errorf("%s --help has no exit statuses:\n%s", name, help)
		}
	}
}

// TestCompletionsOfWords: every flag that takes one of a few words
// completes them (and no file names), in every command that has it.
func TestCompletionsOfWords(t *testing.T) {
	tests := []struct {
		args []string // after __complete; the last is the word being completed
		want []string
	}{
		{[]string{"scrape", "--robots", ""}, []string{"ignore", "report", "obey"}},
		{[]string{"bench", "--robots", ""}, []string{"ignore", "report", "obey"}},
		{[]string{"scrape", "--format", ""}, []string{"jsonl", "csv", "text"}},
		{[]string{"scrape", "--report", ""}, []string{"stream", "gather"}},
		{[]string{"scrape", "--progress", ""}, []string{"auto", "always", "never", "log"}},
		{[]string{"bench", "--progress", ""}, []string{"auto", "always", "never", "log"}},
		{[]string{"scrape", "--throttle", ""}, []string{"auto", "off"}},
		{[]string{"report", "--format", ""}, []string{"text", "json"}},
		{[]string{"report", "-f", ""}, []string{"text", "json"}},
		{[]string{"bench", "--format", ""}, []string{"text", "json"}},
		{[]string{"sitemap", "--format", ""}, []string{"text", "jsonl"}},
		{[]string{"scrape", "--fields", ""}, []string{"default", "all", "canonical", "+canonical", "h1_count"}},
		{[]string{"scrape", "--fields", "default,can"}, []string{"default,canonical"}},
		{[]string{"scrape", "--fields", "+h"}, []string{"+h1", "+h1_count", "+hreflang"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, "", append([]string{"__complete"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			var words []string
			for _, l := range lines[:len(lines)-1] {
				word, _, _ := strings.Cut(l, "\t")
				words = append(words, word)
			}
			for _, w := range tt.want {
				if !strings.Contains(" "+strings.Join(words, " ")+" ", " "+w+" ") {
					t.Errorf("completions %q lack %q", words, w)
				}
			}
			var directive int
			fmt.Sscanf(lines[len(lines)-1], ":%d", &directive)
			if directive&4 == 0 { // cobra.ShellCompDirectiveNoFileComp
				t.Errorf("directive %d offers file names too", directive)
			}
		})
	}
}

// TestPluralsInMessages: one of a thing is said in the singular.
func TestPluralsInMessages(t *testing.T) {
	bad := httptest.NewServer(http.NotFoundHandler())
	defer bad.Close()
	_, _, errOut := run(t, "", "sitemap", bad.URL+"/sitemap.xml")
	if !strings.Contains(errOut, "1 sitemap file could not be read") {
		t.Errorf("sitemap: %q, want \"1 sitemap file could not be read\"", errOut)
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<title>x</title>") }))
	defer site.Close()
	_, _, errOut = run(t, "", "scrape", site.URL+"/")
	if !strings.Contains(errOut, "fanout: 1 URL in ") || !strings.Contains(errOut, "; 1 request, p50") {
		t.Errorf("scrape: %q, want \"1 URL in\" and \"1 request,\"", errOut)
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
	c := NewCmdScrape(&iostreams.IOStreams{}, nil)
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
