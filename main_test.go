package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// These tests run fanout as a child process, as a user would, and stop it
// with real signals. The child is this test binary re-run with
// FANOUT_RUN_MAIN set, which makes it run main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("FANOUT_RUN_MAIN") == "1" {
		os.Args = append([]string{"fanout"}, os.Args[1:]...)
		main()
		return
	}
	os.Exit(m.Run())
}

type userRecord struct {
	URL       string `json:"url"`
	Line      int    `json:"line"`
	Status    int    `json:"status"`
	ErrorKind string `json:"error_kind"`
}

func fanout(args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), "FANOUT_RUN_MAIN=1")
	return c
}

// writeList writes n page URLs of base to a file and returns its path.
func writeList(t *testing.T, base string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s/page/%d\n", base, i)
	}
	path := filepath.Join(t.TempDir(), "urls.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readRecords parses a JSON-lines file, failing on any partial line.
func readRecords(t *testing.T, path string) []userRecord {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("output ends with half a line: %q", b[max(0, len(b)-80):])
	}
	var recs []userRecord
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if line == "" {
			continue
		}
		var r userRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		recs = append(recs, r)
	}
	return recs
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestSignalsStopInOrder(t *testing.T) {
	tests := []struct {
		name     string
		sig      syscall.Signal
		wantCode int
	}{
		{"SIGINT", syscall.SIGINT, 130},
		{"SIGTERM", syscall.SIGTERM, 143},
		{"SIGHUP", syscall.SIGHUP, 129}, // the terminal or SSH session closed
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := testsite.New(testsite.Options{Latency: 400 * time.Millisecond})
			srv := httptest.NewServer(site)
			defer srv.Close()
			list := writeList(t, srv.URL, 300)
			out := filepath.Join(t.TempDir(), "out.jsonl")
			db := filepath.Join(t.TempDir(), "r.db")
			c := fanout("scrape", "-c", "20", "--per-host", "0", "-o", out, "--db", db, list)
			var stderr strings.Builder
			c.Stderr = &stderr
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "40 requests", func() bool { return site.Requests() >= 40 })
			// The store can be read while the run writes it.
			waitFor(t, "rows readable during the run", func() bool { return countRows(t, db, "") > 0 })
			sent := time.Now()
			c.Process.Signal(tt.sig)
			code := exitCode(c.Wait())
			took := time.Since(sent)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, stderr.String())
			}
			if took > 3*time.Second {
				t.Errorf("took %v to stop after %s", took, tt.name)
			}
			if !strings.Contains(stderr.String(), " URLs in ") || !strings.Contains(stderr.String(), " canceled; ") {
				t.Errorf("no summary line on stderr: %q", stderr.String())
			}
			if !strings.Contains(stderr.String(), "--resume") {
				t.Errorf("no resume line on stderr: %q", stderr.String())
			}
			recs := readRecords(t, out)
			got := map[string]userRecord{}
			canceled := 0
			for _, r := range recs {
				got[r.URL] = r
				if r.ErrorKind == "canceled" {
					canceled++
				}
			}
			// Every URL the server saw has a record: finished or canceled.
			for i := 0; i < 300; i++ {
				u := fmt.Sprintf("%s/page/%d", srv.URL, i)
				if site.Hits(fmt.Sprintf("/page/%d", i)) > 0 {
					if _, ok := got[u]; !ok {
						t.Errorf("%s was requested but has no record", u)
					}
				}
			}
			if canceled == 0 || len(recs) == canceled {
				t.Errorf("%d records, %d canceled: want both finished and canceled", len(recs), canceled)
			}
			if n := countRows(t, db, ""); n != len(recs) {
				t.Errorf("store has %d rows, output %d records", n, len(recs))
			}
		})
	}
}

