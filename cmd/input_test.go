package cmd

import (
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
)

// TestScrapeInputHygiene runs lists that are not lists of URLs through the
// command: each line gets an invalid_url record and no request (the lines
// hold no loopback URL, so a request would fail differently), and a UTF-16
// list stops the run with one error.
func TestScrapeInputHygiene(t *testing.T) {
	tests := []struct {
		name     string
		stdin    string
		wantCode int
		wantRecs int
		wantErr  string
	}{
		{"prose", "# fanout\n\nUse the time/date format with -l\ntime\nREADME\n", exit.OK, 3, ""},
		{"quoted and csv", "\"http://127.0.0.1:1/\"\nurl,title\nhttps://127.0.0.1:1/,Home page\n", exit.OK, 3, ""},
		{"cr line ends", "ftp://a.example/\rexample\r2130706433\r", exit.OK, 3, ""},
		{"two urls on a line", "http://127.0.0.1:1/a http://127.0.0.1:1/b\n", exit.OK, 1, ""},
		{"utf-16", "\xff\xfeh\x00t\x00t\x00p\x00:\x00/\x00/\x00a\x00\r\x00\n\x00", exit.Failure, 0, "input is UTF-16; convert it with iconv -f UTF-16 -t UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.stdin, "scrape", "--retries", "0")
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			recs := parseLines(t, out)
			if len(recs) != tt.wantRecs {
				t.Fatalf("%d records, want %d: %s", len(recs), tt.wantRecs, out)
			}
			for _, r := range recs {
				if r.ErrorKind != "invalid_url" || r.Attempts != 0 {
					t.Errorf("record %+v: want invalid_url and no attempt", r)
				}
			}
			if strings.Count(errOut, "input is UTF-16") > 1 {
				t.Errorf("more than one UTF-16 error: %q", errOut)
			}
		})
	}
}
