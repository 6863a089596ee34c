package cmd

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/testsite"
)

const reportInput = `{"url":"http://a.test/1","line":1,"status":200,"size":10,"duration_ms":5,"attempts":1}
{"url":"http://b.test/2","line":2,"size":0,"duration_ms":9,"attempts":3,"error":"refused","error_kind":"connect"}
`

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "r.html")
	tests := []struct {
		name       string
		stdin      string
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut string
		wantPage   bool
	}{
		{"text from stdin", reportInput, []string{"report"}, 0, "2 (1 ok (2xx/3xx), 0 4xx, 0 5xx, 1 failed, 0 canceled)", "", false},
		{"json from stdin", reportInput, []string{"report", "-f", "json", "-"}, 0, `"total": 2`, "", false},
		{"html only", reportInput, []string{"report", "--html", page}, 0, "", "", true},
		{"html and json", reportInput, []string{"report", "--html", page, "--format", "json"}, 0, `"failed": 1`, "", true},
		{"html to standard output", reportInput, []string{"report", "--html", "-"}, 0, "<!doctype html>", "", false},
		{"html and format to standard output", reportInput, []string{"report", "--html", "-", "-f", "json"}, 2, "", "--format would write there too", false},
		{"malformed lines are said", reportInput + "oops\n", []string{"report"}, 0, "URLs", "1 lines were not JSON records", false},
		{"bad format", "", []string{"report", "--format", "xml"}, 2, "", "--format must be text or json", false},
		{"missing file", "", []string{"report", filepath.Join(dir, "none.jsonl")}, 1, "", "cannot read", false},
		{"missing store", "", []string{"report", "--db", filepath.Join(dir, "none.db")}, 1, "", "cannot read", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(page)
			code, out, errOut := run(t, tt.stdin, tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErrOut) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErrOut)
			}
			if tt.wantOut == "" && out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if _, err := os.Stat(page); (err == nil) != tt.wantPage {
				t.Errorf("page written: %v, want %v", err == nil, tt.wantPage)
			}
			if _, err := os.Stat("-"); err == nil {
				os.Remove("-")
				t.Errorf("a file named - was written")
			}
		})
	}
}

func TestShardFlags(t *testing.T) {
	list := "http://a.test/1\nftp://nope\nhttp://b.test:8080/2\nhttp://A.test/3\n"
	tests := []struct {
		name       string
		env        string
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut string
	}{
		{"plan of one shard", "", []string{"scrape", "--shard", "0/2", "--plan"}, 0, "0/2 2 4 <", ""},
		{"plan of -u URLs, not standard input", "", []string{"scrape", "--shard", "0/2", "--plan", "-u", "http://a.test/1", "-u", "http://A.test/3"}, 0, "0/2 1 2 <", ""},
		{"plan of URL arguments", "", []string{"scrape", "--shard", "0/2", "--plan", "http://a.test/1"}, 0, "0/2 1 1 <", ""},
		{"plan with the index from the environment", "1", []string{"scrape", "--shard", "2", "--plan"}, 0, "1/2 0 0 <", ""},
		{"N without an index", "", []string{"scrape", "--shard", "2", "--plan"}, 2, "", "JOB_COMPLETION_INDEX"},
		{"index out of range", "", []string{"scrape", "--shard", "2/2"}, 2, "", "--shard"},
		{"plan without shard", "", []string{"scrape", "--plan"}, 2, "", "--plan needs --shard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("JOB_COMPLETION_INDEX", tt.env)
			code, out, errOut := run(t, list, tt.args...)
			out = strings.Join(strings.Fields(out), " ")
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErrOut) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErrOut)
			}
		})
	}
}

