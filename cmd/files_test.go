package cmd

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestSeveralFilesNameTheirFile checks that with several input files each
// record names the file its line came from, in JSON, CSV and the store,
// since line numbers restart in each file; with one file, none is named.
func TestSeveralFilesNameTheirFile(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	os.WriteFile(a, []byte(srv.URL+"/page/1\n"), 0o600)
	os.WriteFile(b, []byte("# b\n"+srv.URL+"/page/2\n"), 0o600)
	wantFile := map[string]string{srv.URL + "/page/1": a, srv.URL + "/page/2": b}

	t.Run("jsonl and store", func(t *testing.T) {
		db := filepath.Join(dir, "r.db")
		code, out, errOut := run(t, "", "scrape", "--db", db, a, b)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var r struct{ URL, File string }
			json.Unmarshal([]byte(line), &r)
			if r.File != wantFile[r.URL] {
				t.Errorf("%s: file %q, want %q", r.URL, r.File, wantFile[r.URL])
			}
		}
		h, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		for u, f := range wantFile {
			var got string
			if err := h.QueryRow("SELECT file FROM results WHERE url = ?", u).Scan(&got); err != nil || got != f {
				t.Errorf("store: %s file %q (%v), want %q", u, got, err, f)
			}
		}
	})
	t.Run("csv", func(t *testing.T) {
		code, out, errOut := run(t, "", "scrape", "-f", "csv", a, b)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(rows) != 3 || rows[0][2] != "file" {
			t.Fatalf("%v %q", err, out)
		}
		for _, row := range rows[1:] {
			if row[2] != wantFile[row[0]] {
				t.Errorf("%s: file %q, want %q", row[0], row[2], wantFile[row[0]])
			}
		}
	})
	t.Run("one file names none", func(t *testing.T) {
		code, out, _ := run(t, "", "scrape", a)
		if code != 0 || !strings.Contains(out, `"file":null`) {
			t.Errorf("exit %d, %s", code, out)
		}
	})
}
