package runstats

import (
	"math"
	"math/bits"
	"time"
)

// spanHist is a small latency histogram for one host: exact below 32 µs,
// then 16 buckets per power of two (a bucket's middle is within 1/32,
// 3.2%, of any duration in it). It keeps counts only for the span of
// buckets between the shortest and the longest duration seen, so a host
// whose latencies sit within one or two powers of two costs a few hundred
// bytes; at most 544 buckets (2 KiB), up to about 73 minutes. (The run's
// report.Histogram is fixed at 17 KiB, too much for thousands of hosts.)
// The zero value is empty and ready.
type spanHist struct {
	lo       int      // bucket index of counts[0]
	counts   []uint32 // buckets lo .. lo+len-1
	n        uint64
	min, max uint64 // microseconds
}

const (
	spanSub     = 16
	spanBuckets = 2*spanSub + 32*spanSub
)

func spanBucket(us uint64) int {
	if us < 2*spanSub {
		return int(us)
	}
	e := bits.Len64(us) - 5 // us>>e is in [16, 32)
	return min(2*spanSub+(e-1)*spanSub+int(us>>e)-spanSub, spanBuckets-1)
}

// spanLower is the shortest duration of bucket i, in microseconds.
func spanLower(i int) float64 {
	if i < 2*spanSub {
		return float64(i)
	}
	e := (i-2*spanSub)/spanSub + 1
	m := uint64((i-2*spanSub)%spanSub + spanSub)
	return float64(m << e)
}

// spanMid is the middle of bucket i, in microseconds.
func spanMid(i int) float64 {
	if i < 2*spanSub {
		return float64(i)
	}
	return (spanLower(i) + spanLower(i+1)) / 2
}

// Record adds one duration.
func (h *spanHist) Record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	i := spanBucket(us)
	switch {
	case len(h.counts) == 0:
		h.lo = i
		h.counts = append(h.counts[:0], 0)
	case i < h.lo:
		grown := make([]uint32, h.lo-i+len(h.counts))
		copy(grown[h.lo-i:], h.counts)
		h.lo, h.counts = i, grown
	case i >= h.lo+len(h.counts):
		h.counts = append(h.counts, make([]uint32, i-h.lo-len(h.counts)+1)...)
	}
	h.counts[i-h.lo]++
	if h.n == 0 || us < h.min {
		h.min = us
	}
	h.max = max(h.max, us)
	h.n++
}

// Reset empties the histogram, keeping its memory.
func (h *spanHist) Reset() {
	clear(h.counts)
	*h = spanHist{counts: h.counts[:0]}
}

// Quantile is the q-quantile (0 < q ≤ 1), a bucket's middle clamped to the
// exact min and max; 0 when empty.
func (h *spanHist) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := max(uint64(math.Ceil(q*float64(h.n))), 1)
	var seen uint64
	for j, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			v := math.Min(math.Max(spanMid(h.lo+j), float64(h.min)), float64(h.max))
			return time.Duration(v) * time.Microsecond
		}
	}
	return time.Duration(h.max) * time.Microsecond
}
