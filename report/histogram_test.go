package report

import (
	"math"
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
	for _, sub := range []int{16, 64} {
		h := NewHistogram(sub)
		prev := -1
		for us := uint64(0); us < 1<<33; us = us*21/20 + 1 {
			b := h.bucket(us)
			if b < prev {
				t.Fatalf("sub %d: bucket(%d) = %d after %d", sub, us, b, prev)
			}
			tol := 1 / float64(sub)
			if mid := h.mid(b); us > uint64(2*sub) && (mid < float64(us)*(1-tol) || mid > float64(us)*(1+tol)) {
				t.Fatalf("sub %d: bucket %d mid %v far from %d", sub, b, mid, us)
			}
			prev = b
		}
	}
}

// TestCoarseHistogramQuantiles checks a histogram of 16 buckets per power
// of two (fanout report's per-host one) against the exact
// nearest-rank quantiles of sorted durations: within 1/32 of the value.
func TestCoarseHistogramQuantiles(t *testing.T) {
	tests := []struct {
		name string
		gen  func(*rand.Rand) time.Duration
	}{
		{"microseconds", func(r *rand.Rand) time.Duration { return time.Duration(r.IntN(200)) * time.Microsecond }},
		{"log-normal ms", func(r *rand.Rand) time.Duration {
			return time.Duration(math.Exp(3+r.NormFloat64()) * float64(time.Millisecond))
		}},
		{"seconds to minutes", func(r *rand.Rand) time.Duration { return time.Duration(1+r.IntN(600)) * time.Second }},
		{"one value", func(*rand.Rand) time.Duration { return 42 * time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 7))
			h := NewHistogram(16)
			var all []time.Duration
			for range 5000 {
				d := tt.gen(rng).Truncate(time.Microsecond)
				h.Record(d)
				all = append(all, d)
			}
			slices.Sort(all)
			for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 1} {
				want := all[int(math.Ceil(q*float64(len(all))))-1]
				got := h.Quantile(q)
				if diff := math.Abs(float64(got - want)); diff > float64(want)/32+float64(time.Microsecond) {
					t.Errorf("q%.2f = %v, exact %v", q, got, want)
				}
			}
			if len(h.counts) > 34*16 {
				t.Errorf("%d buckets kept", len(h.counts))
			}
		})
	}
}
