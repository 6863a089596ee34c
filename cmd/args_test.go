package cmd

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// TestHostArguments: fanout scrape HOST/PATH fetches it as a list line of
// that text would be (https first, then http for a port without TLS), its
// record's url the argument as given; a file of that name is read instead.
func TestHostArguments(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	t.Chdir(t.TempDir())
	if err := os.WriteFile(host+"-list", []byte(srv.URL+"/page/7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string // the records' url fields, in any order
	}{
		{"a host and path", []string{host + "/page/5"}, []string{host + "/page/5"}},
		{"two hosts and a URL", []string{host + "/page/1", host + "/page/2", srv.URL + "/page/3"},
			[]string{host + "/page/1", host + "/page/2", srv.URL + "/page/3"}},
		{"a file wins", []string{host + "-list"}, []string{srv.URL + "/page/7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", append([]string{"scrape"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []string
			for _, r := range parseLines(t, out) {
				if r.Status != 200 {
					t.Errorf("%s: status %d, error %q", r.URL, r.Status, r.Error)
				}
				got = append(got, r.URL)
			}
			if !sameSet(got, tt.want) {
				t.Errorf("records for %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSitemapHostArgument: fanout sitemap HOST/PATH reads
// https://HOST/PATH, as a list line of that text would be read first.
func TestSitemapHostArgument(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sitemap.xml" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<urlset><url><loc>https://example.com/a</loc></url><url><loc>https://example.com/b</loc></url></urlset>`)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "https://")
	code, out, errOut := run(t, "", "sitemap", "-k", host+"/sitemap.xml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got, want := strings.Fields(out), []string{"https://example.com/a", "https://example.com/b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sitemap %s/sitemap.xml: %q, want %q", host, got, want)
	}
}

// sameSet says whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestURLsOnTheCommandLine checks what a user tries first: URLs as
// arguments and with -u, mixed with list files, and stdin left alone when
// URLs were given.
func TestURLsOnTheCommandLine(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	defer srv.Close()
	list := writeFile(t, "urls.txt", srv.URL+"/page/10\n"+srv.URL+"/page/11\n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string // the records' url fields, in any order
	}{
		{"a URL argument", srv.URL + "/page/99\n", []string{srv.URL + "/page/1"}, []string{srv.URL + "/page/1"}},
		{"-u, repeated", "", []string{"-u", srv.URL + "/page/1", "-u", srv.URL + "/page/2"},
			[]string{srv.URL + "/page/1", srv.URL + "/page/2"}},
		{"a file and a URL", "", []string{list, srv.URL + "/page/3"},
			[]string{srv.URL + "/page/3", srv.URL + "/page/10", srv.URL + "/page/11"}},
		{"a URL and stdin as -", srv.URL + "/page/4\n", []string{srv.URL + "/page/3", "-"},
			[]string{srv.URL + "/page/3", srv.URL + "/page/4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.stdin, append([]string{"scrape"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got := map[string]bool{}
			for _, r := range parseLines(t, out) {
				if r.Status != 200 {
					t.Errorf("%s: status %d, error %q", r.URL, r.Status, r.Error)
				}
				got[r.URL] = true
			}
			if len(got) != len(tt.want) {
				t.Errorf("fetched %v, want %v", got, tt.want)
			}
			for _, u := range tt.want {
				if !got[u] {
					t.Errorf("%s not fetched; fetched %v", u, got)
				}
			}
		})
	}
}

// TestStdinHint checks that a user who gave no list, at a terminal, is told
// that fanout is reading standard input, and that a pipe is read silently.
func TestStdinHint(t *testing.T) {
	for _, tt := range []struct {
		name     string
		inIsTTY  bool
		wantHint bool
	}{
		{"a terminal", true, true},
		{"a pipe", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			streams, _, errOut := testStreams("")
			streams.InIsTTY = tt.inIsTTY
			if code := Execute(context.Background(), streams, []string{"scrape"}); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			hint := strings.Contains(errOut.String(), "reading URLs from standard input, one per line (Ctrl-D ends")
			if hint != tt.wantHint {
				t.Errorf("hint on stderr: %v, want %v: %q", hint, tt.wantHint, errOut)
			}
		})
	}
}
