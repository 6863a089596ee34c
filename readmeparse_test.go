package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// An example in README.md or in a page of docs/ is a ```sh block. Every
// command in it is run, in order, in one temporary directory per block,
// against the local test site, with a freshly built `fanout` first on the
// PATH. An HTML comment just before a block tells this test about it:
//
//	<!-- readme-test: skip: why (a real domain, hey, the test suite itself…) -->
//	<!-- readme-test: 1: REGEX; 3: REGEX -->
//	<!-- readme-test: 3: shown -->
//	<!-- readme-test: continues; 1: shown -->
//
// "N: REGEX" says that every line command N of the block writes on stdout
// matches REGEX, and that it writes at least one; directives are
// separated by "; ", so a REGEX cannot contain one. "N: shown" says that
// command N prints what the next ```text block shows, in any order (a
// stream's records come as they complete), with times and rates masked
// (they differ from run to run): its lines that start with "fanout: " are
// what it writes on stderr, the others what it writes on stdout.
// "continues" runs the block after the one before it, in its directory,
// with what that one started in the background still running. Every
// command must exit 0.
//
// A command that needs a tool that is not installed (jq, sqlite3, GNU
// parallel, GNU time) is skipped with a message, and so is the rest of its
// block, whose later commands may read what it wrote. A command ending in
// "&" runs in the background until the block ends; the next command starts
// once it has written its first line (fanout serve says where it listens).
//
// Loopback only: https://example.com and example.com in a command become
// the local site's address, and 127.0.0.1:8080 (where fanout serve listens
// by default) a free loopback port, to which a background `fanout serve`
// without --listen is sent; a block that still names any other host or IP
// address fails before it runs (mark it skip); and HTTP(S)_PROXY point at
// a closed loopback port, so a name that slipped through is never looked
// up here.
type readmeBlock struct {
	file     string
	line     int      // of the opening fence
	commands []string // continuation lines joined; comments dropped
	skip     string
	want     map[int]*regexp.Regexp // by 1-based command number
	shown    int                    // the command whose output the next text block shows
	output   []string               // that text block's lines
	cont     bool                   // runs on from the block before it
}

var directive = regexp.MustCompile(`^<!-- readme-test: (.*) -->$`)

// exampleFiles are the files whose sh blocks are tested: README.md and
// every page of docs/.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(pages)
	return append([]string{"README.md"}, pages...)
}

// readmeBlocks reads the sh blocks of a Markdown file with their
// directives.
func readmeBlocks(t *testing.T, name string) []readmeBlock {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	var pending []string // directives since the last block
	var showing *readmeBlock
	inText := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && inText && line == "```":
			inText, showing = false, nil
		case cur == nil && inText:
			showing.output = append(showing.output, line)
		case cur == nil && line == "```text" && showing != nil:
			inText = true
		case cur == nil && line == "```sh":
			cur = &readmeBlock{file: name, line: n, want: map[int]*regexp.Regexp{}}
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
			showing = nil
			if cur.shown > 0 {
				showing = &blocks[len(blocks)-1]
			}
			cur = nil
		default:
			addLine(cur, line)
		}
	}
	for _, b := range blocks {
		if b.shown > 0 && len(b.output) == 0 {
			t.Fatalf("%s:%d: command %d is said to print what is shown, but no ```text block follows", name, b.line, b.shown)
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
		if part == "continues" {
			b.cont = true
			continue
		}
		num, re, ok := strings.Cut(part, ": ")
		i, err := strconv.Atoi(num)
		switch {
		case !ok || err != nil:
			t.Fatalf("%s line before %d: bad readme-test directive %q", b.file, b.line, d)
		case re == "shown":
			b.shown = i
		default:
			b.want[i] = regexp.MustCompile(re)
		}
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

// readmeGroups joins each block that continues to the one before it.
func readmeGroups(blocks []readmeBlock) [][]readmeBlock {
	var groups [][]readmeBlock
	for _, b := range blocks {
		if n := len(groups); b.cont && n > 0 {
			groups[n-1] = append(groups[n-1], b)
			continue
		}
		groups = append(groups, []readmeBlock{b})
	}
	return groups
}

// optionalTools are the programs an example may use that a machine with
// only Go lacks; .ci/run installs them, so that nothing is skipped there.
var optionalTools = []struct{ name, pkg string }{
	{"jq", "jq"}, {"sqlite3", "sqlite3"}, {"parallel", "parallel"}, {"/usr/bin/time", "time"},
}

// runnable returns the commands of b to run: all of them, or those before
// the first that needs a tool have says is missing, with why the rest is
// skipped. The rest goes too because a later command may read what the
// skipped one wrote.
func runnable(b readmeBlock, have func(tool string) bool) (cmds []string, skipped string) {
	for i, cmd := range b.commands {
		for _, tool := range optionalTools {
			if toolUse(tool.name).MatchString(cmd) && !have(tool.name) {
				return b.commands[:i], "command " + strconv.Itoa(i+1) + " needs " + tool.name +
					", which is not installed (apt-get install -y " + tool.pkg + "), so it and the rest of the block are skipped: " + cmd
			}
		}
	}
	return b.commands, ""
}

// toolUse matches a command that runs tool: at its start or after a pipe,
// &&, || or ;.
func toolUse(tool string) *regexp.Regexp {
	return regexp.MustCompile(`(^|[|&;(]\s*)` + regexp.QuoteMeta(tool) + `(\s|$)`)
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

// masked is what a line of output says once what differs from run to run
// is taken out: times (a JSON record's duration_ms and fetched_at too),
// rates, and the white space that aligns them.
func masked(line string) string {
	line = rateValue.ReplaceAllString(line, "R ${2}/s")
	line = jsonTime.ReplaceAllString(line, `"$1":T`)
	line = timeValue.ReplaceAllString(line, "T")
	return strings.Join(strings.Fields(line), " ")
}

var (
	timeValue = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms|s|m|h)\b`)
	rateValue = regexp.MustCompile(`\b\d+(\.\d+)? (URLs|requests)/s\b`)
	jsonTime  = regexp.MustCompile(`"(duration_ms|fetched_at)":("[^"]*"|[0-9.e+-]+)`)
)

// sameLines reports whether got and want hold the same lines, once masked,
// in any order.
func sameLines(got, want []string) bool {
	norm := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			if m := masked(l); m != "" {
				out = append(out, m)
			}
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(got), norm(want))
}
