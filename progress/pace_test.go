package progress

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
)

// TestETAWithAPacedHost runs the bar over lists where one host is held to
// a pace (a robots.txt Crawl-delay, --host-rate), 10 s into the run: the eta
// is what that host's URLs left take at its pace when that is longer than
// the rate so far says, as the issue's scenario has it (3,000 URLs on a
// host with Crawl-delay 5, then 10 on another: the rate so far says 42
// minutes, the host needs more than 4 hours).
func TestETAWithAPacedHost(t *testing.T) {
	slow := func(i int) string { return fmt.Sprintf("http://slow.test/%d", i) }
	other := func(i int) string { return fmt.Sprintf("http://h%d.test/", i) }
	issue := func(i int) string { // 3,000 on the slow host, then 10 others
		if i < 3000 {
			return slow(i)
		}
		return other(i)
	}
	mixedOther := func(i int) string { return other(i % 300) }
	mixed := func(i int) string { // the slow host's 3,000 among 3,000 URLs of 300 other hosts
		if i%2 == 0 {
			return slow(i)
		}
		return mixedOther(i)
	}
	tests := []struct {
		name     string
		n        int
		line     func(int) string
		total    int64 // -1: unknown
		delay    time.Duration
		hostRate time.Duration // --host-rate's interval
		done     []string      // results in so far
		want     string        // the eta shown, "" for none
	}{
		{"no pace: the rate so far", 3010, issue, 3010, 0, 0, append(lines(slow, 0, 2), lines(other, 3000, 3010)...), "41m38s"},
		{"Crawl-delay 5s", 3010, issue, 3010, 5 * time.Second, 0, append(lines(slow, 0, 2), lines(other, 3000, 3010)...), "4h09m"},
		{"--host-rate 0.5", 3010, issue, 3010, 0, 2 * time.Second, append(lines(slow, 0, 2), lines(other, 3000, 3010)...), "1h39m"},
		{"Crawl-delay, total unknown", 3010, issue, -1, 5 * time.Second, 0, lines(slow, 0, 2), "4h09m"},
		{"Crawl-delay among 300 hosts", 6000, mixed, 6000, 5 * time.Second, 0, append(lines(slow, 0, 2), lines(mixedOther, 0, 3000)...), "4h09m"},
		{"Crawl-delay host done", 3010, issue, 3010, 5 * time.Second, 0, lines(issue, 0, 3010), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Start(&strings.Builder{}, Options{Log: true, Every: time.Hour, Total: tt.total})
			defer p.Finish()
			src := p.CountHosts(input.Lines(tt.n, tt.line))
			for {
				if _, err := src.Next(); err != nil {
					break
				}
			}
			if tt.delay > 0 {
				p.Slowed("slow.test:80", tt.delay)
			}
			if tt.hostRate > 0 {
				p.PaceAll(tt.hostRate)
			}
			for _, u := range tt.done {
				p.Add(&record.Result{URL: u, Status: 200})
			}
			p.mu.Lock()
			text := p.counts(p.start.Add(10*time.Second), false)
			p.mu.Unlock()
			got := ""
			if m := regexp.MustCompile(`eta (\S+)`).FindStringSubmatch(text); m != nil {
				got = m[1]
			}
			if got != tt.want {
				t.Errorf("eta %q, want %q (%s)", got, tt.want, text)
			}
		})
	}
}

// lines is line(i) for i in [from, to).
func lines(line func(int) string, from, to int) []string {
	var s []string
	for i := from; i < to; i++ {
		s = append(s, line(i))
	}
	return s
}
