package bench

import (
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// deadHostURL is the URL of the i-th (0-based) of bench --dead-hosts'
// hosts: each its own loopback address, 127.A.B.C, on port 1, where nothing
// listens, so every connection is refused at once and nothing leaves the
// machine.
func deadHostURL(i int) string {
	return "http://127." + strconv.Itoa(1+i>>16%255) + "." + strconv.Itoa(i>>8&0xff) + "." + strconv.Itoa(i&0xff) + ":1/"
}

// heapSampler records the largest live heap seen while it runs: the bytes
// of heap objects, read every interval (runtime/metrics, without stopping
// the world).
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func startHeapSampler(interval time.Duration) *heapSampler {
	s := &heapSampler{stop: make(chan struct{})}
	s.done.Go(func() {
		sample := []metrics.Sample{{Name: heapMetric}}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				s.peak = max(s.peak, sample[0].Value.Uint64())
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	})
	return s
}

// Stop ends sampling and returns the peak heap in bytes.
func (s *heapSampler) Stop() uint64 {
	close(s.stop)
	s.done.Wait()
	return s.peak
}
