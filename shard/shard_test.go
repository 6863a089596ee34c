package shard

import (
	"fmt"
	"hash/fnv"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/input"
)

// Published FNV-1a 64 values (the FNV reference test suite, as in the IETF
// draft) and hash/fnv are the oracles for FNV1a64; neither shares its code.
func TestFNV1a64(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want uint64
	}{
		{"empty", "", 0xcbf29ce484222325},
		{"a", "a", 0xaf63dc4c8601ec8c},
		{"foobar", "foobar", 0x85944171f73967e8},
		{"host key", "example.com:443", 0xf83ee1a6f92e7c9d},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FNV1a64(tt.in); got != tt.want {
				t.Errorf("FNV1a64(%q) = %#x, want %#x", tt.in, got, tt.want)
			}
			h := fnv.New64a()
			h.Write([]byte(tt.in))
			if got := FNV1a64(tt.in); got != h.Sum64() {
				t.Errorf("FNV1a64(%q) = %#x, hash/fnv says %#x", tt.in, got, h.Sum64())
			}
		})
	}
}

// The oracle for Jump is published values: the vectors shared by the
// reference ports of Lamping and Veach's code (Go, Python, C and Elixir
// ports all carry them), and values computed for the README by a Python
// transcription of the paper's C++ function (Python's unbounded integers
// masked to 64 bits, and its float, an IEEE double like C's).
func TestJump(t *testing.T) {
	tests := []struct {
		name string
		key  uint64
		n    int64
		want int64
	}{
		{"one bucket", 1, 1, 0},
		{"42 in 57", 42, 57, 43},
		{"0xDEAD10CC in 1", 0xDEAD10CC, 1, 0},
		{"0xDEAD10CC in 666", 0xDEAD10CC, 666, 361},
		{"256 in 1024", 256, 1024, 520},
		{"0 in 2", 0, 2, 0},
		{"4 in 2", 4, 2, 1},
		{"7 in 2", 7, 2, 0},
		{"1 in 128", 1, 128, 55},
		{"129 in 128", 129, 128, 120},
		{"128 in 1e8", 128, 100000000, 38172097},
		{"max key in 128", 1<<64 - 1, 128, 92},
		{"no buckets", 0, -10, 0},
		{"README example.com:443 in 4", 0xf83ee1a6f92e7c9d, 4, 1},
		{"README example.com:443 in 1000", 0xf83ee1a6f92e7c9d, 1000, 192},
		{"README example.com:80 in 4", 0x6a3ac177d9dd72bc, 4, 3},
		{"README 127.0.0.1:8080 in 10", 0x1cf0caae52b457cc, 10, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Jump(tt.key, tt.n); got != tt.want {
				t.Errorf("Jump(%#x, %d) = %d, want %d", tt.key, tt.n, got, tt.want)
			}
		})
	}
	// "中国" hashed with FNV-1a into 10 buckets is 5 in dgryski/go-jump's tests.
	if got := Of("中国", 10); got != 5 {
		t.Errorf("Of(中国, 10) = %d, want 5", got)
	}
}

