package input

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckOverwrite checks which outputs are refused: one that is an
// input (named, or standard input redirected from it), two that are one
// file; and which are not: a new file, a device, no path.
func TestCheckOverwrite(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "urls.txt")
	if err := os.WriteFile(list, []byte("http://a.test/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdin, err := os.Open(list)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	fresh := filepath.Join(dir, "out.jsonl")
	tests := []struct {
		name    string
		files   []string
		outputs []Output
		wantErr string
	}{
		{"output is the input", []string{list}, []Output{{"-o", list}}, "-o " + list + " is the same file as the input " + list},
		{"output is standard input's file", nil, []Output{{"--db", list}}, "is the same file as the input standard input"},
		{"two outputs, one file", []string{list}, []Output{{"-o", fresh}, {"--html", fresh}}, "--html " + fresh + " is the same file as -o"},
		{"a new file", []string{list}, []Output{{"-o", fresh}}, ""},
		{"a device", []string{list}, []Output{{"-o", os.DevNull}, {"--html", os.DevNull}}, ""},
		{"no path", []string{list}, []Output{{"-o", ""}, {"--db", ""}}, ""},
	}
	for _, tt := range tests {
		err := CheckOverwrite(tt.files, stdin, tt.outputs)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}
