package input

import (
	"io"
	"os"
	"slices"
	"strings"
)

// IsURLArg says whether a command-line argument is a URL rather than a
// file: no file has that name (a file wins), and it is an http(s) URL or
// a host, with a port or path if any, by the rule a list line follows
// (Parse: example.com, 127.0.0.1:8080/a). A bare name that ends in a file
// extension that is also a top-level domain (urls.md, run.sh) stays a
// file, so a mistyped file name is not looked up as a host. "-" is
// standard input, a file.
func IsURLArg(arg string) bool {
	if arg == "-" {
		return false
	}
	if _, err := os.Stat(arg); err == nil {
		return false
	}
	if IsHTTP(arg) {
		return true
	}
	if fileLike(arg) {
		return false
	}
	t, ok := Parse([]byte(arg))
	return ok && t.Err == nil
}

// fileExtensions are top-level domains that are more often a file's
// extension on a command line.
var fileExtensions = []string{".md", ".sh", ".py", ".pl", ".rs", ".zip", ".mov"}

// fileLike says whether a bare argument is a name that ends in one of
// fileExtensions, with no port or path after it.
func fileLike(arg string) bool {
	lower := strings.ToLower(arg)
	for _, ext := range fileExtensions {
		if strings.HasSuffix(lower, ext) && !strings.ContainsAny(lower, "/:") {
			return true
		}
	}
	return false
}

// SplitArgs sorts command-line arguments into files and URLs (IsURLArg),
// each in their order.
func SplitArgs(args []string) (files, urls []string) {
	for _, a := range args {
		if IsURLArg(a) {
			urls = append(urls, a)
		} else {
			files = append(files, a)
		}
	}
	return files, urls
}

// Args are the inputs a command line names: list files ("-" is standard
// input) and URLs (arguments that are URLs, and -u's). Standard input is
// read when there are neither.
type Args struct {
	Files []string
	URLs  []string
}

// Open opens what a names: the URLs first, then the files (stdin for "-",
// or when there are neither URLs nor files). The function returned closes
// the files.
func (a Args) Open(stdin io.Reader) (Source, func(), error) {
	urls := Lines(len(a.URLs), func(i int) string { return a.URLs[i] })
	if len(a.Files) == 0 && len(a.URLs) > 0 {
		return urls, func() {}, nil
	}
	files, err := OpenFiles(a.Files, stdin)
	if err != nil {
		return nil, nil, err
	}
	return Chain(urls, files), files.Close, nil
}

// ReadsStdin says whether Open reads standard input: no file and no URL
// given, or "-" among the files.
func (a Args) ReadsStdin() bool {
	if len(a.Files) == 0 {
		return len(a.URLs) == 0
	}
	return slices.Contains(a.Files, "-")
}

// Count is how many targets a holds, or -1 when that is not known
// (standard input, or a file that cannot be read). It reads every file to
// the end (Count): call it apart from the run.
func (a Args) Count() int64 {
	if a.ReadsStdin() {
		return -1
	}
	if len(a.Files) == 0 {
		return int64(len(a.URLs))
	}
	n := Count(a.Files)
	if n < 0 {
		return -1
	}
	return n + int64(len(a.URLs))
}
