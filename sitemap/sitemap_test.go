package sitemap

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/fetcher"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func urlsetOf(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		loc, lastmod, _ := strings.Cut(l, "|")
		b.WriteString("<url><loc>" + loc + "</loc>")
		if lastmod != "" {
			b.WriteString("<lastmod>" + lastmod + "</lastmod>")
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.String()
}

func indexOf(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		b.WriteString("<sitemap><loc>" + l + "</loc><lastmod>2024-01-01</lastmod></sitemap>\n")
	}
	b.WriteString("</sitemapindex>")
	return b.String()
}

func gz(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// site serves files by path; "{}" in a file becomes the server's URL, and
// files whose names end in .gz are served gzipped (as files, not with a
// Content-Encoding).
func site(t *testing.T, files map[string]string) *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body = strings.ReplaceAll(body, "{}", srv.URL)
		if strings.HasSuffix(r.URL.Path, ".gz") {
			w.Header().Set("Content-Type", "application/gzip")
			body = gz(body)
		}
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// openWith opens URLs with a real fetcher, as cmd wires it.
func openWith(t *testing.T) Open {
	f := fetcher.New(fetcher.Options{Timeout: 30 * time.Second}, nil)
	t.Cleanup(f.Close)
	return func(ctx context.Context, loc string, read func(io.Reader) error) error {
		u, err := url.Parse(loc)
		if err != nil {
			return err
		}
		return f.Read(ctx, u, 0, func(status int, body io.Reader) error {
			if status != http.StatusOK {
				return fmt.Errorf("status %d", status)
			}
			return read(body)
		})
	}
}

type warning struct{ loc, err string }

func walkAll(t *testing.T, loc string, open Open, opts Options) ([]Entry, []warning, error) {
	var got []Entry
	var warns []warning
	var mu sync.Mutex
	opts.Warn = func(loc string, err error) {
		mu.Lock()
		defer mu.Unlock()
		warns = append(warns, warning{loc, err.Error()})
	}
	err := Walk(context.Background(), []string{loc}, open, opts, func(e Entry) error {
		got = append(got, e)
		return nil
	})
	return got, warns, err
}

func locs(es []Entry) []string {
	var s []string
	for _, e := range es {
		s = append(s, e.Loc)
	}
	return s
}

func TestWalk(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		since     string
		want      []string
		wantWarns []string // locs warned about, as paths
		withMsg   bool     // wantWarns say "path: message"
	}{
		{name: "urlset in document order", files: map[string]string{"/s.xml": urlsetOf("{}/a", "{}/b", "{}/c")},
			want: []string{"/a", "/b", "/c"}},
		{name: "gzip by magic bytes", files: map[string]string{"/s.xml.gz": urlsetOf("{}/a", "{}/b")}, want: []string{"/a", "/b"}},
		{name: "index, duplicates dropped", files: map[string]string{
			"/s.xml": indexOf("{}/1.xml", "{}/2.xml.gz", "{}/1.xml"),
			"/1.xml": urlsetOf("{}/a", "{}/b", "{}/a"), "/2.xml.gz": urlsetOf("{}/b", "{}/c")},
			want: []string{"/a", "/b", "/c"}},
		{name: "two index levels are followed", files: map[string]string{
			"/s.xml": indexOf("{}/i2.xml"), "/i2.xml": indexOf("{}/u.xml"), "/u.xml": urlsetOf("{}/deep")},
			want: []string{"/deep"}},
		{name: "a third index level is not", files: map[string]string{
			"/s.xml": indexOf("{}/i2.xml"), "/i2.xml": indexOf("{}/i3.xml"), "/i3.xml": indexOf("{}/u.xml"), "/u.xml": urlsetOf("{}/deeper")},
			wantWarns: []string{"/i3.xml"}},
		{name: "an index naming itself is read once", files: map[string]string{
			"/s.xml": indexOf("{}/s.xml", "{}/u.xml"), "/u.xml": urlsetOf("{}/a")}, want: []string{"/a"}},
		{name: "a missing or broken child is warned about, the rest go on", files: map[string]string{
			"/s.xml":   indexOf("{}/gone.xml", "{}/bad.xml", "{}/html.xml", "{}/u.xml"),
			"/bad.xml": "<urlset><url><loc>{}/half", "/html.xml": "<html><body>hi</body></html>", "/u.xml": urlsetOf("{}/a")},
			want: []string{"/a"}, wantWarns: []string{"/gone.xml", "/bad.xml", "/html.xml"}},
		{name: "relative locs resolve against their file", files: map[string]string{
			"/dir/s.xml": indexOf("u.xml"), "/dir/u.xml": urlsetOf("/a", "b")}, want: []string{"/a", "/dir/b"}},
		{name: "since drops older lastmods, keeps unknown", since: "2024-05-01", files: map[string]string{"/s.xml": urlsetOf(
			"{}/old|2024-04-30", "{}/new|2024-05-01T00:00:00Z", "{}/newer|2024-06", "{}/none", "{}/bad|yesterday", "{}/tz|2024-04-30T23:30-01:00")},
			want: []string{"/new", "/newer", "/none", "/bad", "/tz"}},
		{name: "extensions and other namespaces are skipped", files: map[string]string{"/s.xml": `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">` +
			`<url><loc> {}/a </loc><image:image><image:loc>{}/img.png</image:loc></image:image></url><url><lastmod>2024</lastmod></url></urlset>`},
			want: []string{"/a"}, wantWarns: []string{"/s.xml: 1 entry without a <loc> skipped"}, withMsg: true},
		{name: "a declared charset is decoded", files: map[string]string{"/s.xml": `<?xml version="1.0" encoding="ISO-8859-1"?><urlset><url><loc>{}/caf` + "\xe9" + `</loc></url></urlset>`},
			want: []string{"/café"}},
		{name: "entities in locs", files: map[string]string{"/s.xml": urlsetOf("{}/a?x=1&amp;y=2")}, want: []string{"/a?x=1&y=2"}},
		{name: "the first file missing", files: map[string]string{}, wantWarns: []string{"/s.xml: status 404"}, withMsg: true},
		{name: "the first file not a sitemap", files: map[string]string{"/s.xml": "<html></html>"}, wantWarns: []string{"/s.xml: not a sitemap: the root element is <html>"}, withMsg: true},
		{name: "an empty file", files: map[string]string{"/s.xml": " \n"}, wantWarns: []string{"/s.xml: not a sitemap: the file is empty"}, withMsg: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := site(t, tt.files)
			start := "/s.xml"
			for _, s := range []string{"/dir/s.xml", "/s.xml.gz"} {
				if _, ok := tt.files[s]; ok {
					start = s
				}
			}
			var opts Options
			if tt.since != "" {
				opts.Since, _ = ParseTime(tt.since)
			}
			got, warns, err := walkAll(t, srv.URL+start, openWith(t), opts)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, p := range tt.want {
				want = append(want, srv.URL+p)
			}
			if !reflect.DeepEqual(locs(got), want) {
				t.Errorf("got  %q\nwant %q", locs(got), want)
			}
			var warned []string
			for _, w := range warns {
				loc := strings.TrimPrefix(w.loc, srv.URL)
				if tt.withMsg {
					loc += ": " + w.err
				}
				warned = append(warned, loc)
			}
			if !reflect.DeepEqual(warned, tt.wantWarns) {
				t.Errorf("warned about %q (%v), want %q", warned, warns, tt.wantWarns)
			}
		})
	}
}

