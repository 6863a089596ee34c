package shard

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"

	"github.com/fanout-dev/fanout/input"
)

// Plan counts, for a split into Count shards, the URLs of every host key
// and the lines that have no host (invalid URLs, which shard 0 keeps). It
// holds one entry per distinct host. The zero Plan is not usable: make one
// with NewPlan.
type Plan struct {
	Count   int
	hosts   map[string]int
	invalid int
}

// NewPlan returns an empty plan for n shards.
func NewPlan(n int) *Plan { return &Plan{Count: max(n, 1), hosts: map[string]int{}} }

// Add counts one URL of host key key; "" counts a line with no host.
func (p *Plan) Add(key string) {
	if key == "" {
		p.invalid++
		return
	}
	p.hosts[key]++
}

// ShardTotals is one shard's line of a plan.
type ShardTotals struct {
	Index, Hosts, URLs int
}

// Totals returns the hosts and URLs of every shard that has any, by index:
// one entry per host at most, however many shards there are.
func (p *Plan) Totals() []ShardTotals {
	by := map[int]*ShardTotals{}
	at := func(i int) *ShardTotals {
		if by[i] == nil {
			by[i] = &ShardTotals{Index: i}
		}
		return by[i]
	}
	for key, n := range p.hosts {
		s := at(Of(key, p.Count))
		s.Hosts++
		s.URLs += n
	}
	if p.invalid > 0 {
		at(0).URLs += p.invalid
	}
	t := make([]ShardTotals, 0, len(by))
	for _, s := range by {
		t = append(t, *s)
	}
	slices.SortFunc(t, func(a, b ShardTotals) int { return a.Index - b.Index })
	return t
}

// WriteText writes the plan for people: a line per shard that has URLs
// (hosts, URLs), and for shard only even if it has none, then every host
// of shard only (all shards when only < 0) with its URL count, most URLs
// first.
func (p *Plan) WriteText(w io.Writer, only int) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "shard\thosts\tURLs\t")
	totals := p.Totals()
	if i, found := slices.BinarySearchFunc(totals, only, func(s ShardTotals, i int) int { return s.Index - i }); only >= 0 && !found {
		totals = slices.Insert(totals, i, ShardTotals{Index: only})
	}
	for _, s := range totals {
		mark := ""
		if s.Index == only {
			mark = " <"
		}
		fmt.Fprintf(tw, "%d/%d\t%d\t%d\t%s\n", s.Index, p.Count, s.Hosts, s.URLs, mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	keys := slices.SortedFunc(maps.Keys(p.hosts), func(a, b string) int {
		if d := p.hosts[b] - p.hosts[a]; d != 0 {
			return d
		}
		if a < b {
			return -1
		}
		return 1
	})
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nshard\tURLs\thost")
	for _, key := range keys {
		if s := Of(key, p.Count); only < 0 || s == only {
			fmt.Fprintf(tw, "%d\t%d\t%s\n", s, p.hosts[key], key)
		}
	}
	if p.invalid > 0 && only <= 0 {
		fmt.Fprintf(tw, "0\t%d\t(lines that are not URLs)\n", p.invalid)
	}
	return tw.Flush()
}

// PlanOf reads src to its end and returns the split of its targets over n
// shards (by TargetKey, as Filter keeps them): what --plan prints. The
// error is src's.
func PlanOf(src input.Source, n int) (*Plan, error) {
	plan := NewPlan(n)
	for {
		t, err := src.Next()
		if err == io.EOF {
			return plan, nil
		}
		if err != nil {
			return nil, err
		}
		plan.Add(TargetKey(t))
	}
}
