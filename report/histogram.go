package report

import (
	"math"
	"math/bits"
	"time"
)

// Histogram records durations in log-linear buckets: exact below 2·sub
// µs, then sub buckets per power of two (a bucket's middle is within
// 1/(2·sub) of any duration in it), up to about 73 minutes. It keeps counts
// only for the span of buckets between the shortest and the longest
// duration seen, so durations within a few powers of two cost a few
// hundred bytes, and at most 34·sub counts. The zero value is empty and
// ready, at 64 buckets per power of two (under 0.8% error; the run's
// summary); NewHistogram chooses a coarser one (a host's, in fanout
// report's per-host table). It is the one latency histogram of the
// project.
type Histogram struct {
	shift    uint8 // log2(sub); 0: defaultShift
	lo       int   // bucket index of counts[0]
	counts   []uint64
	n        uint64
	sum      float64 // microseconds
	min, max uint64  // microseconds
}

const defaultShift = 6 // 64 buckets per power of two

// NewHistogram returns an empty Histogram with sub buckets per power of
// two, sub rounded down to a power of two between 2 and 64.
func NewHistogram(sub int) Histogram {
	return Histogram{shift: uint8(min(max(bits.Len(uint(sub))-1, 1), defaultShift))}
}

func (h *Histogram) sub() (shift uint, sub int) {
	s := uint(h.shift)
	if s == 0 {
		s = defaultShift
	}
	return s, 1 << s
}

// bucket is the index of the bucket holding us.
func (h *Histogram) bucket(us uint64) int {
	shift, sub := h.sub()
	if us < uint64(2*sub) {
		return int(us)
	}
	e := bits.Len64(us) - int(shift) - 1 // us>>e is in [sub, 2·sub)
	return min(2*sub+(e-1)*sub+int(us>>e)-sub, 34*sub-1)
}

// lower is the shortest duration of bucket i, in microseconds.
func (h *Histogram) lower(i int) float64 {
	_, sub := h.sub()
	if i < 2*sub {
		return float64(i)
	}
	e := (i-2*sub)/sub + 1
	m := uint64((i-2*sub)%sub + sub)
	return float64(m << e)
}

// mid is the middle of bucket i, in microseconds.
func (h *Histogram) mid(i int) float64 {
	if _, sub := h.sub(); i < 2*sub {
		return float64(i)
	}
	return (h.lower(i) + h.lower(i+1)) / 2
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	i := h.bucket(us)
	switch {
	case len(h.counts) == 0:
		h.lo = i
		h.counts = append(h.counts[:0], 0)
	case i < h.lo:
		grown := make([]uint64, h.lo-i+len(h.counts))
		copy(grown[h.lo-i:], h.counts)
		h.lo, h.counts = i, grown
	case i >= h.lo+len(h.counts):
		h.counts = append(h.counts, make([]uint64, i-h.lo-len(h.counts)+1)...)
	}
	h.counts[i-h.lo]++
	if h.n == 0 || us < h.min {
		h.min = us
	}
	h.max = max(h.max, us)
	h.n++
	h.sum += float64(us)
}

// Reset empties the histogram, keeping its precision and its memory.
func (h *Histogram) Reset() {
	clear(h.counts)
	*h = Histogram{shift: h.shift, counts: h.counts[:0]}
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

// Quantile returns the q-quantile (0 < q <= 1), a bucket's middle clamped
// to the exact min and max; 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := max(uint64(math.Ceil(q*float64(h.n))), 1)
	var seen uint64
	for j, c := range h.counts {
		seen += c
		if seen >= rank {
			v := math.Min(math.Max(h.mid(h.lo+j), float64(h.min)), float64(h.max))
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
	for j, c := range h.counts {
		if c == 0 {
			continue
		}
		i := int((math.Min(math.Max(h.mid(h.lo+j), lo), hi) - lo) / width)
		bars[min(i, n-1)].Count += c
	}
	return bars
}

// Span is one bar of the histogram's own buckets, From and To in
// microseconds.
type Span struct {
	From, To float64
	Count    uint64
}

// Spans folds the buckets between the shortest and the longest duration
// into at most n bars of whole buckets, in order; nil when empty.
func (h *Histogram) Spans(n int) []Span {
	if h.n == 0 || n <= 0 {
		return nil
	}
	group := (len(h.counts) + n - 1) / n
	var out []Span
	for j := 0; j < len(h.counts); j += group {
		end := min(j+group, len(h.counts))
		var c uint64
		for _, k := range h.counts[j:end] {
			c += k
		}
		out = append(out, Span{From: h.lower(h.lo + j), To: h.lower(h.lo + end), Count: c})
	}
	return out
}
