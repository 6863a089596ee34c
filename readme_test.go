package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/testsite"
)

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

// freePort returns a loopback port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// installed reports whether tool (a name or an absolute path) can be run.
func installed(tool string) bool {
	_, err := exec.LookPath(tool)
	return err == nil
}

// TestReadmeExamples runs every shell example of README.md and docs/*.md
// as described in readmeparse_test.go.
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
	for _, file := range exampleFiles(t) {
		blocks := readmeBlocks(t, file)
		if file == "README.md" && len(blocks) == 0 {
			t.Fatal("README.md has no sh examples")
		}
		for _, group := range readmeGroups(blocks) {
			t.Run(fmt.Sprintf("%s line %d", file, group[0].line), func(t *testing.T) {
				runGroup(t, group, srv.URL, env)
			})
		}
	}
}

// runGroup runs the commands of an example, and of the examples that
// continue it, in a directory of their own.
func runGroup(t *testing.T, group []readmeBlock, site string, env []string) {
	if group[0].skip != "" {
		t.Skipf("marked in %s: %s", group[0].file, group[0].skip)
	}
	dir := t.TempDir()
	readmeFixture(t, dir, site)
	port := freePort(t)
	for _, b := range group {
		cmds, skipped := runnable(b, installed)
		for i, cmd := range cmds {
			runBlockCommand(t, b, i+1, localCommand(cmd, site, port), dir, port, env)
		}
		if skipped != "" {
			t.Skipf("%s:%d: %s", b.file, b.line, skipped)
		}
	}
}

// runBlockCommand runs command n of block b.
func runBlockCommand(t *testing.T, b readmeBlock, n int, cmd, dir, port string, env []string) {
	t.Helper()
	if goCmd.MatchString(cmd) {
		t.Fatalf("%s:%d: command %d runs the go tool (builds, tests, downloads): mark the block <!-- readme-test: skip: why -->\n%s", b.file, b.line, n, cmd)
	}
	if off := offLoopback(cmd); off != "" {
		t.Fatalf("%s:%d: command %d names %q, off loopback: mark the block <!-- readme-test: skip: why -->\n%s", b.file, b.line, n, off, cmd)
	}
	if bg, ok := background(cmd); ok {
		startBackground(t, dir, env, n, bg)
		return
	}
	var shown []string
	if b.shown == n {
		for _, l := range b.output {
			shown = append(shown, strings.ReplaceAll(l, "127.0.0.1:8080", "127.0.0.1:"+port))
		}
	}
	t.Run(fmt.Sprintf("line %d command %d", b.line, n), func(t *testing.T) {
		runReadmeCommand(t, dir, env, n, cmd, b.want[n], shown)
	})
}

// localCommand points a command at loopback: example.com at the test
// site, fanout serve's default address at port.
func localCommand(cmd, site, port string) string {
	cmd = strings.ReplaceAll(cmd, "https://example.com", site)
	cmd = strings.ReplaceAll(cmd, "example.com", strings.TrimPrefix(site, "http://"))
	cmd = strings.ReplaceAll(cmd, "127.0.0.1:8080", "127.0.0.1:"+port)
	if serve := regexp.MustCompile(`^fanout serve\b`); serve.MatchString(cmd) && !strings.Contains(cmd, "--listen") {
		cmd = serve.ReplaceAllString(cmd, "fanout serve --listen 127.0.0.1:"+port)
	}
	return cmd
}

var backgroundCmd = regexp.MustCompile(`^(.*[^&])&\s*(#.*)?$`)

// background returns the command a line ending in "&" starts, if it does.
func background(cmd string) (string, bool) {
	m := backgroundCmd.FindStringSubmatch(cmd)
	if m == nil {
		return "", false
	}
	return strings.TrimSpace(m[1]), true
}

// startBackground starts cmd until the block's test ends, and returns once
// it has written its first line (or ended).
func startBackground(t *testing.T, dir string, env []string, n int, cmd string) {
	t.Helper()
	c := exec.Command("bash", "-c", "exec "+cmd)
	c.Dir, c.Env = dir, env
	r, w := io.Pipe()
	c.Stdout, c.Stderr = w, w
	if err := c.Start(); err != nil {
		t.Fatalf("command %d: %v", n, err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait(); w.Close() }()
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		io.Copy(io.Discard, r)
	}()
	t.Cleanup(func() {
		c.Process.Kill()
		<-done
	})
	select {
	case line, ok := <-first:
		if !ok {
			t.Fatalf("command %d ended before it wrote a line: %s", n, cmd)
		}
		t.Logf("command %d, in the background: %s", n, line)
	case <-time.After(30 * time.Second):
		t.Fatalf("command %d wrote nothing in 30s: %s", n, cmd)
	}
}

