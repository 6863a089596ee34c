package input

import (
	"os"
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
