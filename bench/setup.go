package bench

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/fanout-dev/fanout/limiter"
)

// Setup is what a bench run did, said with its results, because bench's
// defaults differ from scrape's (no per-host limit, no retries).
type Setup struct {
	Pages       int      `json:"pages"`
	Concurrency int      `json:"concurrency"`
	PageSize    string   `json:"page_size"` // "" with --target: the server decides
	Hosts       int      `json:"hosts"`
	Targets     []string `json:"targets,omitempty"`
	PerHost     int      `json:"per_host"`
	Retries     int      `json:"retries"`
	Timeout     string   `json:"timeout"`
	Latency     string   `json:"latency"`
	HostRate    float64  `json:"host_rate,omitempty"`
	ErrorRate   float64  `json:"error_rate,omitempty"`
	DropRate    float64  `json:"drop_rate,omitempty"`
	DeadHosts   int      `json:"dead_hosts,omitempty"`
	Capacity    int      `json:"capacity,omitempty"`
	Throttle    string   `json:"throttle"`
	Site        string   `json:"site,omitempty"` // the in-process site's protocols: "http", "https h2+http/1.1", "https http/1.1"
}

func newSetup(opts Config) Setup {
	lim, fetch := opts.Pipeline.Limits, opts.Pipeline.Fetch
	s := Setup{
		Pages: opts.Pages, Concurrency: lim.Concurrency, PageSize: opts.PageSizeName, Hosts: opts.Hosts, Targets: opts.Targets,
		PerHost: lim.PerHost, Retries: fetch.Retries, Timeout: fetch.Timeout.String(), Latency: opts.Latency.String(),
		HostRate: lim.HostRate, ErrorRate: opts.ErrorRate, DropRate: opts.DropRate, DeadHosts: opts.DeadHosts,
		Capacity: opts.Capacity, Throttle: "off",
	}
	if lim.Throttle == limiter.ThrottleAuto {
		s.Throttle = "auto"
	}
	switch {
	case len(opts.Targets) > 0 || opts.DeadHosts > 0: // not the in-process site
	case opts.TLS && opts.HTTP2:
		s.Site = "https h2+http/1.1"
	case opts.TLS:
		s.Site = "https http/1.1"
	default:
		s.Site = "http"
	}
	if len(opts.Targets) > 0 {
		s.PageSize, s.Hosts = "", len(slices.Collect(maps.Keys(hostsOf(opts.Targets))))
	}
	return s
}

// hostsOf is the set of the targets' distinct host:ports.
func hostsOf(targets []string) map[string]bool {
	set := map[string]bool{}
	for _, t := range targets {
		if u, err := url.Parse(strings.ReplaceAll(t, "{n}", "0")); err == nil {
			set[u.Host] = true
		}
	}
	return set
}

// String is the first line of bench's text report.
func (s Setup) String() string {
	where := fmt.Sprintf("%d in-process %s server(s), pages of %s", s.Hosts, s.Site, s.PageSize)
	if len(s.Targets) > 0 {
		where = fmt.Sprintf("--target on %d host(s)", s.Hosts)
	}
	if s.DeadHosts > 0 {
		where = fmt.Sprintf("--dead-hosts: %d hosts that refuse connections", s.DeadHosts)
	}
	perHost := fmt.Sprint(s.PerHost)
	if s.PerHost == 0 {
		perHost = "0 (no limit)"
	}
	if s.Capacity > 0 {
		where += fmt.Sprintf(", capacity %d", s.Capacity)
	}
	if s.Throttle == "auto" {
		perHost += ", --throttle auto"
	}
	return fmt.Sprintf("ran %d pages: %s, latency %s; -c %d, --per-host %s, --retries %d, -t %s (scrape's defaults: -c 50, --per-host 8, --retries 2)",
		s.Pages, where, s.Latency, s.Concurrency, perHost, s.Retries, s.Timeout)
}

// NoSuccess is an error when no request succeeded (no 2xx or 3xx
// response): a bench whose every request failed measured nothing.
func (r *Result) NoSuccess() error {
	var what []string
	for _, code := range slices.Sorted(maps.Keys(r.ByStatus)) {
		if n, _ := strconv.Atoi(code); n < 400 {
			return nil
		}
		what = append(what, fmt.Sprintf("status %s %d", code, r.ByStatus[code]))
	}
	for _, k := range slices.Sorted(maps.Keys(r.ByError)) {
		what = append(what, fmt.Sprintf("%s %d", k, r.ByError[k]))
	}
	return fmt.Errorf("no request succeeded (of %d URLs: %s): the figures measure failures", r.URLs, strings.Join(what, ", "))
}
