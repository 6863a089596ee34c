package input

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Output is a file a run writes, with what names it in messages (its
// flag): {"--output", "results.jsonl"}.
type Output struct{ Name, Path string }

// CheckOverwrite refuses an output (--output, --db, --html) that is the
// same file as an input (a named file, "-" for standard input redirected
// from a file; none named means standard input), and two outputs that are
// one file, before anything is opened for writing: creating the output
// would truncate the input (a list, a run's records, a store) before it is
// read. Every command that writes a file calls it (scrape, report,
// sitemap). A path that does not exist yet is fine, and so is anything
// that is not a regular file (a terminal, a pipe, /dev/null), which
// writing does not truncate. Empty paths are skipped.
func CheckOverwrite(files []string, stdin io.Reader, outputs []Output) error {
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, name := range files {
		in, what := statInput(name, stdin)
		if in == nil {
			continue
		}
		for _, out := range outputs {
			if out.Path == "" {
				continue
			}
			if st, err := os.Stat(out.Path); err == nil && st.Mode().IsRegular() && os.SameFile(in, st) {
				return fmt.Errorf("%s %s is the same file as the input %s: writing it would destroy the input", out.Name, out.Path, what)
			}
		}
	}
	for i, a := range outputs {
		for _, b := range outputs[i+1:] {
			if a.Path != "" && b.Path != "" && samePath(a.Path, b.Path) {
				return fmt.Errorf("%s %s is the same file as %s %s", b.Name, b.Path, a.Name, a.Path)
			}
		}
	}
	return nil
}

// statInput returns the input's file info (nil when it cannot be had) and
// how to name it.
func statInput(name string, stdin io.Reader) (os.FileInfo, string) {
	if name == "-" {
		if f, ok := stdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil {
				return st, "standard input"
			}
		}
		return nil, "standard input"
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, name
	}
	return st, name
}

// samePath reports whether a and b name one regular file: the same
// existing file, or, when either does not exist yet, the same absolute path.
func samePath(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return sa.Mode().IsRegular() && os.SameFile(sa, sb)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}
