package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// maxInitBytes is the most one of fanout's packages may allocate in its
// init: every command pays it at start, before doing anything.
const maxInitBytes = 512 << 10

// TestInitAllocatesLittle checks that none of fanout's packages allocates
// much at init, as the Go runtime reports it (GODEBUG=inittrace=1). The
// bench site's page text (1 MiB, built at init) cost every command, scrape
// and version too, 5 MB of allocations and 7 ms of CPU at start.
func TestInitAllocatesLittle(t *testing.T) {
	c := fanout("version")
	c.Env = append(c.Env, "GODEBUG=inittrace=1")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("fanout version: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`^init (\S+) @.* clock, (\d+) bytes,`)
	seen := 0
	for _, l := range strings.Split(string(out), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil || !strings.HasPrefix(m[1], "github.com/fanout-dev/fanout") {
			continue
		}
		seen++
		if n, _ := strconv.Atoi(m[2]); n > maxInitBytes {
			t.Errorf("%s allocates %d bytes at init (at most %d): make what it builds on first use", m[1], n, maxInitBytes)
		}
	}
	if seen == 0 {
		t.Fatalf("no init of fanout's packages in GODEBUG=inittrace=1's output:\n%s", out)
	}
}
