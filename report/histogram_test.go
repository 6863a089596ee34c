package report

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	tests := []struct {
		name string
		gen  func(i int) time.Duration
		n    int
	}{
		{"uniform ms", func(i int) time.Duration { return time.Duration(rand.IntN(1000)) * time.Millisecond }, 10000},
		{"microseconds", func(i int) time.Duration { return time.Duration(i%100) * time.Microsecond }, 1000},
		{"long tail", func(i int) time.Duration { return time.Duration(rand.ExpFloat64() * float64(50*time.Millisecond)) }, 20000},
		{"one value", func(int) time.Duration { return 84200 * time.Microsecond }, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Histogram
			var all []time.Duration
			for i := 0; i < tt.n; i++ {
				d := tt.gen(i).Truncate(time.Microsecond)
				h.Record(d)
				all = append(all, d)
			}
			slices.Sort(all)
			for _, q := range []float64{0.5, 0.9, 0.99, 1} {
				exact := all[max(int(q*float64(len(all)))-1, 0)]
				got := h.Quantile(q)
				tol := time.Duration(float64(exact)*0.02) + 2*time.Microsecond
				if got < exact-tol || got > exact+tol {
					t.Errorf("q%.2f = %v, exact %v (tolerance %v)", q, got, exact, tol)
				}
			}
			if h.Max() != all[len(all)-1] || h.Min() != all[0] {
				t.Errorf("min/max %v/%v, want %v/%v", h.Min(), h.Max(), all[0], all[len(all)-1])
			}
		})
	}
}

func TestBucketsAreMonotonic(t *testing.T) {
	prev := -1
	for us := uint64(0); us < 1<<33; us = us*21/20 + 1 {
		b := bucketOf(us)
		if b < prev {
			t.Fatalf("bucketOf(%d) = %d after %d", us, b, prev)
		}
		if mid := bucketMid(b); us > 128 && (mid < float64(us)*0.98 || mid > float64(us)*1.02) {
			t.Fatalf("bucket %d mid %v far from %d", b, mid, us)
		}
		prev = b
	}
}
