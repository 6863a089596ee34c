package report

import (
	"fmt"
	"path/filepath"
	"strings"
)

// outputFormats are the extensions of a results file that say its format;
// a .json file is one JSON document (gather).
var outputFormats = map[string]string{".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".txt": "text"}

// outputKinds names what the extensions write, for messages.
const outputKinds = ".jsonl or .ndjson (JSON lines), .json (one JSON document), .csv, or .txt (text)"

// FormatOf is the format (one of Formats) that a results file's extension
// says, and whether it is one document (gather: a .json file); ok is false
// for an extension that says none.
func FormatOf(path string) (format string, gather, ok bool) {
	ext := strings.ToLower(filepath.Ext(path))
	format, ok = outputFormats[ext]
	return format, ext == ".json", ok
}

// CheckOutput refuses a results file (fanout's -o; "" is standard output)
// whose extension says another format than the run writes: an extension
// that says none when the format was not chosen (formatSet: -f), a chosen
// format that contradicts the extension, or JSON lines in a .json file.
// Its errors name -o, -f and --report, as the user gave them.
func CheckOutput(path, format string, formatSet, gather bool) error {
	if path == "" {
		return nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	implied, known := outputFormats[ext]
	switch {
	case ext != "" && !known && !formatSet:
		return fmt.Errorf("-o %s: fanout writes no %s files; name it %s, or give -f jsonl, csv or text", path, ext, outputKinds)
	case known && formatSet && implied != format:
		return fmt.Errorf("-o %s is %s, but -f says %s: leave -f out, or name the file %s", path, ext, format, outputKinds)
	case ext == ".json" && !gather:
		return fmt.Errorf("-o %s: a .json file holds one JSON document, which --report stream does not write; "+
			"leave --report out (a .json file gets --report gather), or name the file .jsonl for JSON lines", path)
	}
	return nil
}
