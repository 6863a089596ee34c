package cmd

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
)

// TestStatusFilters checks --match-status and --filter-status from the
// outside: only matching records are written, in stream and gather mode,
// while the summary and the store count every URL.
func TestStatusFilters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			w.WriteHeader(404)
		case "/broken":
			w.WriteHeader(500)
		case "/moved":
			http.Redirect(w, r, "/", http.StatusFound)
		}
	}))
	defer srv.Close()
	list := strings.Join([]string{srv.URL + "/", srv.URL + "/missing", srv.URL + "/broken", srv.URL + "/moved",
		"http://127.0.0.1:1/refused"}, "\n") + "\n"
	tests := []struct {
		name string
		args []string
		want []string // paths written, in input order
	}{
		{"match codes and classes", []string{"--match-status", "2XX,404"}, []string{"/", "/missing", "/moved"}},
		{"filter a class", []string{"--filter-status", "5xx"}, []string{"/", "/missing", "/moved", "/refused"}},
		{"both", []string{"--match-status", "2xx,4xx", "--filter-status", "404"}, []string{"/", "/moved"}},
		{"gather", []string{"--match-status", "500", "--report", "gather"}, []string{"/broken"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "run.db")
			args := append([]string{"scrape", "--progress", "never", "--retries", "0", "--db", db, "-"}, tt.args...)
			code, out, errOut := run(t, list, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var recs []struct {
				URL string `json:"url"`
			}
			filtered := -1
			if slices.Contains(tt.args, "gather") {
				var doc struct {
					Results []struct {
						URL string `json:"url"`
					} `json:"results"`
					Summary struct {
						Total    int `json:"total"`
						Filtered int `json:"filtered"`
					} `json:"summary"`
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("%v: %s", err, out)
				}
				recs, filtered = append(recs, doc.Results...), doc.Summary.Filtered
				if doc.Summary.Total != 5 {
					t.Errorf("summary total %d, want 5", doc.Summary.Total)
				}
			} else {
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var r struct {
						URL string `json:"url"`
					}
					if err := json.Unmarshal([]byte(line), &r); err != nil {
						t.Fatalf("%v: %q", err, line)
					}
					recs = append(recs, r)
				}
			}
			var got []string
			for _, r := range recs {
				got = append(got, strings.TrimPrefix(strings.TrimPrefix(r.URL, srv.URL), "http://127.0.0.1:1"))
			}
			if !slices.Contains(tt.args, "gather") { // stream: in the order they finish
				slices.Sort(got)
				tt.want = slices.Sorted(slices.Values(tt.want))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("written %v, want %v", got, tt.want)
			}
			left := 5 - len(tt.want)
			if filtered >= 0 && filtered != left {
				t.Errorf("summary filtered %d, want %d", filtered, left)
			}
			if !strings.Contains(errOut, "5 URLs") || !strings.Contains(errOut, fmt.Sprintf("; %d filtered out", left)) {
				t.Errorf("summary line %q; want 5 URLs and %d filtered out", errOut, left)
			}
			h, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			var rows int
			if err := h.QueryRow("SELECT count(*) FROM results").Scan(&rows); err != nil || rows != 5 {
				t.Errorf("store holds %d rows (%v), want every URL: 5", rows, err)
			}
		})
	}
	if code, _, errOut := run(t, "", "scrape", "--match-status", "2xy", "-u", srv.URL); code != exit.Usage || !strings.Contains(errOut, "--match-status") {
		t.Errorf("--match-status 2xy: exit %d, %q; want a usage error naming the flag", code, errOut)
	}
}
