package sitemap

import (
	"os"
	"testing"
)

// TestSource: a host and path that is no file is read over https; a file,
// "-" and a URL are read as given.
func TestSource(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("sitemap.xml", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for arg, want := range map[string]string{
		"example.com/sitemap.xml":    "https://example.com/sitemap.xml",
		"sitemap.xml":                "sitemap.xml",
		"-":                          "-",
		"http://example.com/map.xml": "http://example.com/map.xml",
	} {
		if got := Source(arg); got != want {
			t.Errorf("Source(%q) = %q, want %q", arg, got, want)
		}
	}
}
