package cmd

import (
	"io"
	"os"
	"path/filepath"
)

// checkOverwrite refuses an --output or --db that is the same file as an
// input (a named file, or standard input redirected from a file), and a --db
// that is the --output file, before anything is opened for writing: creating
// the output would truncate the list, and the run would read nothing. A path
// that does not exist yet is fine, and so is anything that is not a regular
// file (a terminal, a pipe, /dev/null), which writing does not truncate.
func checkOverwrite(files []string, stdin io.Reader, output, db string) error {
	if len(files) == 0 {
		files = []string{"-"}
	}
	type named struct {
		flag string
		info os.FileInfo
	}
	var outs []named
	for _, o := range []struct{ flag, path string }{{"--output", output}, {"--db", db}} {
		if o.path == "" {
			continue
		}
		if st, err := os.Stat(o.path); err == nil && st.Mode().IsRegular() {
			outs = append(outs, named{o.flag + " " + o.path, st})
		}
	}
	for _, name := range files {
		in, what := statInput(name, stdin)
		for _, out := range outs {
			if in != nil && os.SameFile(in, out.info) {
				return usageErr("%s is the same file as the input %s: the list would be overwritten", out.flag, what)
			}
		}
	}
	if output != "" && db != "" && samePath(output, db) {
		return usageErr("--db %s is the same file as --output %s", db, output)
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

// samePath reports whether a and b name one file: the same existing file,
// or, when either does not exist yet, the same absolute path.
func samePath(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}