func countRows(t *testing.T, path, where string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM results " + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestInterruptThenResume checks that a resumed run fetches only what the
// interrupted one did not finish, and that the store then holds exactly one
// final result per input URL.
func TestInterruptThenResume(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 300 * time.Millisecond})
	srv := httptest.NewServer(site)
	defer srv.Close()
	const n = 200
	list := writeList(t, srv.URL, n)
	db := filepath.Join(t.TempDir(), "r.db")

	first := fanout("scrape", "-q", "-c", "20", "--per-host", "0", "-o", os.DevNull, "--db", db, list)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "60 requests", func() bool { return site.Requests() >= 60 })
	first.Process.Signal(syscall.SIGINT)
	if code := exitCode(first.Wait()); code != 130 {
		t.Fatalf("first run exit %d", code)
	}
	finished := countRows(t, db, "WHERE error_kind IS NOT 'canceled'")
	if finished == 0 || finished == n {
		t.Fatalf("%d of %d finished before the signal", finished, n)
	}
	hitsBefore := map[int]int{}
	for i := 0; i < n; i++ {
		hitsBefore[i] = site.Hits(fmt.Sprintf("/page/%d", i))
	}

	second := fanout("scrape", "-c", "50", "--per-host", "0", "-o", os.DevNull, "--db", db, "--resume", list)
	var stderr strings.Builder
	second.Stderr = &stderr
	if code := exitCode(second.Run()); code != 0 {
		t.Fatalf("resumed run exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("%d skipped", finished)) {
		t.Errorf("stderr does not say %d skipped: %q", finished, stderr.String())
	}
	if rows, final := countRows(t, db, ""), countRows(t, db, "WHERE error_kind IS NOT 'canceled'"); rows != n || final != n {
		t.Fatalf("store has %d rows, %d final; want %d and %d", rows, final, n, n)
	}
	// No URL that had finished was requested again.
	dbh, _ := sql.Open("sqlite", "file:"+db+"?mode=ro")
	defer dbh.Close()
	for i := 0; i < n; i++ {
		again := site.Hits(fmt.Sprintf("/page/%d", i)) - hitsBefore[i]
		var kind sql.NullString
		var attempts int
		u := fmt.Sprintf("%s/page/%d", srv.URL, i)
		if err := dbh.QueryRow("SELECT error_kind, attempts FROM results WHERE url = ?", u).Scan(&kind, &attempts); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if kind.Valid {
			t.Errorf("%s ended %s after resume", u, kind.String)
		}
		if hitsBefore[i] > 0 && again > 0 && attempts == 1 && again != 1 {
			t.Errorf("%s requested %d more times", u, again)
		}
	}
	if total := site.Requests(); total > int64(n)+20 {
		t.Errorf("%d requests for %d URLs over both runs: finished URLs were fetched again", total, n)
	}
}

// TestClosedStdout checks that `fanout scrape big.txt | head -n 1` ends the
// run promptly and quietly.
func TestClosedStdout(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{Latency: 5 * time.Millisecond}))
	defer srv.Close()
	list := writeList(t, srv.URL, 5000)
	c := fanout("scrape", "-c", "20", "--per-host", "0", list)
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "{") {
		t.Fatalf("first line %q, %v", line, err)
	}
	stdout.Close()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		if code := exitCode(err); code != 0 {
			t.Errorf("exit %d after stdout closed", code)
		}
	case <-time.After(15 * time.Second):
		c.Process.Kill()
		t.Fatal("still running 15s after stdout closed")
	}
	for _, noise := range []string{"broken pipe", "panic", "goroutine"} {
		if strings.Contains(stderr.String(), noise) {
			t.Errorf("stderr says %q: %s", noise, stderr.String())
		}
	}
}

// TestRefusedStoreMakesNoRequest runs fanout on a --db it must refuse: it
// exits 1 at once, saying why, without a request and without touching the
// file or -o. The store held by another run is a second, real process.
func TestRefusedStoreMakesNoRequest(t *testing.T) {
	slow := testsite.New(testsite.Options{Latency: 400 * time.Millisecond})
	slowSrv := httptest.NewServer(slow)
	defer slowSrv.Close()
	held := filepath.Join(t.TempDir(), "held.db")
	first := fanout("scrape", "-q", "-c", "20", "--per-host", "0", "-o", os.DevNull, "--db", held, writeList(t, slowSrv.URL, 300))
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		first.Process.Signal(syscall.SIGINT)
		first.Wait()
	}()
	waitFor(t, "40 requests", func() bool { return slow.Requests() >= 40 })
	waitFor(t, "the first run's rows", func() bool { return countRows(t, held, "") > 0 })

	tests := []struct {
		name    string
		db      func(t *testing.T) string
		wantMsg string
	}{
		{"held by another run", func(*testing.T) string { return held }, "in use by another fanout run (process "},
		{"not SQLite", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "notes.txt")
			os.WriteFile(p, []byte("not a database\n"), 0o644)
			return p
		}, "not an SQLite database"},
		{"another application's tables", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "app.db")
			db, _ := sql.Open("sqlite", "file:"+p)
			defer db.Close()
			if _, err := db.Exec("CREATE TABLE accounts (id INTEGER)"); err != nil {
				t.Fatal(err)
			}
			return p
		}, "other tables (accounts)"},
		{":memory:", func(*testing.T) string { return ":memory:" }, "in-memory database keeps nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := testsite.New(testsite.Options{})
			srv := httptest.NewServer(site)
			defer srv.Close()
			db := tt.db(t)
			before, _ := os.ReadFile(db)
			out := filepath.Join(t.TempDir(), "out.jsonl")
			os.WriteFile(out, []byte("kept\n"), 0o644)
			c := fanout("scrape", "-o", out, "--db", db, writeList(t, srv.URL, 50))
			var stderr strings.Builder
			c.Stderr = &stderr
			if code := exitCode(c.Run()); code != 1 {
				t.Fatalf("exit %d, want 1; stderr %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantMsg) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.wantMsg)
			}
			if n := site.Requests(); n != 0 {
				t.Errorf("%d requests made", n)
			}
			if after, _ := os.ReadFile(db); tt.name != "held by another run" && string(after) != string(before) {
				t.Errorf("--db file changed")
			}
			if b, _ := os.ReadFile(out); string(b) != "kept\n" {
				t.Errorf("-o was truncated: %q", b)
			}
		})
	}
}

