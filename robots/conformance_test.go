package robots

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// conformanceCase is one robots.txt of testdata/google/cases.txt and what
// it says of some agents and paths.
type conformanceCase struct {
	name   string
	txt    strings.Builder
	checks []conformanceCheck
}

type conformanceCheck struct {
	agent, path string
	allowed     bool
}

// readConformance reads testdata/google/cases.txt (its header says the
// format).
func readConformance(t *testing.T) []*conformanceCase {
	f, err := os.Open("testdata/google/cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []*conformanceCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "== "):
			cases = append(cases, &conformanceCase{name: line[3:]})
		case len(cases) == 0:
			// the header
		case strings.HasPrefix(line, "-- "):
			f := strings.Fields(line[3:])
			if len(f) != 3 || f[2] != "allowed" && f[2] != "disallowed" {
				t.Fatalf("case %s: bad check %q", cases[len(cases)-1].name, line)
			}
			c := cases[len(cases)-1]
			c.checks = append(c.checks, conformanceCheck{agent: f[0], path: f[1], allowed: f[2] == "allowed"})
		default:
			c := cases[len(cases)-1]
			c.txt.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestGoogleConformance runs the RFC 9309 cases of Google's robots.txt
// parser's own suite.
func TestGoogleConformance(t *testing.T) {
	cases := readConformance(t)
	if len(cases) < 30 {
		t.Fatalf("read %d cases, want the whole file", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if len(c.checks) == 0 {
				t.Fatal("a case without checks")
			}
			for _, ch := range c.checks {
				if got := Parse([]byte(c.txt.String()), ch.agent).Allowed(ch.path); got != ch.allowed {
					t.Errorf("%s %s: allowed %v, want %v\n%s", ch.agent, ch.path, got, ch.allowed, c.txt.String())
				}
			}
		})
	}
}