func TestWalkCaps(t *testing.T) {
	many := make([]string, MaxURLs+10)
	for i := range many {
		many[i] = fmt.Sprintf("{}/p/%d", i)
	}
	// The byte cap is tested at 256 KiB: encoding/xml takes seconds over
	// 50 MiB under the race detector. It counts bytes after decompression.
	const maxBytes = 256 << 10
	pad := urlsetOf("{}/first") // then more than maxBytes of white space before the next
	pad = strings.Replace(pad, "</urlset>", strings.Repeat(" ", maxBytes)+"<url><loc>{}/late</loc></url></urlset>", 1)
	srv := site(t, map[string]string{"/many.xml": urlsetOf(many...), "/big.xml.gz": pad})
	tests := []struct {
		name, path string
		opts       Options
		want       []string
		warn       string
	}{
		{name: "50,000 URLs a file", path: "/many.xml", want: []string{"/p/0", fmt.Sprintf("/p/%d", MaxURLs-1)}, warn: "cut at 50000 entries"},
		{name: "bytes after decompression", path: "/big.xml.gz", opts: Options{MaxBytes: maxBytes}, want: []string{"/first", "/first"},
			warn: fmt.Sprintf("cut at %d bytes", maxBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns, err := walkAll(t, srv.URL+tt.path, openWith(t), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || got[0].Loc != srv.URL+tt.want[0] || got[len(got)-1].Loc != srv.URL+tt.want[1] {
				t.Errorf("%d URLs, want %q to %q", len(got), tt.want[0], tt.want[1])
			}
			if want := []warning{{srv.URL + tt.path, tt.warn}}; !reflect.DeepEqual(warns, want) {
				t.Errorf("warnings %q, want %q", warns, want)
			}
		})
	}
}

func TestDecodeReadPatterns(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?><urlset><url><loc>http://h/a</loc><lastmod>2024-01-02</lastmod></url>` +
		`<!-- c --><url><loc><![CDATA[http://h/b?x&y]]></loc></url><url><loc>http://h/ü</loc></url></urlset>`
	want := []Entry{{"http://h/a", "2024-01-02"}, {"http://h/b?x&y", ""}, {"http://h/ü", ""}}
	readers := map[string]func(io.Reader) io.Reader{
		"whole": func(r io.Reader) io.Reader { return r }, "bytes": iotest.OneByteReader,
		"half": iotest.HalfReader, "eof": iotest.DataErrReader,
	}
	for name, wrap := range readers {
		for _, zipped := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/gzip=%v", name, zipped), func(t *testing.T) {
				body := doc
				if zipped {
					body = gz(doc)
				}
				var got []Entry
				k, err := decode(wrap(strings.NewReader(body)), MaxURLs, MaxBytes, func(_ kind, e Entry, _ flaw) error {
					got = append(got, e)
					return nil
				})
				if err != nil || k != urlset || !reflect.DeepEqual(got, want) {
					t.Errorf("kind %v, err %v, got %q; want %q", k, err, got, want)
				}
			})
		}
	}
}

func TestWalkStopsWhenEmitFails(t *testing.T) {
	srv := site(t, map[string]string{"/s.xml": indexOf("{}/u.xml", "{}/v.xml"), "/u.xml": urlsetOf("{}/a", "{}/b"), "/v.xml": urlsetOf("{}/c")})
	stop := errors.New("stop")
	n := 0
	err := Walk(context.Background(), []string{srv.URL + "/s.xml"}, openWith(t), Options{}, func(Entry) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d URLs, want emit's error after 1", err, n)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2024", want: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{in: "2024-05", want: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)},
		{in: "2024-05-06", want: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)},
		{in: "2024-05-06T07:08Z", want: time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC)},
		{in: "2024-05-06T07:08:09+02:00", want: time.Date(2024, 5, 6, 5, 8, 9, 0, time.UTC)},
		{in: "2024-05-06T07:08:09.5Z", want: time.Date(2024, 5, 6, 7, 8, 9, 5e8, time.UTC)},
		{in: "06/05/2024", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in)
			if (err != nil) != tt.bad || err == nil && !got.Equal(tt.want) {
				t.Errorf("ParseTime(%q) = %v, %v; want %v (bad %v)", tt.in, got, err, tt.want, tt.bad)
			}
		})
	}
}
