package input

import (
	"os"
	"testing"
)

// TestIsURLArg: an argument that is not a file and is a URL or a host as a
// list line may be is a URL; a file of that name wins; a mistyped file
// name is not taken for a host.
func TestIsURLArg(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("example.org", []byte("http://127.0.0.1:1/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arg  string
		want bool
	}{
		{"https://example.com/a", true},
		{"example.com", true},
		{"example.com/sitemap.xml", true},
		{"127.0.0.1:8080/page/1", true},
		{"[::1]:8080", true},
		{"localhost:8080", true},
		{"example.org", false},  // a file of that name wins
		{"urls.txt", false},     // .txt is no top-level domain
		{"urls.md", false},      // .md is one, but it is a file's name here
		{"run.sh", false},       // likewise
		{"docs/urls.md", false}, // a path: "docs" is no host
		{"time", false},         // prose: no top-level domain
		{"-", false},            // standard input
		{"ftp://example.com", false},
	}
	for _, tt := range tests {
		if got := IsURLArg(tt.arg); got != tt.want {
			t.Errorf("IsURLArg(%q) = %v, want %v", tt.arg, got, tt.want)
		}
	}
}

// TestArgs: standard input is read when no file and no URL is given, or
// for "-"; the count is known only when it is not.
func TestArgs(t *testing.T) {
	dir := t.TempDir()
	list := dir + "/urls.txt"
	if err := os.WriteFile(list, []byte("http://a.test/\n# a comment\n\nhttp://b.test/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      Args
		wantStdin bool
		wantCount int64
	}{
		{"nothing: stdin", Args{}, true, -1},
		{"URLs alone", Args{URLs: []string{"a.test", "b.test"}}, false, 2},
		{"a file and a URL", Args{Files: []string{list}, URLs: []string{"c.test"}}, false, 3},
		{"a file and stdin", Args{Files: []string{list, "-"}}, true, -1},
		{"a file that is not there", Args{Files: []string{dir + "/none"}}, false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.args.ReadsStdin(); got != tt.wantStdin {
				t.Errorf("ReadsStdin = %v, want %v", got, tt.wantStdin)
			}
			if got := tt.args.Count(); got != tt.wantCount {
				t.Errorf("Count = %d, want %d", got, tt.wantCount)
			}
		})
	}
}
