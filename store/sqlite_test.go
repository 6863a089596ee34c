package store

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// reader opens path read-only, as another program reading during a run
// would; it shares nothing with the store's own connection string.
func reader(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM results").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func result(i int) *record.Result {
	return &record.Result{URL: "http://127.0.0.1/page/" + string(rune('a'+i)), Line: i + 1, Status: 200, Attempts: 1}
}

// TestRowCommittedWhileNothingElseComes checks that a row is committed by
// the batch age alone: no further Put, Flush or Close is made while a
// second connection waits to see it.
func TestRowCommittedWhileNothingElseComes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := open(path, 1000, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(result(0)); err != nil {
		t.Fatal(err)
	}
	db := reader(t, path)
	waitFor(t, "the row, committed by the timer", func() bool { return count(t, db) == 1 })
	// The next batch gets its own timer.
	if err := s.Put(result(1)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second batch", func() bool { return count(t, db) == 2 })
}

// TestBatchCommitsWhenFull checks the row bound with an age that never
// comes.
func TestBatchCommitsWhenFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := open(path, 3, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := reader(t, path)
	for i := range 4 {
		if err := s.Put(result(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, db); n != 3 {
		t.Errorf("%d rows visible after 4 puts with batches of 3, want 3", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db); n != 4 {
		t.Errorf("%d rows after Close, want 4", n)
	}
}

// TestOneRunAtATime opens a store twice: the second Open fails at once, and
// succeeds once the first is closed. flock(2) locks belong to an open file,
// not to a process, so two opens in one process meet as two runs would.
func TestOneRunAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	first, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Open(path)
	if !errors.Is(err, ErrInUse) {
		second.Close()
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	if !strings.Contains(err.Error(), "process ") {
		t.Errorf("error %q does not name the holder", err)
	}
	// The first run goes on writing, and readers still read.
	if err := first.Put(result(0)); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, reader(t, path)); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
	third, err := Open(path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	third.Close()
	if _, err := os.Stat(lockPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left behind: %v", err)
	}
}

func makeDB(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    string // in the error
	}{
		{"not SQLite", func(t *testing.T, p string) { os.WriteFile(p, []byte("url,status\nhttp://a/,200\n"), 0o644) }, "not an SQLite database"},
		{"a directory", func(t *testing.T, p string) { os.Mkdir(p, 0o755) }, "not a regular file"},
		{"other tables", func(t *testing.T, p string) { makeDB(t, p, "CREATE TABLE notes (x)") }, "other tables (notes)"},
		{"other tables beside results", func(t *testing.T, p string) { makeDB(t, p, Schema, "CREATE TABLE notes (x)") }, "other tables (notes, results)"},
		{"another results table", func(t *testing.T, p string) { makeDB(t, p, "CREATE TABLE results (id, body)") }, "not fanout's"},
		{"another application", func(t *testing.T, p string) { makeDB(t, p, "PRAGMA application_id = 42") }, "another application"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.db")
			tt.prepare(t, path)
			before := snapshot(t, path)
			s, err := Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrNotStore) {
				t.Errorf("error %q, want ErrNotStore saying %q", err, tt.want)
			}
			if after := snapshot(t, path); after != before {
				t.Errorf("Open changed what it refused")
			}
			if _, err := os.Stat(lockPath(path)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("lock file left behind: %v", err)
			}
		})
	}
}

// snapshot is the file's bytes (or, for a directory, its names).
func snapshot(t *testing.T, path string) string {
	t.Helper()
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		names, _ := os.ReadDir(path)
		return strings.Repeat("entry ", len(names))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOpenAccepts(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
	}{
		{"missing", func(*testing.T, string) {}},
		{"empty file", func(t *testing.T, p string) { os.WriteFile(p, nil, 0o644) }},
		{"a store made before the application id", func(t *testing.T, p string) { makeDB(t, p, Schema) }},
		{"a store its user added a table to", func(t *testing.T, p string) {
			makeDB(t, p, Schema, "PRAGMA application_id = 1717661295", "CREATE TABLE notes (x)")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.db")
			tt.prepare(t, path)
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Put(result(0)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			db := reader(t, path)
			var id int64
			var mode string
			db.QueryRow("PRAGMA application_id").Scan(&id)
			db.QueryRow("PRAGMA journal_mode").Scan(&mode)
			if n := count(t, db); n != 1 || id != applicationID || mode != "wal" {
				t.Errorf("%d rows, application_id %#x, journal_mode %s; want 1, %#x, wal", n, id, mode, applicationID)
			}
		})
	}
}

// TestReadOnlyFile needs a user the file's mode applies to: root writes
// any file. (Run it as another user with, for example,
// `go test -c ./store && setpriv --reuid=65534 --regid=65534 --clear-groups ./store.test -test.run ReadOnly`.)
func TestReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ro.db")
	makeDB(t, path, Schema)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
		t.Skip("this user can write a file of mode 0444 (root)")
	}
	s, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a read-only file succeeded")
	}
	if !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("error %q", err)
	}
}

// TestPathIsAFileName checks that --db names a file, never an SQLite URI:
// each name makes exactly that file in the directory, and ":memory:" is
// refused.
func TestPathIsAFileName(t *testing.T) {
	for _, name := range []string{"q?x=1.db", "h#x.db", "%41.db", "file:x.db", "a b.db", "mode=memory.db", "?.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			s, err := Open(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Put(result(0)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{name}) {
				t.Errorf("directory holds %q, want only %q", names, name)
			}
		})
	}
	t.Run(":memory:", func(t *testing.T) {
		t.Chdir(t.TempDir())
		s, err := Open(":memory:")
		if err == nil {
			s.Close()
			t.Fatal("Open(:memory:) succeeded")
		}
		if entries, _ := os.ReadDir("."); len(entries) != 0 {
			t.Errorf("made %v", entries)
		}
	})
}
