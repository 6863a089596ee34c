package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestFullDiskThenResume fills the disk under the output the ways a user
// meets it: -o on a small filesystem, a resumed run appending (>> OUT) to a
// file that reaches the file size limit (ulimit -f; fanout must not die
// of SIGXFSZ), and -o /dev/full. The run stops in order with the summary
// and the resume line; the output ends with a whole record; the store
// holds exactly the URLs the output has; and the printed resume line,
// run once there is room, fetches exactly the rest: in the end one record
// per URL, and no URL the output had was fetched twice.
func TestFullDiskThenResume(t *testing.T) {
	tests := []struct {
		name    string
		prefill int // bytes of other records already in OUT
		// run starts the first run with args (fanout's flags, with
		// "-o OUT" or ">> OUT" as the case needs), and leaves OUT's
		// content at out when the run's OUT is not out itself.
		run    func(t *testing.T, out string, args []string) *exec.Cmd
		resume bool // OUT can take the rest once there is room
	}{
		{"small filesystem", 0, onSmallFilesystem, true},
		{"file size limit", 2<<20 - 12_000, underFileSizeLimit, true},
		{"/dev/full", 0, func(t *testing.T, _ string, args []string) *exec.Cmd {
			return fanout(append([]string{"-o", "/dev/full"}, args...)...)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := testsite.New(testsite.Options{})
			srv := httptest.NewServer(site)
			defer srv.Close()
			const n = 300
			list := writeList(t, srv.URL, n)
			dir := t.TempDir()
			db, out := filepath.Join(dir, "r.db"), filepath.Join(dir, "fs", "out.jsonl")
			os.Mkdir(filepath.Dir(out), 0o755)
			var prefill []byte
			for i := 0; len(prefill) < tt.prefill; i++ {
				prefill = fmt.Appendf(prefill, `{"url":"http://earlier.example/%d","line":%d}`+"\n", i, i+1)
			}
			os.WriteFile(out, prefill, 0o644)

			c := tt.run(t, out, []string{"scrape", "-c", "4", "--per-host", "0", "--db", db, list})
			var stderr strings.Builder
			c.Stderr = &stderr
			if code := exitCode(c.Run()); code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", code, stderr.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "kept")); err == nil {
				os.Rename(filepath.Join(dir, "kept"), out) // OUT as the small filesystem held it
			}
			msg := stderr.String()
			if !summaryLine.MatchString(msg) || !strings.Contains(msg, "resume with: ") ||
				!strings.Contains(msg, "not written (the output failed)") {
				t.Fatalf("no summary or resume line: %s", msg)
			}
			written := map[string]bool{}
			if tt.resume {
				for _, r := range readRecords(t, out)[len(bytes.Split(prefill, []byte("\n")))-1:] {
					written[r.URL] = true
				}
			}
			if rows := countRows(t, db, ""); rows != len(written) {
				t.Fatalf("store has %d rows, the output %d records: %s", rows, len(written), msg)
			}
			if !tt.resume {
				return
			}
			if len(written) == 0 || len(written) == n {
				t.Fatalf("%d of %d records written before the disk was full", len(written), n)
			}
			line := msg[strings.Index(msg, "resume with: ")+len("resume with: "):]
			line = strings.TrimSuffix(line[:strings.IndexByte(line, '\n')+1], "\n")
			if !strings.Contains(line, " >> ") {
				line += " >> '" + out + "'" // as the first run's stdout was (docs/store.md's recipe)
			}
			second := exec.Command("sh", "-c", `fanout() { FANOUT_RUN_MAIN=1 "$0" "$@"; }; eval "$1"`, os.Args[0], line)
			if b, err := second.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v: %s", line, err, b)
			}
			recs := readRecords(t, out)[len(bytes.Split(prefill, []byte("\n")))-1:]
			defer func() {
				if t.Failed() {
					t.Logf("first run's stderr: %s", msg)
				}
			}()
			seen := map[string]int{}
			for _, r := range recs {
				seen[r.URL]++
				if r.ErrorKind != "" {
					t.Errorf("%s: %s", r.URL, r.ErrorKind)
				}
			}
			for i := range n {
				u := fmt.Sprintf("%s/page/%d", srv.URL, i)
				if seen[u] != 1 {
					t.Errorf("%s has %d records", u, seen[u])
				}
				if hits := site.Hits(fmt.Sprintf("/page/%d", i)); written[u] && hits != 1 {
					t.Errorf("%s was in the output and fetched %d times", u, hits)
				}
			}
		})
	}
}

