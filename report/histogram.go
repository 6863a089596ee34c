package report

import (
	"math"
	"math/bits"
	"time"
)

// Histogram records durations in fixed memory: exact below 128 µs, and in
// 64 buckets per power of two above (under 1.6% relative error), up to about
// 73 minutes. The zero value is empty and ready.
type Histogram struct {
	counts   [histBuckets]uint64
	n        uint64
	sum      float64 // microseconds
	min, max uint64  // microseconds
}

const (
	histSub     = 64
	histBuckets = 2*histSub + 32*histSub
)

func bucketOf(us uint64) int {
	if us < 2*histSub {
		return int(us)
	}
	e := bits.Len64(us) - 7 // us>>e is in [64, 128)
	i := 2*histSub + (e-1)*histSub + int(us>>e) - histSub
	return min(i, histBuckets-1)
}

// bucketMid is the middle of bucket i, in microseconds.
func bucketMid(i int) float64 {
	if i < 2*histSub {
		return float64(i)
	}
	e := (i-2*histSub)/histSub + 1
	m := uint64((i-2*histSub)%histSub + histSub)
	return float64(m<<e) + float64(uint64(1)<<e)/2
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	h.counts[bucketOf(us)]++
	if h.n == 0 || us < h.min {
		h.min = us
	}
	if us > h.max {
		h.max = us
	}
	h.n++
	h.sum += float64(us)
}

// Count is how many durations were recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Min, Max and Mean are exact; zero when empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) * time.Microsecond }

// Max is the longest duration recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) * time.Microsecond }

// Mean is the average duration recorded.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum/float64(h.n)) * time.Microsecond
}

// Quantile returns the q-quantile (0 < q <= 1), within a bucket's width and
// clamped to the exact min and max.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			v := math.Min(math.Max(bucketMid(i), float64(h.min)), float64(h.max))
			return time.Duration(v) * time.Microsecond
		}
	}
	return h.Max()
}

// Bar is one bar of a coarse latency histogram: the count of durations up
// to Upper (and above the previous bar's Upper).
type Bar struct {
	Upper time.Duration `json:"-"`
	Count uint64        `json:"count"`
}

// Bars folds the histogram into n bars of equal width between Min and Max.
func (h *Histogram) Bars(n int) []Bar {
	if h.n == 0 || n <= 0 {
		return nil
	}
	lo, hi := float64(h.min), float64(h.max)
	width := math.Max((hi-lo)/float64(n), 1)
	bars := make([]Bar, n)
	for i := range bars {
		bars[i].Upper = time.Duration(lo+width*float64(i+1)) * time.Microsecond
	}
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		j := int((math.Min(math.Max(bucketMid(i), lo), hi) - lo) / width)
		bars[min(j, n-1)].Count += c
	}
	return bars
}