// runReadmeCommand runs one command of an example and checks its exit
// status and, if want is set, every line of its stdout; if shown is set,
// that its output is what shown shows.
func runReadmeCommand(t *testing.T, dir string, env []string, n int, cmd string, want *regexp.Regexp, shown []string) {
	t.Helper()
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
	if shown != nil {
		checkShown(t, n, cmd, string(out), stderr.String(), shown)
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

// checkShown checks a command's stdout and stderr against the text block
// that shows them (stderr's lines start with "fanout: ").
func checkShown(t *testing.T, n int, cmd, stdout, stderr string, shown []string) {
	t.Helper()
	var wantOut, wantErr []string
	for _, l := range shown {
		if strings.HasPrefix(l, "fanout: ") {
			wantErr = append(wantErr, l)
		} else {
			wantOut = append(wantOut, l)
		}
	}
	split := func(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }
	if got := split(stdout); !sameLines(got, wantOut) {
		t.Errorf("command %d printed on stdout (times masked, in any order):\n%s\nthe docs show:\n%s\ncommand: %s",
			n, strings.Join(got, "\n"), strings.Join(wantOut, "\n"), cmd)
	}
	if got := split(stderr); !sameLines(got, wantErr) {
		t.Errorf("command %d printed on stderr:\n%s\nthe docs show:\n%s\ncommand: %s",
			n, strings.Join(got, "\n"), strings.Join(wantErr, "\n"), cmd)
	}
}

// TestReadmeBlockStopsAtSkipped: once a command of a block is skipped for
// a missing tool, the rest of the block is skipped too (its later commands
// may read what the skipped one wrote).
func TestReadmeBlockStopsAtSkipped(t *testing.T) {
	block := readmeBlock{commands: []string{
		"fanout scrape urls.txt > out.jsonl",
		"parallel -j4 fanout scrape -q --shard {}/4 -o out.{}.jsonl urls.txt ::: 0 1 2 3",
		"fanout report out.*.jsonl",
	}}
	tests := []struct {
		name    string
		missing string
		want    int // commands run
		skipped bool
	}{
		{"everything installed", "", 3, false},
		{"parallel missing", "parallel", 1, true},
		{"another tool missing", "jq", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds, why := runnable(block, func(tool string) bool { return tool != tt.missing })
			if len(cmds) != tt.want || (why != "") != tt.skipped {
				t.Fatalf("runnable: %d commands, skipped %q; want %d, skipped %v", len(cmds), why, tt.want, tt.skipped)
			}
			if tt.skipped && !strings.Contains(why, "command 2 needs "+tt.missing) {
				t.Errorf("why = %q, want it to name command 2 and %s", why, tt.missing)
			}
		})
	}
}

// TestShownOutputMasksTimes: a shown output matches a run whose times,
// rates and order differ, and not one whose status or title differs.
func TestShownOutputMasksTimes(t *testing.T) {
	shown := []string{"200  1ms  2.0K  http://127.0.0.1:8080/page/1  Page 1", "404  1ms  19B  http://127.0.0.1:8080/missing"}
	tests := []struct {
		name string
		got  []string
		want bool
	}{
		{"same", shown, true},
		{"other times and order", []string{"404  12.5ms  19B  http://127.0.0.1:8080/missing", "200  850µs  2.0K  http://127.0.0.1:8080/page/1  Page 1"}, true},
		{"other status", []string{"200  1ms  2.0K  http://127.0.0.1:8080/page/1  Page 1", "500  1ms  19B  http://127.0.0.1:8080/missing"}, false},
		{"a line missing", shown[:1], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameLines(tt.got, shown); got != tt.want {
				t.Errorf("sameLines = %v, want %v", got, tt.want)
			}
		})
	}
	const line = "fanout: 3 URLs in 0.00s (1830.7 URLs/s): 2xx 2, 4xx 1; 0 failed; 3 requests, p50 800µs, p99 1.3ms"
	if got, want := masked(line), "fanout: 3 URLs in T (R URLs/s): 2xx 2, 4xx 1; 0 failed; 3 requests, p50 T, p99 T"; got != want {
		t.Errorf("masked summary line = %q", got)
	}
}