// summaryLine matches the run's summary line, however many URLs it
// counts: /dev/full can stop a run after its first URL ("1 URL in").
var summaryLine = regexp.MustCompile(`fanout: \d+ URLs? in `)

// onSmallFilesystem runs fanout with -o OUT on a 32 KiB tmpfs mounted over
// OUT's directory in a mount namespace of its own (unshare -rm, which needs
// no privilege where user namespaces are allowed), and copies OUT back out
// to "kept" in the directory above the mount when it ends.
func onSmallFilesystem(t *testing.T, out string, args []string) *exec.Cmd {
	if err := exec.Command("unshare", "-rm", "true").Run(); err != nil {
		t.Skipf("no mount namespace here (unshare -rm: %v)", err)
	}
	keep := filepath.Join(filepath.Dir(filepath.Dir(out)), "kept")
	script := `mount -t tmpfs -o size=32k tmpfs "$1" || exit 99
		out=$2 keep=$3; shift 3
		FANOUT_RUN_MAIN=1 "$@" -o "$out"; rc=$?
		cp "$out" "$keep"; exit $rc`
	c := exec.Command("unshare", append([]string{"-rm", "sh", "-c", script, "sh", filepath.Dir(out), out, keep, os.Args[0]}, args...)...)
	return c
}

// underFileSizeLimit runs fanout with its output appended (>> OUT) to OUT,
// under a file size limit of 2 MiB (ulimit -f 4096). The limit holds for
// the store too: its WAL, a few pages a commit, stays well under it.
func underFileSizeLimit(t *testing.T, out string, args []string) *exec.Cmd {
	c := exec.Command("sh", append([]string{"-c", `ulimit -f 4096 && exec "$@" >> "$0"`, out, os.Args[0]}, args...)...)
	c.Env = append(os.Environ(), "FANOUT_RUN_MAIN=1")
	return c
}

// TestGatherWithFullTmpdir runs --report gather with TMPDIR on a full
// 64 KiB filesystem, one URL that answers only when the run stops ahead of
// more fast ones than gather mode holds in memory: the spill fails, the
// run stops in order and says why, and the document on stdout holds every
// result, in input order, with its summary.
func TestGatherWithFullTmpdir(t *testing.T) {
	if err := exec.Command("unshare", "-rm", "true").Run(); err != nil {
		t.Skipf("no mount namespace here (unshare -rm: %v)", err)
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers when the run stops
	}))
	defer slow.Close()
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	defer srv.Close()
	const n = 8300 // more than gather mode holds in memory (8,192)
	list := writeList(t, srv.URL, n)
	b, _ := os.ReadFile(list)
	os.WriteFile(list, append([]byte(slow.URL+"/slow\n"), b...), 0o644)
	tmp := t.TempDir()
	db := filepath.Join(t.TempDir(), "r.db")
	script := `mount -t tmpfs -o size=64k tmpfs "$1" || exit 99; TMPDIR=$1; export TMPDIR; shift; exec "$@"`
	c := exec.Command("unshare", "-rm", "sh", "-c", script, "sh", tmp, os.Args[0],
		"scrape", "-c", "20", "--per-host", "0", "--window", "80000", "--report", "gather", "--db", db, list) // a window whose host share (an eighth) holds the list: no spill of targets
	c.Env = append(os.Environ(), "FANOUT_RUN_MAIN=1")
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if code := exitCode(c.Run()); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, stderr.String())
	}
	var doc struct {
		Results []userRecord `json:"results"`
		Summary struct {
			Total int `json:"total"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("stdout is not one document (%v): %.100q; stderr %s", err, stdout.String(), stderr.String())
	}
	rows := countRows(t, db, "")
	if len(doc.Results) <= 8192 || len(doc.Results) != doc.Summary.Total || len(doc.Results) != rows {
		t.Fatalf("%d results, total %d, %d rows in the store; stderr %s", len(doc.Results), doc.Summary.Total, rows, stderr.String())
	}
	for i, r := range doc.Results {
		if i > 0 && r.Line <= doc.Results[i-1].Line {
			t.Fatalf("result %d (line %d) after line %d: not in input order", i, r.Line, doc.Results[i-1].Line)
		}
	}
	if doc.Results[0].Line != 1 || doc.Results[0].ErrorKind != "canceled" {
		t.Errorf("first result %+v, want line 1 canceled", doc.Results[0])
	}
	msg := stderr.String()
	if !strings.Contains(msg, "TMPDIR") || !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, "resume with: ") {
		t.Errorf("stderr does not say what happened: %s", msg)
	}
}
