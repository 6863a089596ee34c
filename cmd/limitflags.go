package cmd

import (
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/flagvalue"
	"github.com/fanout-dev/fanout/limiter"
)

// LimitFlags are the politeness limits: how many requests, how fast, per
// host and in all. Every command that fetches embeds them, with its own
// defaults. A new limit's flag goes here (AddFlags, Validate, Options; see
// docs/ARCHITECTURE.md).
type LimitFlags struct {
	Concurrency int
	Rate        float64
	Burst       int
	PerHost     int
	HostRate    float64
	Throttle    throttleMode // --throttle: each host's window adapts to its answers (throttle.go)
	Window      int          // pending targets the scheduler holds (pipeline.Config.Window)
}

// newLimitFlags returns scrape's defaults. --throttle auto is one of them:
// docs/throttle.md has the measurements that decided it.
func newLimitFlags() LimitFlags {
	return LimitFlags{Concurrency: 50, Burst: 1, PerHost: 8, Throttle: throttleAuto}
}

// AddFlags registers the group's flags on f; each default is o's value.
func (o *LimitFlags) AddFlags(f *pflag.FlagSet) {
	o.addAdmissionFlags(f)
	f.Var(&o.Throttle, "throttle", throttleHelp)
	f.IntVar(&o.Window, "window", o.Window, "pending URLs held for scheduling at most; memory is bounded by it (0: 2048 or 4 per -c slot, whichever is more)")
}

// addAdmissionFlags registers the group's flags but --window, for a
// command that fetches without the scheduler (sitemap reads one file at a
// time: it holds no pending URLs).
func (o *LimitFlags) addAdmissionFlags(f *pflag.FlagSet) {
	f.IntVarP(&o.Concurrency, "concurrency", "c", o.Concurrency, "requests in flight at most, all hosts together")
	f.VarP((*flagvalue.Rate)(&o.Rate), "rate", "r", "requests started per second at most, all hosts, retries included: 10, 10/s, 600/min, 5/sec, 100/hour, 1/day (0: no limit)")
	f.IntVar(&o.Burst, "burst", o.Burst, "token-bucket burst for --rate (1: smooth pacing)")
	f.IntVar(&o.PerHost, "per-host", o.PerHost, "requests in flight per host (host:port) at most (0: no limit)")
	f.Var((*flagvalue.Rate)(&o.HostRate), "host-rate", "requests started per second per host at most, as --rate (0: no limit)")
}

// Validate checks the group's values, naming the flag at fault.
func (o *LimitFlags) Validate() error {
	switch {
	case o.Concurrency < 1 || o.Concurrency > 1_000_000:
		return exit.Usagef("--concurrency must be between 1 and 1000000, not %d", o.Concurrency)
	case o.Rate < 0:
		return exit.Usagef("--rate must not be negative")
	case o.Burst < 1:
		return exit.Usagef("--burst must be at least 1, not %d", o.Burst)
	case o.PerHost < 0:
		return exit.Usagef("--per-host must not be negative")
	case o.HostRate < 0:
		return exit.Usagef("--host-rate must not be negative")
	case o.Window < 0:
		return exit.Usagef("--window must not be negative")
	}
	return nil
}

// Options are the limiter's configuration the flags ask for.
func (o *LimitFlags) Options() limiter.Config {
	return limiter.Config{
		Concurrency: o.Concurrency, Rate: o.Rate, Burst: o.Burst,
		PerHost: o.PerHost, HostRate: o.HostRate, Throttle: limiter.Throttle(o.Throttle),
	}
}
