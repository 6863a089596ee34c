package shard

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/input"
)

// TestFilterSplitsTheList reads one list through every shard's filter
// and checks that each line comes out of exactly one, with its line number
// in the whole list, every URL of a host from the same shard, and the
// lines that are not URLs from shard 0.
func TestFilterSplitsTheList(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, "http://h%d.test/%d\n", i%23, i)
		if i%50 == 0 {
			b.WriteString("not a url at all\n# a comment\n")
		}
	}
	const n = 3
	lineShard := map[int]int{}
	hostShard := map[string]int{}
	for i := range n {
		src := Filter(input.NewReader(strings.NewReader(b.String())), Spec{Index: i, Count: n}, nil)
		for {
			tg, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if prev, ok := lineShard[tg.Line]; ok {
				t.Fatalf("line %d from shards %d and %d", tg.Line, prev, i)
			}
			lineShard[tg.Line] = i
			if tg.URL == nil {
				if i != 0 {
					t.Errorf("line %d (not a URL) from shard %d", tg.Line, i)
				}
				continue
			}
			if prev, ok := hostShard[tg.URL.Host]; ok && prev != i {
				t.Errorf("host %s in shards %d and %d", tg.URL.Host, prev, i)
			}
			hostShard[tg.URL.Host] = i
		}
	}
	if len(lineShard) != 306 {
		t.Errorf("%d lines came out, want 306", len(lineShard))
	}
}

// TestPlanOfMatchesFilter checks that --plan's counts are what each
// shard's filter lets through.
func TestPlanOfMatchesFilter(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "http://h%d.test/%d\n", i%17, i)
	}
	const n = 4
	plan, err := PlanOf(input.NewReader(strings.NewReader(b.String())), n)
	if err != nil {
		t.Fatal(err)
	}
	totals := map[int]int{}
	for _, st := range plan.Totals() {
		totals[st.Index] = st.URLs
	}
	for i := range n {
		src := Filter(input.NewReader(strings.NewReader(b.String())), Spec{Index: i, Count: n}, nil)
		got := 0
		for {
			if _, err := src.Next(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			got++
		}
		if got != totals[i] {
			t.Errorf("shard %d: the filter keeps %d URLs, the plan says %d", i, got, totals[i])
		}
	}
}