// TestScrapeHTMLPage runs scrape --html in-process and checks the page was
// written, with the flags of the run.
func TestScrapeHTMLPage(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	page := filepath.Join(t.TempDir(), "run.html")
	var list strings.Builder
	for i := range 20 {
		fmt.Fprintf(&list, "%s/page/%d\n", srv.URL, i)
	}
	code, out, errOut := run(t, list.String(), "scrape", "-q", "-c", "4", "--report", "gather", "--html", page)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct{ Summary struct{ Total int } }
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Summary.Total != 20 {
		t.Fatalf("gather output %v, total %d", err, doc.Summary.Total)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<dd id="total">20</dd>`, "--concurrency", "--html"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// A page that cannot be written stops the run before any request.
	code, out, errOut = run(t, list.String(), "scrape", "-q", "--html", filepath.Join(t.TempDir(), "no", "dir.html"))
	if code != 1 || out != "" || !strings.Contains(errOut, "cannot write --html") {
		t.Errorf("unwritable --html: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestReportHidesPasswords checks that fanout report, in text, JSON and
// HTML, shows a failed URL's password as the summary does (redacted), and
// keeps the record's file (issue 18 point 1).
func TestReportHidesPasswords(t *testing.T) {
	const in = `{"url":"https://user:secret@a.test/x","line":3,"file":"list.txt","attempts":1,"error":"refused","error_kind":"connect"}` + "\n"
	page := filepath.Join(t.TempDir(), "r.html")
	code, text, errOut := run(t, in, "report")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, js, _ := run(t, in, "report", "-f", "json")
	run(t, in, "report", "--html", page)
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text, "json": js, "html": string(html)} {
		if strings.Contains(out, "secret") || !strings.Contains(out, "user:xxxxx@a.test") {
			t.Errorf("%s report shows the password, or not the redacted URL:\n%s", name, out)
		}
	}
	var rep struct {
		ByKind []struct {
			Examples []struct{ URL, File string }
		} `json:"errors_by_kind"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil || len(rep.ByKind) != 1 || len(rep.ByKind[0].Examples) != 1 ||
		rep.ByKind[0].Examples[0].File != "list.txt" {
		t.Errorf("the JSON report's example lost its file (%v):\n%s", err, js)
	}
}

// TestControlsNeverReachTheTerminal checks that bidirectional overrides,
// ESC and C1 controls from records (report) and from a list line
// (--fail-fast's message) are shown as U+FFFD, as -f text does.
func TestControlsNeverReachTheTerminal(t *testing.T) {
	const hostile = "\u202Eevil\x1b[2J\u009b31m\u2066"
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	records := fmt.Sprintf(`{"url":%s,"line":1,"error":%s,"error_kind":"connect"}`+"\n"+
		`{"url":"http://a.test/x","line":2,"error":"x","error_kind":%s}`+"\n",
		q("http://a.test/"+hostile), q("refused "+hostile), q(hostile))
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"report text", records, []string{"report"}},
		{"fail-fast message", "http://127.0.0.1:1/" + hostile + "\n", []string{"scrape", "-q", "--fail-fast"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out, errOut := run(t, tt.stdin, tt.args...)
			shown := out + errOut
			if tt.name != "report text" {
				shown = errOut // stdout is JSON, which keeps the exact characters escaped
			}
			if i := strings.IndexAny(shown, "\u202E\x1b\u009b\u2066"); i >= 0 {
				t.Errorf("a control character reaches the terminal at %d: %q", i, shown)
			}
			if !strings.Contains(shown, "\uFFFDevil") {
				t.Errorf("the hostile text is not shown neutralised: %q", shown)
			}
		})
	}
}

// TestReportReadsStoresByFileName checks that report --db reads a store
// whose name has characters an SQLite URI gives meaning to (names scrape
// creates), and no other file: the name is a file name, as for scrape.
func TestReportReadsStoresByFileName(t *testing.T) {
	for _, name := range []string{"h#x.db", "q?mode=rwc&x=1.db", "%41.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			// A.db is what "%41.db" would read as a URI: one URL, not two.
			code, _, errOut := run(t, "ftp://example.invalid/a\n", "scrape", "-q", "--db", filepath.Join(dir, "A.db"))
			if code != 0 {
				t.Fatalf("scrape A.db: exit %d: %s", code, errOut)
			}
			db := filepath.Join(dir, name)
			code, _, errOut = run(t, "ftp://example.invalid/a\nftp://example.invalid/b\n", "scrape", "-q", "--db", db)
			if code != 0 {
				t.Fatalf("scrape: exit %d: %s", code, errOut)
			}
			code, out, errOut := run(t, "", "report", "--db", db, "-f", "json")
			if code != 0 || !strings.Contains(out, `"total": 2`) {
				t.Errorf("report --db %s: exit %d, stdout %.200s, stderr %s", name, code, out, errOut)
			}
			after, _ := os.ReadDir(dir)
			for _, e := range after { // SQLite's own -wal and -shm beside a store are fine
				if !strings.HasPrefix(e.Name(), name) && !strings.HasPrefix(e.Name(), "A.db") {
					t.Errorf("report created %s", e.Name())
				}
			}
		})
	}
}

// TestScrapeHTMLPageHidesSecrets checks that the page's flags table, made
// to be shared, shows credential headers and URL passwords as xxxxx, and
// the other flags as given.
func TestScrapeHTMLPageHidesSecrets(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	page := filepath.Join(t.TempDir(), "run.html")
	withPassword := strings.Replace(srv.URL, "http://", "http://user:SECRET3@", 1) + "/page/1"
	code, _, errOut := run(t, "", "scrape", "-q", "--html", page,
		"-H", "Authorization: Bearer SECRET1", "-H", "X-Api-Key: SECRET2", "-H", "Cookie: s=SECRET5", "-H", "Accept: text/html",
		"-u", withPassword, "-x", "http://proxyuser:SECRET4@127.0.0.1:1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"SECRET1", "SECRET2", "SECRET3", "SECRET4", "SECRET5"} {
		if strings.Contains(string(b), secret) || strings.Contains(errOut, secret) {
			t.Errorf("the page or stderr shows %s", secret)
		}
	}
	for _, want := range []string{"Authorization: xxxxx", "X-Api-Key: xxxxx", "Cookie: xxxxx", "Accept: text/html", "user:xxxxx@", "proxyuser:xxxxx@"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
