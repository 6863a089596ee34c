package input

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCountAgreesWithReader checks that counting a file finds exactly the
// targets reading it yields, whatever its lines look like.
func TestCountAgreesWithReader(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int64
	}{
		{"plain", "http://a.test/\nhttp://b.test/\n", 2},
		{"byte-order mark then comment", "\xef\xbb\xbf# comment\nhttp://a.test/\n", 1},
		{"byte-order mark then url", "\xef\xbb\xbfhttp://a.test/\n", 1},
		{"blank and white space", "\n  \t\r\n http://a.test/ \r\n\n", 1},
		{"indented comment", "   # not a url\nhttp://a.test/", 1},
		{"bad lines count", "ftp://a.test/\nnot a url\n", 2},
		{"no final newline", "http://a.test/\nhttp://b.test/", 2},
		{"long line", strings.Repeat("x", MaxLineBytes+10) + "\n# c\n", 1},
		{"long line of spaces then a comment", strings.Repeat(" ", MaxLineBytes+10) + "#x\n", 0},
		{"empty", "", 0},
		{"lone cr line ends", "http://a.test/\rhttp://b.test/\r\r# c\rhttp://c.test/", 3},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := filepath.Join(dir, string(rune('a'+i)))
			if err := os.WriteFile(name, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var read int64
			r := NewReader(strings.NewReader(tt.text))
			for {
				_, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				read++
			}
			if got := Count([]string{name}); got != tt.want || read != tt.want {
				t.Errorf("Count %d, Reader %d, want %d", got, read, tt.want)
			}
		})
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("http://a.test/1\n# c\nhttp://a.test/2\n"), 0o600)
	os.WriteFile(b, []byte("\nhttp://b.test/1\n"), 0o600)
	tests := []struct {
		name    string
		names   []string
		stdin   string
		want    []string // raw:line:file
		wantErr string
	}{
		{"one after another, lines restart", []string{a, "-", b}, "http://in.test/\n", []string{"http://a.test/1:1:" + a, "http://a.test/2:3:" + a, "http://in.test/:1:-", "http://b.test/1:2:" + b}, ""},
		{"no names is stdin", nil, "http://in.test/\n", []string{"http://in.test/:1:"}, ""},
		{"one file names none", []string{b}, "", []string{"http://b.test/1:2:"}, ""},
		{"missing file", []string{a, filepath.Join(dir, "none")}, "", nil, "cannot read " + filepath.Join(dir, "none")},
		{"directory", []string{dir}, "", nil, "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := OpenFiles(tt.names, strings.NewReader(tt.stdin))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			var got []string
			for {
				tg, err := src.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, tg.Raw+":"+itoa(tg.Line)+":"+tg.File)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if n := Count([]string{a, b}); n != 3 {
		t.Errorf("Count of both files %d, want 3", n)
	}
	if n := Count([]string{a, "-"}); n != -1 {
		t.Errorf("Count with stdin %d, want -1", n)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestFilesOpenOneAtATime reads a target from each of many files and checks
// that no more than one of them is open at any time (counting this
// process's open files where /proc shows them).
func TestFilesOpenOneAtATime(t *testing.T) {
	fds := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skipf("cannot count open files: %v", err)
		}
		return len(entries)
	}
	dir := t.TempDir()
	const n = 500
	var names []string
	for i := range n {
		name := filepath.Join(dir, strconv.Itoa(i))
		if err := os.WriteFile(name, []byte("http://a.test/"+strconv.Itoa(i)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	before := fds()
	src, err := OpenFiles(names, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := range n {
		tg, err := src.Next()
		if err != nil || tg.File != names[i] {
			t.Fatalf("target %d: %+v, %v", i, tg, err)
		}
		if open := fds() - before; open > 1 {
			t.Fatalf("%d files open while reading file %d of %d", open, i+1, n)
		}
	}
	if _, err := src.Next(); err != io.EOF {
		t.Fatalf("after the last file: %v", err)
	}
}
