package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
)

// TestScrapeRefusesOverwritingInput checks that an --output or --db that is
// an input is refused before anything is written, and that outputs that do
// not exist yet or are not regular files are not.
func TestScrapeRefusesOverwritingInput(t *testing.T) {
	const list = "ftp://example.invalid/a\nftp://example.invalid/b\n" // invalid_url results: no network
	tests := []struct {
		name     string
		args     func(dir string) []string
		stdin    string // a file in dir to give as standard input
		wantCode int
		wantErr  string
	}{
		{"output is the input", func(d string) []string { return []string{"-o", d + "/list.txt", d + "/list.txt"} }, "", exit.Usage,
			"--output " + "DIR/list.txt is the same file as the input DIR/list.txt"},
		{"output through another path", func(d string) []string { return []string{"-o", d + "/sub/../list.txt", d + "/list.txt"} }, "", exit.Usage, "same file as the input"},
		{"output is a hard link", func(d string) []string { return []string{"-o", d + "/hard.txt", d + "/list.txt"} }, "", exit.Usage, "same file as the input"},
		{"output is a symbolic link", func(d string) []string { return []string{"-o", d + "/sym.txt", d + "/list.txt"} }, "", exit.Usage, "same file as the input"},
		{"output is the second input", func(d string) []string { return []string{"-o", d + "/list.txt", d + "/other.txt", d + "/list.txt"} }, "", exit.Usage, "same file as the input"},
		{"db is the input", func(d string) []string { return []string{"--db", d + "/list.txt", d + "/list.txt"} }, "", exit.Usage, "--db DIR/list.txt is the same file as the input"},
		{"output is standard input", func(d string) []string { return []string{"-o", d + "/list.txt"} }, "list.txt", exit.Usage, "same file as the input standard input"},
		{"output is standard input named -", func(d string) []string { return []string{"-o", d + "/list.txt", "-"} }, "list.txt", exit.Usage, "same file as the input standard input"},
		{"db is the output, neither there yet", func(d string) []string {
			return []string{"-f", "jsonl", "-o", d + "/x.out", "--db", d + "/x.out", d + "/list.txt"}
		}, "", exit.Usage, "--db DIR/x.out is the same file as --output DIR/x.out"},
		{"html page is the input", func(d string) []string { return []string{"--html", d + "/list.txt", d + "/list.txt"} }, "", exit.Usage, "--html DIR/list.txt is the same file as the input"},
		{"html page is the output", func(d string) []string {
			return []string{"-f", "jsonl", "-o", d + "/x.out", "--html", d + "/x.out", d + "/list.txt"}
		}, "", exit.Usage, "--html DIR/x.out is the same file as --output DIR/x.out"},
		{"new output", func(d string) []string { return []string{"-o", d + "/new.txt", d + "/list.txt"} }, "", exit.OK, ""},
		{"not a regular file", func(d string) []string { return []string{"-o", os.DevNull, "--db", d + "/x.db", d + "/list.txt"} }, "", exit.OK, ""},
		{"two outputs to a device", func(d string) []string { return []string{"-o", os.DevNull, "--html", os.DevNull, d + "/list.txt"} }, "", exit.OK, ""},
		{"existing output that is not the input", func(d string) []string { return []string{"-o", d + "/other.txt"} }, "list.txt", exit.OK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "list.txt"), []byte(list), 0o644))
			must(t, os.WriteFile(filepath.Join(dir, "other.txt"), []byte(list), 0o644))
			must(t, os.Link(filepath.Join(dir, "list.txt"), filepath.Join(dir, "hard.txt")))
			must(t, os.Symlink(filepath.Join(dir, "list.txt"), filepath.Join(dir, "sym.txt")))
			streams, out, errOut := testStreams("")
			if tt.stdin != "" {
				f, err := os.Open(filepath.Join(dir, tt.stdin))
				must(t, err)
				defer f.Close()
				streams.In = f
			}
			code := Execute(context.Background(), streams, append([]string{"scrape", "-q"}, tt.args(dir)...))
			wantErr := strings.ReplaceAll(tt.wantErr, "DIR", dir)
			if code != tt.wantCode || !strings.Contains(errOut.String(), wantErr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, wantErr)
			}
			if got, err := os.ReadFile(filepath.Join(dir, "list.txt")); err != nil || string(got) != list {
				t.Errorf("the input list is now %q, %v", got, err)
			}
			if code != exit.OK && out.Len() > 0 {
				t.Errorf("stdout %q after a refusal", out)
			}
			if strings.Contains(tt.name, "is the output") {
				if _, err := os.Stat(filepath.Join(dir, "x.out")); !os.IsNotExist(err) {
					t.Errorf("the output was created before the refusal: %v", err)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestReportAndSitemapRefuseOverwritingInput checks that report --html and
// sitemap -o refuse an output that is one of their inputs (a records file,
// a --db store, standard input's file, a sitemap), as scrape does, and
// leave it untouched.
func TestReportAndSitemapRefuseOverwritingInput(t *testing.T) {
	const records = `{"url":"http://a.test/","line":1,"status":200}` + "\n"
	const sm = `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.test/</loc></url></urlset>`
	tests := []struct {
		name    string
		args    func(dir string) []string
		stdin   string // a file in dir to give as standard input
		wantErr string
	}{
		{"report --html is the records", func(d string) []string { return []string{"report", "--html", d + "/out.jsonl", d + "/out.jsonl"} }, "", "--html DIR/out.jsonl is the same file as the input DIR/out.jsonl"},
		{"report --html is the store", func(d string) []string { return []string{"report", "--db", d + "/run.db", "--html", d + "/run.db"} }, "", "--html DIR/run.db is the same file as the input DIR/run.db"},
		{"report --html is standard input", func(d string) []string { return []string{"report", "--html", d + "/out.jsonl"} }, "out.jsonl", "same file as the input standard input"},
		{"sitemap -o is the sitemap", func(d string) []string { return []string{"sitemap", "-o", d + "/sitemap.xml", d + "/sitemap.xml"} }, "", "--output DIR/sitemap.xml is the same file as the input DIR/sitemap.xml"},
		{"sitemap -o is standard input", func(d string) []string { return []string{"sitemap", "-o", d + "/sitemap.xml", "-"} }, "sitemap.xml", "same file as the input standard input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"out.jsonl": records, "run.db": "not really a store", "sitemap.xml": sm}
			for name, body := range files {
				must(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
			}
			streams, _, errOut := testStreams("")
			if tt.stdin != "" {
				f, err := os.Open(filepath.Join(dir, tt.stdin))
				must(t, err)
				defer f.Close()
				streams.In = f
			}
			code := Execute(context.Background(), streams, tt.args(dir))
			wantErr := strings.ReplaceAll(tt.wantErr, "DIR", dir)
			if code != exit.Usage || !strings.Contains(errOut.String(), wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exit.Usage, wantErr)
			}
			for name, body := range files {
				if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != body {
					t.Errorf("%s is now %q, %v", name, got, err)
				}
			}
		})
	}
}
