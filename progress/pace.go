package progress

import (
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
)

// paceHosts is how many hosts pace counts URLs for: the ones with the most
// URLs read (a space-saving count), so memory does not grow with hosts.
const paceHosts = 64

// pace is what the eta needs to know of hosts held to a pace (a robots.txt
// Crawl-delay that binds, --host-rate): for the hosts with the most URLs
// read, how many were read and how many are done, and each paced host's
// interval. A paced host's URLs take at least its interval each, whatever
// the rate so far says, so the time left is no less than floor. It is
// used under the Bar's lock.
type pace struct {
	all   time.Duration            // --host-rate's interval, for every host
	every map[string]time.Duration // a Crawl-delay that binds, by host
	hosts map[string]*hostCount
}

// hostCount counts a host's URLs; over is how many of read may belong to
// hosts it took the place of (space-saving), so read-over is sure.
type hostCount struct{ read, over, done int64 }

// paced reports whether any host is held to a pace.
func (c *pace) paced() bool { return c.all > 0 || len(c.every) > 0 }

// slowed notes that key's URLs are held to one every d.
func (c *pace) slowed(key string, d time.Duration) {
	if c.every == nil {
		c.every = map[string]time.Duration{}
	}
	if _, ok := c.every[key]; ok || len(c.every) < paceHosts {
		c.every[key] = d
	}
}

// read counts a URL of key read from the input.
func (c *pace) read(key string) {
	if c.hosts == nil {
		c.hosts = map[string]*hostCount{}
	}
	if h, ok := c.hosts[key]; ok {
		h.read++
		return
	}
	if len(c.hosts) < paceHosts {
		c.hosts[key] = &hostCount{read: 1}
		return
	}
	var least string
	for k, h := range c.hosts {
		if least == "" || h.read < c.hosts[least].read {
			least = k
		}
	}
	n := c.hosts[least].read
	delete(c.hosts, least)
	c.hosts[key] = &hostCount{read: n + 1, over: n}
}

// done counts r, when its host is counted and paced.
func (c *pace) done(r *record.Result) {
	if !c.paced() {
		return
	}
	t, ok := input.Parse([]byte(r.URL))
	if !ok || t.URL == nil {
		return
	}
	if h := c.hosts[input.HostKey(t.URL)]; h != nil {
		h.done++
	}
}

// floor is the time the paced host with the most time's worth of URLs
// left needs for them.
func (c *pace) floor() time.Duration {
	var most time.Duration
	for key, h := range c.hosts {
		every := max(c.all, c.every[key])
		if left := h.read - h.over - h.done; every > 0 && left > 0 {
			most = max(most, time.Duration(left)*every)
		}
	}
	return most
}

// eta is the time left for left URLs at rate URLs a second, but no less
// than floor; 0 when neither says anything.
func eta(left int64, rate float64, floor time.Duration) time.Duration {
	var d time.Duration
	if left > 0 && rate > 0 {
		d = time.Duration(float64(left) / rate * float64(time.Second))
	}
	return max(d, floor)
}

// hostCounter is a Source that counts each URL read by host for the eta.
type hostCounter struct {
	input.Source
	p *Bar
}

func (h hostCounter) Next() (input.Target, error) {
	t, err := h.Source.Next()
	if err == nil && t.URL != nil {
		h.p.mu.Lock()
		h.p.pace.read(input.HostKey(t.URL))
		h.p.mu.Unlock()
	}
	return t, err
}

// MayWait is the source's own (input.MayWait).
func (h hostCounter) MayWait() bool {
	w, ok := h.Source.(input.MayWait)
	return ok && w.MayWait()
}

// CountHosts returns src counting, for the eta, the URLs read of each host
// that Slowed or PaceAll may hold to a pace.
func (p *Bar) CountHosts(src input.Source) input.Source { return hostCounter{src, p} }

// Slowed says that host's URLs go at one every d at most (a robots.txt
// Crawl-delay): the eta is no less than what its URLs left take.
func (p *Bar) Slowed(host string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pace.slowed(host, d)
}

// PaceAll says that every host's URLs go at one every d at most
// (--host-rate).
func (p *Bar) PaceAll(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pace.all = d
}
