package report

import (
	"strings"
	"testing"
)

// TestCheckOutput: a results file's extension must say the format the run
// writes, or say none the user overrode with -f.
func TestCheckOutput(t *testing.T) {
	tests := []struct {
		name, path, format string
		formatSet, gather  bool
		wantErr            string // "" for none
	}{
		{"stdout", "", "csv", true, false, ""},
		{"csv from the extension", "r.csv", "csv", false, false, ""},
		{"upper-case extension", "R.CSV", "csv", false, false, ""},
		{"unknown extension", "r.xml", "jsonl", false, false, "fanout writes no .xml files"},
		{"unknown extension, -f given", "r.xml", "csv", true, false, ""},
		{"-f against the extension", "r.csv", "text", true, false, "but -f says text"},
		{"a stream in .json", "r.json", "jsonl", false, false, "one JSON document"},
		{"one document in .json", "r.json", "jsonl", false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckOutput(tt.path, tt.format, tt.formatSet, tt.gather)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("CheckOutput(%q, %q) = %v, want %q", tt.path, tt.format, err, tt.wantErr)
			}
		})
	}
	if f, gather, ok := FormatOf("out/r.json"); f != "jsonl" || !gather || !ok {
		t.Errorf("FormatOf(r.json) = %q, %v, %v", f, gather, ok)
	}
}
