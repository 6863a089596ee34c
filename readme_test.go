package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// An example in README.md is a ```sh block. Every command in it is run, in
// order, in one temporary directory per block, against the local test
// site, with a freshly built `fanout` first on the PATH. An HTML comment just before a block
// tells this test about it:
//
//	<!-- readme-test: skip: why (a real domain, hey, the test suite itself…) -->
//	<!-- readme-test: 1: REGEX; 3: REGEX -->
//
// "N: REGEX" says that every line command N of the block writes on stdout
// matches REGEX, and that it writes at least one; directives are
// separated by "; ", so a REGEX cannot contain one. Every command must exit
// 0. A command that needs a tool that is not installed (jq, sqlite3,
// parallel) is
// skipped with a message.
//
// Loopback only: https://example.com and example.com in a command become
// the local site's address; a block that still names any other host or
// IP address fails before it runs (mark it skip); and HTTP(S)_PROXY point
// at a closed loopback port, so a name that slipped through is never
// looked up here.
type readmeBlock struct {
	line     int      // of the opening fence
	commands []string // continuation lines joined; comments dropped
	skip     string
	want     map[int]*regexp.Regexp // by 1-based command number
}

var directive = regexp.MustCompile(`^<!-- readme-test: (.*) -->$`)

// readmeBlocks reads the sh blocks of README.md with their directives.
func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	var pending []string // directives since the last block
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && line == "```sh":
			cur = &readmeBlock{line: n, want: map[int]*regexp.Regexp{}}
			for _, d := range pending {
				parseDirective(t, cur, d)
			}
			pending = nil
		case cur == nil:
			if m := directive.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				pending = append(pending, m[1])
			}
		case line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		default:
			addLine(cur, line)
		}
	}
	return blocks
}

func parseDirective(t *testing.T, b *readmeBlock, d string) {
	if reason, ok := strings.CutPrefix(d, "skip:"); ok {
		b.skip = strings.TrimSpace(reason)
		return
	}
	for _, part := range strings.Split(d, "; ") {
		num, re, ok := strings.Cut(part, ": ")
		i, err := strconv.Atoi(num)
		if !ok || err != nil {
			t.Fatalf("README.md line before %d: bad readme-test directive %q", b.line, d)
		}
		b.want[i] = regexp.MustCompile(re)
	}
}

// addLine adds a line of a block: a comment line is dropped, a line after
// one ending in a backslash continues it, a trailing comment is kept (the
// shell ignores it).
func addLine(b *readmeBlock, line string) {
	trimmed := strings.TrimSpace(line)
	if n := len(b.commands); n > 0 && strings.HasSuffix(b.commands[n-1], "\\") {
		b.commands[n-1] = strings.TrimSuffix(b.commands[n-1], "\\") + " " + trimmed
		return
	}
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return
	}
	b.commands = append(b.commands, trimmed)
}

var (
	urlHost = regexp.MustCompile(`[a-z]+://([^/\s'"]+)`)
	ipv4    = regexp.MustCompile(`\b\d{1,3}(\.\d{1,3}){3}\b`)
	goCmd   = regexp.MustCompile(`(^|[|&;(]\s*)go\s`)
	domain  = regexp.MustCompile(`\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|org|net|io|dev|app|co|uk|de)\b`)
)

// offLoopback returns what in cmd names a host off loopback, or "".
func offLoopback(cmd string) string {
	for _, m := range urlHost.FindAllStringSubmatch(cmd, -1) {
		host := m[1]
		if !strings.HasPrefix(host, "127.") && !strings.HasPrefix(host, "localhost") && !strings.HasPrefix(host, "[::1]") {
			return m[0]
		}
	}
	for _, ip := range ipv4.FindAllString(cmd, -1) {
		if !strings.HasPrefix(ip, "127.") {
			return ip
		}
	}
	return domain.FindString(cmd)
}

// readmeFixture writes urls.txt in dir: pages, a redirect, a 404, a 503, a
// 200 without a title, a refused connection and a line that is no URL.
func readmeFixture(t *testing.T, dir, base string) {
	t.Helper()
	var b strings.Builder
	for i := range 8 {
		fmt.Fprintf(&b, "%s/page/%d\n", base, i)
	}
	for _, p := range []string{"/redirect/2", "/status/404", "/status/503", testsite.PathJSON} {
		b.WriteString(base + p + "\n")
	}
	b.WriteString("http://127.0.0.1:1/refused\nftp://127.0.0.1/not-http\n")
	if err := os.WriteFile(filepath.Join(dir, "urls.txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fanoutOnPath builds fanout as a user would (go build, no race
// detector, which would make the examples' loads crawl) and returns a PATH
// with it first.
func fanoutOnPath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	c := exec.Command("go", "build", "-o", filepath.Join(dir, "fanout"), ".")
	c.Env = append(os.Environ(), "GOPROXY=off")
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// TestReadmeExamples runs every shell example of README.md as described
// above.
func TestReadmeExamples(t *testing.T) {
	if os.Getenv("FANOUT_README_TEST") != "" {
		t.Skip("inside a README example: no recursion")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	path := fanoutOnPath(t)
	env := append(os.Environ(), "PATH="+path, "FANOUT_README_TEST=1",
		"HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9", "NO_PROXY=", "no_proxy=")
	blocks := readmeBlocks(t)
	if len(blocks) == 0 {
		t.Fatal("README.md has no sh examples")
	}
	for _, b := range blocks {
		t.Run(fmt.Sprintf("line %d", b.line), func(t *testing.T) {
			if b.skip != "" {
				t.Skipf("marked in README.md: %s", b.skip)
			}
			dir := t.TempDir()
			readmeFixture(t, dir, srv.URL)
			for i, cmd := range b.commands {
				cmd = strings.ReplaceAll(cmd, "https://example.com", srv.URL)
				cmd = strings.ReplaceAll(cmd, "example.com", strings.TrimPrefix(srv.URL, "http://"))
				if goCmd.MatchString(cmd) {
					t.Fatalf("command %d runs the go tool (builds, tests, downloads): mark the block <!-- readme-test: skip: why -->\n%s", i+1, cmd)
				}
				if off := offLoopback(cmd); off != "" {
					t.Fatalf("command %d names %q, off loopback: mark the block <!-- readme-test: skip: why -->\n%s", i+1, off, cmd)
				}
				t.Run(fmt.Sprintf("command %d", i+1), func(t *testing.T) {
					runReadmeCommand(t, dir, env, i+1, cmd, b.want[i+1])
				})
			}
		})
	}
}

// runReadmeCommand runs one command of an example and checks its exit
// status and, if want is set, every line of its stdout.
func runReadmeCommand(t *testing.T, dir string, env []string, n int, cmd string, want *regexp.Regexp) {
	t.Helper()
	for _, tool := range []string{"jq", "sqlite3", "parallel"} {
		if regexp.MustCompile(`(^|[|&;]\s*)` + tool + `\b`).MatchString(cmd) {
			if _, err := exec.LookPath(tool); err != nil {
				t.Skipf("%s is not installed (apt-get install -y %s): %s", tool, tool, cmd)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", cmd)
	c.Dir, c.Env = dir, env
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("command %d failed (%v): %s\nstderr: %s", n, err, cmd, stderr.String())
	}
	if want == nil {
		return
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(out) == 0 {
		t.Errorf("command %d wrote nothing, want lines matching %s: %s", n, want, cmd)
	}
	for _, line := range lines {
		if len(out) > 0 && !want.MatchString(line) {
			t.Errorf("command %d wrote %q, not matching %s: %s", n, line, want, cmd)
		}
	}
}
