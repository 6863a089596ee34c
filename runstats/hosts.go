package runstats

import (
	"cmp"
	"container/heap"
	"slices"
	"time"

	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

// HostCapacity is how many hosts the per-host table tracks at once.
const HostCapacity = 10000

// hostStats is one tracked host. URLs counts the host's records since it
// entered the table plus Err, the count of the host it took the place of:
// the true count is between URLs-Err and URLs.
type hostStats struct {
	key      string
	urls     uint64
	err      uint64
	failures uint64
	classes  [6]uint64        // by status class: none, 1xx, 2xx, 3xx, 4xx, 5xx
	lat      report.Histogram // 16 buckets per power of two: a few hundred bytes a host
	index    int              // in the heap
}

// hostTable is a Space-Saving sketch (Metwally, Agrawal and El Abbadi,
// "Efficient Computation of Frequent and Top-k Elements in Data Streams",
// 2005) over hosts, weighted by records: at most capacity hosts are kept;
// a new host takes the place of the one with the fewest records and
// inherits its count as its error. After n records, every host with more
// than n/capacity records is in the table, and no count is over by more
// than n/capacity. While a run has at most capacity hosts, nothing is
// replaced and every figure is exact.
type hostTable struct {
	capacity int
	byKey    map[string]*hostStats
	heap     hostHeap // fewest records first
	replaced uint64   // hosts that took another's place
}

func newHostTable(capacity int) *hostTable {
	return &hostTable{capacity: capacity, byKey: map[string]*hostStats{}}
}

// add counts r for host key.
func (t *hostTable) add(key string, r *record.Result) {
	h := t.byKey[key]
	switch {
	case h != nil:
	case len(t.heap) < t.capacity:
		h = &hostStats{key: key, lat: report.NewHistogram(16)}
		t.byKey[key] = h
		heap.Push(&t.heap, h)
	default:
		h = t.heap[0]
		delete(t.byKey, h.key)
		urls := h.urls
		lat := h.lat
		lat.Reset()
		*h = hostStats{key: key, urls: urls, err: urls, lat: lat, index: h.index}
		t.byKey[key] = h
		t.replaced++
	}
	h.urls++
	heap.Fix(&t.heap, h.index)
	if r.ErrorKind != "" {
		h.failures++
	}
	h.classes[statusClass(r.Status)]++
	if r.Attempts > 0 {
		h.lat.Record(time.Duration(r.DurationMS * float64(time.Millisecond)))
	}
}

func statusClass(status int) int {
	if status < 100 || status > 599 {
		return 0
	}
	return status / 100
}

// lines returns every tracked host as a table line.
func (t *hostTable) lines() []Host {
	out := make([]Host, 0, len(t.heap))
	for _, h := range t.heap {
		line := Host{
			Host: h.key, URLs: h.urls, Failures: h.failures, MaxError: h.err,
			P50MS: report.Millis(h.lat.Quantile(0.5)), P99MS: report.Millis(h.lat.Quantile(0.99)),
			Classes: map[string]uint64{},
		}
		for c, n := range h.classes {
			if n > 0 {
				line.Classes[classNames[c]] = n
			}
		}
		out = append(out, line)
	}
	return out
}

var classNames = [6]string{"none", "1xx", "2xx", "3xx", "4xx", "5xx"}

// top returns at most k of lines that keep accepts, ordered by order then
// by host name.
func top(lines []Host, k int, keep func(*Host) bool, order func(a, b *Host) int) []Host {
	var out []Host
	for i := range lines {
		if keep(&lines[i]) {
			out = append(out, lines[i])
		}
	}
	slices.SortFunc(out, func(a, b Host) int {
		if c := order(&a, &b); c != 0 {
			return c
		}
		return cmp.Compare(a.Host, b.Host)
	})
	return out[:min(k, len(out))]
}

// slowest orders hosts by p50, then p99, highest first.
func slowest(a, b *Host) int {
	if c := cmp.Compare(b.P50MS, a.P50MS); c != 0 {
		return c
	}
	return cmp.Compare(b.P99MS, a.P99MS)
}

// mostFailing orders hosts by failures, then fewest URLs (the larger share).
func mostFailing(a, b *Host) int {
	if c := cmp.Compare(b.Failures, a.Failures); c != 0 {
		return c
	}
	return cmp.Compare(a.URLs, b.URLs)
}

// hostHeap is a min-heap of hosts by records, for Space-Saving.
type hostHeap []*hostStats

func (h hostHeap) Len() int           { return len(h) }
func (h hostHeap) Less(i, j int) bool { return h[i].urls < h[j].urls }
func (h hostHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *hostHeap) Push(x any) {
	s := x.(*hostStats)
	s.index = len(*h)
	*h = append(*h, s)
}
func (h *hostHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	*h = old[:len(old)-1]
	return s
}
