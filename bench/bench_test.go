package bench

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/pipeline"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func runConfig(c int) pipeline.Config {
	return pipeline.Config{Limits: limiter.Config{Concurrency: c, Burst: 1}, Fetch: fetcher.Options{Timeout: 5 * time.Second}}
}

// TestRun runs the site and the dead hosts once each and checks the
// counts a bench reports against what it was asked to fetch.
func TestRun(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		wantOK int
	}{
		{"the site over two servers", Config{Pages: 40, PageSize: 512, Hosts: 2, Pipeline: runConfig(8)}, 40},
		{"the site, every page a 500", Config{Pages: 40, PageSize: 512, Hosts: 1, ErrorRate: 1, Pipeline: runConfig(8)}, 0},
		{"dead hosts", Config{Pages: 20, DeadHosts: 20, Pipeline: runConfig(8)}, 0},
		{"a site with a capacity", Config{Pages: 30, PageSize: 256, Hosts: 1, Capacity: 100, Pipeline: runConfig(4)}, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.URLs != tt.cfg.Pages || res.OK != tt.wantOK || res.Requests != tt.cfg.Pages {
				t.Errorf("URLs %d, ok %d, requests %d; want %d, %d, %d", res.URLs, res.OK, res.Requests, tt.cfg.Pages, tt.wantOK, tt.cfg.Pages)
			}
			if (res.NoSuccess() == nil) != (tt.wantOK > 0) {
				t.Errorf("NoSuccess = %v with %v", res.NoSuccess(), res.ByStatus)
			}
			if tt.cfg.DeadHosts == 0 && len(res.Servers) != tt.cfg.Hosts {
				t.Errorf("%d servers reported, want %d", len(res.Servers), tt.cfg.Hosts)
			}
			if (res.Site != nil) != (tt.cfg.Capacity > 0) || (res.Site != nil && res.Site.Answered != tt.cfg.Pages) {
				t.Errorf("site load %+v with capacity %d; want it with a capacity, every page answered", res.Site, tt.cfg.Capacity)
			}
			if res.Ran.Pages != tt.cfg.Pages || res.Ran.Throttle != "off" {
				t.Errorf("Ran = %+v: want %d pages, throttle off", res.Ran, tt.cfg.Pages)
			}
		})
	}
}

func TestFloor(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want time.Duration
	}{
		{"latency over concurrency", Config{Pages: 100, Latency: 10 * time.Millisecond, Hosts: 1, Pipeline: runConfig(10)}, 100 * time.Millisecond},
		{"per-host caps it", Config{Pages: 100, Latency: 10 * time.Millisecond, Hosts: 2,
			Pipeline: pipeline.Config{Limits: limiter.Config{Concurrency: 50, PerHost: 5}}}, 100 * time.Millisecond},
		{"capacity caps it", Config{Pages: 100, Latency: 10 * time.Millisecond, Hosts: 1, Capacity: 20, Pipeline: runConfig(50)}, 50 * time.Millisecond},
		{"rate", Config{Pages: 101, Hosts: 1, Pipeline: pipeline.Config{Limits: limiter.Config{Concurrency: 50, Rate: 10, Burst: 1}}}, 10 * time.Second},
	}
	for _, tt := range tests {
		if got := Floor(tt.cfg); got != tt.want {
			t.Errorf("%s: Floor = %v, want %v", tt.name, got, tt.want)
		}
	}
}