// TestRowStoredWhileASlowURLIsInFlight: a finished row is committed within
// the batch age, not when the next result comes; here the next result
// never comes until the run is stopped.
func TestRowStoredWhileASlowURLIsInFlight(t *testing.T) {
	site := testsite.New(testsite.Options{})
	srv := httptest.NewServer(site)
	defer srv.Close()
	list := filepath.Join(t.TempDir(), "urls.txt")
	os.WriteFile(list, []byte(srv.URL+testsite.PathNever+"\n"+srv.URL+"/page/1\n"), 0o644)
	db := filepath.Join(t.TempDir(), "r.db")
	c := fanout("scrape", "-q", "-t", "60s", "-o", os.DevNull, "--db", db, list)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		c.Process.Signal(syscall.SIGINT)
		c.Wait()
	}()
	waitFor(t, "both requests", func() bool { return site.Requests() >= 2 })
	waitFor(t, "the fast URL's row", func() bool { return countRows(t, db, "") == 1 })
}

// TestReleasedBinaryShipsNoHostileEndpoints checks what the binary links:
// the bench site that fanout serve and bench need, and none of the test
// site's hostile endpoints (gzip bomb, endless body, redirect to file:).
func TestReleasedBinaryShipsNoHostileEndpoints(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	has := func(pkg string) bool { return slices.Contains(deps, "github.com/fanout-dev/fanout/"+pkg) }
	if !has("internal/benchsite") || has("internal/testsite") {
		t.Errorf("the binary links benchsite: %v, testsite: %v; want true, false", has("internal/benchsite"), has("internal/testsite"))
	}
}

// TestReadmeResumeRecipe follows the resume recipe of docs/store.md: a run to run.jsonl
// stopped with Ctrl-C, then the command it prints on stderr, appending to
// run.jsonl. Only URLs that had started have a record from the first run
// (a final one only if the site saw its request), and in the end every URL has exactly one final (not canceled) record.
func TestReadmeResumeRecipe(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 300 * time.Millisecond})
	srv := httptest.NewServer(site)
	defer srv.Close()
	const n = 300
	dir := t.TempDir()
	list := writeList(t, srv.URL, n)
	db, jsonl := filepath.Join(dir, "run.db"), filepath.Join(dir, "run.jsonl")
	out, err := os.Create(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()

	first := fanout("scrape", "-c", "20", "--per-host", "0", "--db", db, list)
	first.Stdout = out
	var stderr strings.Builder
	first.Stderr = &stderr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "60 requests", func() bool { return site.Requests() >= 60 })
	first.Process.Signal(syscall.SIGINT)
	if code := exitCode(first.Wait()); code != 130 {
		t.Fatalf("first run exit %d: %s", code, stderr.String())
	}
	// A URL that started may be canceled before its request reached the
	// site (waiting for its host's connection, or dialing it): its record
	// says canceled. A record that is not canceled was requested.
	for _, r := range readRecords(t, jsonl) {
		if r.ErrorKind != "canceled" && site.Hits(strings.TrimPrefix(r.URL, srv.URL)) == 0 {
			t.Errorf("%s has a %q record but was never requested", r.URL, r.ErrorKind)
		}
	}
	_, hint, ok := strings.Cut(stderr.String(), "resume with: ")
	hint = strings.TrimSpace(hint)
	if !ok || !strings.HasPrefix(hint, "fanout scrape ") || !strings.Contains(hint, "--resume") {
		t.Fatalf("no resume command on stderr: %q", stderr.String())
	}

	// The command as printed, with this test binary as fanout.
	second := exec.Command("sh", "-c", `"$FANOUT" `+strings.TrimPrefix(hint, "fanout ")+` >> "$JSONL"`)
	second.Env = append(os.Environ(), "FANOUT_RUN_MAIN=1", "FANOUT="+os.Args[0], "JSONL="+jsonl)
	if b, err := second.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", hint, err, b)
	}
	final := map[string]int{}
	for _, r := range readRecords(t, jsonl) {
		if r.ErrorKind != "canceled" {
			final[r.URL]++
		}
	}
	for i := 0; i < n; i++ {
		if u := fmt.Sprintf("%s/page/%d", srv.URL, i); final[u] != 1 {
			t.Errorf("%s has %d final records, want 1", u, final[u])
		}
	}
}

// TestDeadlineWithStdinOpen checks that --deadline ends a run whose stdin
// stays open, as behind tail -f, with a record for the URL it read.
func TestDeadlineWithStdinOpen(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{Latency: time.Minute}))
	defer srv.Close()
	c := fanout("scrape", "--deadline", "1s", "-")
	stdin, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var stdout strings.Builder
	c.Stdout = &stdout
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(stdin, "%s/page/1\n", srv.URL)
	ended := make(chan int, 1)
	go func() { ended <- exitCode(c.Wait()) }()
	select {
	case code := <-ended:
		if code != 1 || !strings.Contains(stdout.String(), `"error_kind":"canceled"`) {
			t.Errorf("exit %d, output %q; want 1 and the URL canceled", code, stdout.String())
		}
	case <-time.After(20 * time.Second):
		c.Process.Kill()
		<-ended
		t.Fatal("--deadline 1s did not end a run whose stdin stayed open")
	}
}
