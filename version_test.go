package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionFromVCS builds fanout as `go build` does in a clone of this
// repository, with VCS stamping on, and checks that --version, the version
// command and the default User-Agent name the commit. (Test binaries carry
// no build info of their own, and this environment may set
// GOFLAGS=-buildvcs=false; cmd's TestVersionOf covers builds without VCS.)
func TestVersionFromVCS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fanout in a clone: skipped with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if out, err := exec.Command("git", "rev-parse", "--is-inside-work-tree").CombinedOutput(); err != nil {
		t.Skipf("not in a git checkout: %s", out)
	}
	clone := filepath.Join(t.TempDir(), "fanout")
	run := func(dir string, env []string, name string, args ...string) string {
		t.Helper()
		c := exec.Command(name, args...)
		c.Dir, c.Env = dir, append(os.Environ(), env...)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("", nil, "git", "clone", "-q", "--no-local", ".", clone)
	rev := run(clone, nil, "git", "rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "fanout")
	run(clone, []string{"GOFLAGS=-buildvcs=true", "GOPROXY=off"}, "go", "build", "-o", bin, ".")

	flag := run("", nil, bin, "--version")
	if cmd := run("", nil, bin, "version"); cmd != flag {
		t.Errorf("fanout version %q, fanout --version %q", cmd, flag)
	}
	if !strings.Contains(flag, "revision "+rev) || !strings.HasPrefix(flag, "fanout v0.0.0-") {
		t.Errorf("--version %q does not name revision %s with a pseudo-version", flag, rev)
	}
	help := strings.Join(strings.Fields(run("", nil, bin, "scrape", "--help")), " ") // help is wrapped
	if want := "fanout/0.0.0-"; !strings.Contains(help, "(default "+want) || !strings.Contains(help, rev[:12]+" (+https://") {
		t.Errorf("the default User-Agent does not carry the version: %s", help)
	}
}
