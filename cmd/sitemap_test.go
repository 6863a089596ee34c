package cmd

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/testsite"
)

func sitemapSite(t *testing.T) string {
	srv := httptest.NewServer(testsite.New(testsite.Options{}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// siteURLs are the URLs of the test site's sitemap index, in order, each once.
func siteURLs(base string) []string {
	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprintf("%s/page/%d", base, i))
	}
	for i := range 5 {
		want = append(want, fmt.Sprintf("%s/seo/%d", base, i))
	}
	return want
}

func TestSitemapCommand(t *testing.T) {
	base := sitemapSite(t)
	dir := t.TempDir()
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	fmt.Fprintf(zw, `<urlset><url><loc>%s/page/1</loc></url><url><loc>%s/page/2</loc></url></urlset>`, base, base)
	zw.Close()
	gzFile := filepath.Join(dir, "local.xml.gz")
	os.WriteFile(gzFile, z.Bytes(), 0o600)
	localIndex := filepath.Join(dir, "index.xml")
	os.WriteFile(localIndex, []byte(`<sitemapindex><sitemap><loc>`+gzFile+`</loc></sitemap><sitemap><loc>`+
		base+testsite.PathSitemapSEO+`</loc></sitemap></sitemapindex>`), 0o600)
	all := siteURLs(base)
	bare := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(bare.Close)
	noMaps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
	}))
	t.Cleanup(noMaps.Close)

	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		want     []string
		wantErr  string
	}{
		{name: "index of a plain and a gzipped sitemap", args: []string{base + testsite.PathSitemap}, want: all},
		// /page/0 is old in the first sitemap, and undated (kept) in the second.
		{name: "since", args: []string{"--since", "2024-01-05", base + testsite.PathSitemap},
			want: append(append(all[4:10:10], all[10:]...), base+"/page/0")},
		{name: "from robots.txt", args: []string{"--from-robots", base}, want: all},
		{name: "a gzipped file", args: []string{gzFile}, want: []string{base + "/page/1", base + "/page/2"}},
		{name: "standard input", stdin: z.String(), args: []string{"-"}, want: []string{base + "/page/1", base + "/page/2"}},
		{name: "a local index may not name local files", args: []string{localIndex}, wantCode: exit.Failure,
			want: append(all[10:15:15], base+"/page/0"), wantErr: "not an http or https URL"},
		{name: "a missing sitemap", args: []string{base + "/nope.xml"}, wantCode: exit.Failure, wantErr: "HTTP status 404"},
		{name: "no robots.txt", args: []string{"--from-robots", bare.URL}, wantCode: exit.Failure, wantErr: "HTTP status 404"},
		{name: "robots.txt naming no sitemap", args: []string{"--from-robots", noMaps.URL}, wantCode: exit.Failure, wantErr: "names no sitemap"},
		{name: "no source", args: nil, wantCode: exit.Usage, wantErr: "give a sitemap URL or FILE"},
		{name: "both sources", args: []string{"--from-robots", base, base}, wantCode: exit.Usage, wantErr: "not both"},
		{name: "bad since", args: []string{"--since", "yesterday", base}, wantCode: exit.Usage, wantErr: "--since"},
		{name: "bad format", args: []string{"-f", "csv", base}, wantCode: exit.Usage, wantErr: "--format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.stdin, append([]string{"sitemap"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			var got []string
			if out != "" {
				got = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSitemapJSONLines(t *testing.T) {
	base := sitemapSite(t)
	code, out, errOut := run(t, "", "sitemap", "-f", "jsonl", base+testsite.PathSitemap)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 15 {
		t.Fatalf("%d lines, want 15", len(lines))
	}
	var first, last struct{ URL, LastMod string }
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[14]), &last)
	if first.URL != base+"/page/0" || first.LastMod != "2024-01-01" || last.URL != base+"/seo/4" || last.LastMod != "" ||
		strings.Contains(lines[14], "lastmod") {
		t.Errorf("first %q, last %q", lines[0], lines[14])
	}
}

func TestSitemapIntoScrape(t *testing.T) {
	base := sitemapSite(t)
	_, urls, _ := run(t, "", "sitemap", base+testsite.PathSitemap)
	code, out, errOut := run(t, urls, "scrape", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := parseLines(t, out)
	if len(recs) != 15 {
		t.Fatalf("%d records, want 15", len(recs))
	}
	for _, r := range recs {
		if r.Status != 200 || r.Title == "" {
			t.Errorf("%s: status %d, title %q", r.URL, r.Status, r.Title)
		}
	}
}
