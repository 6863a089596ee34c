package bench

import (
	"fmt"

	"github.com/fanout-dev/fanout/internal/benchsite"
	"github.com/fanout-dev/fanout/report"
)

// SiteLoad is benchsite.Load in bench's JSON: what a site with a capacity
// saw, from its side.
type SiteLoad struct {
	Answered      int     `json:"answered"`
	Rejected      int     `json:"rejected"` // 503s
	RejectedShare float64 `json:"rejected_share"`
	MedianWaitMS  float64 `json:"median_wait_ms"`
	Peak          int     `json:"peak_in_flight"`
}

func newSiteLoad(l benchsite.Load) SiteLoad {
	return SiteLoad{l.Answered, l.Rejected, l.RejectedShare(), report.Millis(l.MedianWait), l.Peak}
}

// LoadLine says what a site with a capacity saw, from its side: bench's
// line of it, and fanout serve's when it stops.
func LoadLine(capacity int, l benchsite.Load) string {
	return newSiteLoad(l).line(capacity)
}

func (l SiteLoad) line(capacity int) string {
	return fmt.Sprintf("site with capacity %d: %d pages answered, %d 503s (%.1f%%), median wait %gms, peak %d in flight",
		capacity, l.Answered, l.Rejected, 100*l.RejectedShare, l.MedianWaitMS, l.Peak)
}
