package report

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/fanout-dev/fanout/record"
)

func seqResult(seq int) record.Result {
	r := record.Result{Seq: seq, URL: fmt.Sprintf("http://h%d/p", seq%7), Line: seq + 1, Status: 200, Attempts: 1, DurationMS: float64(seq) / 3}
	if seq%3 == 0 {
		r.Title, r.HasTitle = "", true // an empty <title></title>: HasTitle must survive the spill
	}
	if seq%5 == 0 {
		r.Status, r.Error, r.ErrorKind = 0, "refused", record.KindConnect
	}
	return r
}

func TestReorderPutsResultsInInputOrder(t *testing.T) {
	const n = 1000
	shuffled := make([]int, n)
	for i := range shuffled {
		shuffled[i] = i
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	slowFirst := append(seq(1, n), 0) // one slow URL ahead of the rest
	twoSlow := append(append(seq(1, 500), seq(501, n)...), 0, 500)
	reversed := slices.Clone(seq(0, n))
	slices.Reverse(reversed)
	tests := []struct {
		name      string
		arrivals  []int
		limit     int
		wantSpill bool
	}{
		{"in order", seq(0, n), 10, false},
		{"one slow URL first", slowFirst, 10, true},
		{"two slow URLs", twoSlow, 7, true},
		{"reversed", reversed, 16, true},
		{"shuffled", shuffled, 50, true},
		{"shuffled, all in memory", shuffled, n, false},
		{"gaps: a run that stopped early", []int{5, 3, 9, 1, 0}, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []record.Result
			o := newReorder(tt.limit, 1<<30, func(r *record.Result) { got = append(got, *r) })
			defer o.close()
			for _, s := range tt.arrivals {
				if err := o.add(seqResult(s)); err != nil {
					t.Fatal(err)
				}
			}
			if err := o.finish(); err != nil {
				t.Fatal(err)
			}
			want := slices.Sorted(slices.Values(tt.arrivals))
			var wantResults []record.Result
			for _, s := range want {
				wantResults = append(wantResults, seqResult(s))
			}
			if !reflect.DeepEqual(wantResults, got) {
				t.Errorf("emitted %d results, want %d; first difference at %d", len(got), len(wantResults), firstDiff(wantResults, got))
			}
			if spilled := o.file != nil; spilled != tt.wantSpill {
				t.Errorf("spilled %v, want %v", spilled, tt.wantSpill)
			}
			if len(o.held) > tt.limit {
				t.Errorf("%d held in memory, limit %d", len(o.held), tt.limit)
			}
		})
	}
}

func seq(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

func TestErrorListSpillsInOrder(t *testing.T) {
	for _, n := range []int{0, 3, 4, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			l := &ErrorList{inMemory: 4}
			defer l.Close()
			var want []ErrorEntry
			for i := range n {
				e := ErrorEntry{URL: fmt.Sprintf("http://x/%d\n\u2028", i), Line: i + 1, ErrorKind: record.KindDNS, Error: "no such host"}
				if i%2 == 1 {
					e.File = fmt.Sprintf("list-%d.txt", i%3) // File must survive the spill
				}
				l.Append(e)
				want = append(want, e)
			}
			var got []ErrorEntry
			if err := l.Each(func(e *ErrorEntry) error { got = append(got, *e); return nil }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, got) || l.Len() != n {
				t.Errorf("Len %d, %d entries read back, want %d; first difference at %d", l.Len(), len(got), n, firstDiff(want, got))
			}
			if len(l.mem) > 4 {
				t.Errorf("%d entries in memory, limit 4", len(l.mem))
			}
		})
	}
}

func firstDiff[T any](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b))
}