// TestJumpMovesFewKeys checks the property the split relies on: from n to
// n+1 shards a key either stays or moves to the new shard, and about
// 1/(n+1) of the keys move.
func TestJumpMovesFewKeys(t *testing.T) {
	const keys = 20000
	for _, n := range []int64{1, 3, 4, 9, 31} {
		moved := 0
		for k := range keys {
			key := FNV1a64("host" + strings.Repeat("x", k%7) + string(rune('a'+k%26)) + itoa(k) + ":443")
			a, b := Jump(key, n), Jump(key, n+1)
			if a != b {
				moved++
				if b != n {
					t.Fatalf("n=%d: a key moved from %d to %d, not to the new shard", n, a, b)
				}
			}
		}
		want := float64(keys) / float64(n+1)
		if f := float64(moved); f < 0.9*want || f > 1.1*want {
			t.Errorf("n=%d→%d: %d of %d keys moved, want about %.0f", n, n+1, moved, keys, want)
		}
	}
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, env string
		want          Spec
		wantErr       bool
	}{
		{"i/N", "2/4", "", Spec{2, 4}, false},
		{"first", "0/1", "", Spec{0, 1}, false},
		{"spaces", " 1/3 ", "", Spec{1, 3}, false},
		{"N from the environment", "4", "3", Spec{3, 4}, false},
		{"i/N wins over the environment", "1/4", "3", Spec{1, 4}, false},
		{"N without index", "4", "", Spec{}, true},
		{"index too big", "4/4", "", Spec{}, true},
		{"environment index too big", "4", "4", Spec{}, true},
		{"negative", "-1/4", "", Spec{}, true},
		{"zero shards", "0/0", "", Spec{}, true},
		{"not numbers", "a/b", "", Spec{}, true},
		{"empty", "", "", Spec{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, tt.env)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Parse(%q, %q) = %v, %v; want %v, error %v", tt.in, tt.env, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestSplitCoversEveryHostOnce checks that the shards of a split keep every
// key exactly once, and the plan's totals add up to what was added.
func TestSplitCoversEveryHostOnce(t *testing.T) {
	const n = 5
	plan := NewPlan(n)
	for h := range 300 {
		key := "h" + itoa(h) + ".example:443"
		kept := 0
		for i := range n {
			if (Spec{Index: i, Count: n}).Keeps(key) {
				kept++
			}
		}
		if kept != 1 {
			t.Fatalf("%s kept by %d shards", key, kept)
		}
		for range h%3 + 1 {
			plan.Add(key)
		}
	}
	plan.Add("")
	hosts, urls := 0, 0
	for _, s := range plan.Totals() {
		hosts += s.Hosts
		urls += s.URLs
	}
	if hosts != 300 || urls != 100*(1+2+3)+1 {
		t.Errorf("plan totals: %d hosts, %d URLs", hosts, urls)
	}
	var b strings.Builder
	if err := plan.WriteText(&b, 2); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2/5") || strings.Contains(b.String(), "(lines that are not URLs)") {
		t.Errorf("plan for shard 2:\n%s", b.String())
	}
}

// TestREADMEVectors follows the table of docs/report.md from URL to shard. The
// hashes and buckets were computed by a Python transcription of FNV-1a and
// of the paper's jump hash, which shares no code with this package.
func TestREADMEVectors(t *testing.T) {
	tests := []struct {
		name, url, key string
		hash           uint64
		shards         map[int]int // N → shard
	}{
		{"https", "https://Example.com/", "example.com:443", 0xf83ee1a6f92e7c9d, map[int]int{2: 1, 3: 1, 4: 1, 10: 9, 1000: 192}},
		{"http", "http://example.com/a", "example.com:80", 0x6a3ac177d9dd72bc, map[int]int{2: 1, 3: 2, 4: 3, 10: 6, 1000: 963}},
		{"IP and port", "http://127.0.0.1:8080/", "127.0.0.1:8080", 0x1cf0caae52b457cc, map[int]int{2: 0, 3: 2, 4: 2, 10: 8, 1000: 737}},
		{"IDNA", "https://bücher.de/", "xn--bcher-kva.de:443", 0x069fa55004e13902, map[int]int{2: 1, 3: 1, 4: 3, 10: 8, 1000: 676}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			key := input.HostKey(u)
			if key != tt.key || FNV1a64(key) != tt.hash {
				t.Fatalf("key %q hash %#x, want %q %#x", key, FNV1a64(key), tt.key, tt.hash)
			}
			for n, want := range tt.shards {
				if got := Of(key, n); got != want {
					t.Errorf("N=%d: shard %d, want %d", n, got, want)
				}
			}
		})
	}
}

// TestPlanListsOnlyShardsWithURLs checks that a plan over millions of
// shards holds and prints one line per shard that has URLs (and the one
// asked for), not one per shard.
func TestPlanListsOnlyShardsWithURLs(t *testing.T) {
	for _, n := range []int{4_000_000, 1 << 31} {
		plan := NewPlan(n)
		for _, key := range []string{"a.test:443", "b.test:443", "c.test:80"} {
			plan.Add(key)
		}
		plan.Add("")
		if got := len(plan.Totals()); got > 4 {
			t.Errorf("%d shards: %d totals for 3 hosts and an invalid line", n, got)
		}
		var b strings.Builder
		if err := plan.WriteText(&b, 7); err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(b.String(), "\n"); lines > 12 {
			t.Errorf("%d shards: %d lines of plan:\n%.500s", n, lines, b.String())
		}
		if want := regexp.MustCompile(fmt.Sprintf(`\b7/%d +0 +0 <`, n)); !want.MatchString(b.String()) {
			t.Errorf("%d shards: the shard asked for is not listed as %q:\n%s", n, want, b.String())
		}
	}
}
