package limiter

import (
	"math"
	"slices"
	"time"
)

// Throttle says whether each host's concurrency adapts to its answers.
type Throttle int

const (
	// ThrottleOff keeps Config.PerHost requests in flight to a host
	// whenever there is work for it.
	ThrottleOff Throttle = iota
	// ThrottleAuto gives each host a window between 1 and Config.PerHost
	// requests in flight, adapted to its answers (see window).
	ThrottleAuto
)

// The numbers of --throttle auto's rule; docs/throttle.md says why each is
// what it is.
const (
	// startWindow is a new host's window: a guest does not open with the
	// full --per-host.
	startWindow = 2
	// tolerance is how much slower than its best recent latency a host's
	// lower quartile latency of a round may be and still count as coping: past it,
	// requests are queuing at the host.
	tolerance = 1.2
	// slack is the least rise that counts as one, whatever tolerance says:
	// below a few milliseconds, the client's own scheduling jitter is
	// bigger than a host's queue.
	slack = 5 * time.Millisecond
	// cutOnOverload is the multiplicative decrease on a 429 or 503, a
	// timeout or a reset: the host said it is over its capacity.
	cutOnOverload = 0.5
	// cutOnLatency is the multiplicative decrease on a latency rise, an
	// earlier and milder warning than an error.
	cutOnLatency = 0.75
	// bestFor is how long a best latency stays the reference: a host whose
	// pages got slower for good (a cold cache, a heavier section) is judged
	// against what it does now, not against one lucky answer.
	bestFor = 30 * time.Second
	// forgetAfter is how long an idle host's slowed window is remembered
	// before its state may be dropped (it then starts again at startWindow).
	forgetAfter = time.Minute
	// smoothing is the weight of the past in a host's usual latency: each
	// round's quartile moves it 1/smoothing of the way.
	smoothing = 4
	// warmUp is how many latencies a host's usual latency needs before it
	// is a best to compare with: one round of two is too few.
	warmUp = 16
	// riseRounds is how many rounds in a row must be too slow for a cut: a
	// host's own jitter rarely makes two, a queue makes every one.
	riseRounds = 2
)

// Cause is why a host's window was cut.
type Cause int

// The causes of a cut. CauseNone is an answer that is no overload.
const (
	CauseNone    Cause = iota
	CauseStatus        // a 429 or 503 answer
	CauseFailure       // a timeout or a reset
	CauseLatency       // two rounds in a row, the lower quartile latency was slower than the host's best by more than the tolerance
	numCauses
)

// Answer is what one attempt told about its host's load.
type Answer struct {
	Sent time.Time // when the request was sent
	// Latency is the time from sending to the response's headers of a 2xx
	// answer, the one kind of answer whose latency is compared; 0 when the
	// answer says nothing of the host's speed (another status).
	Latency time.Duration
	// Overload is CauseStatus when the attempt ended in a 429 or 503,
	// CauseFailure in a timeout or a reset, CauseNone otherwise.
	Overload Cause
}

// window is one host's concurrency window under ThrottleAuto: how many of
// its requests may be in flight, adapted by additive increase and
// multiplicative decrease (AIMD, as TCP's congestion window) from its
// answers. Time is a parameter of every method: tests run it on a fake
// clock.
//
// Invariants, checked by throttle_test.go:
//   - 1 <= size <= max, always; limit() is the size rounded down.
//   - The window is cut at most once per round trip: an overloaded answer to
//     a request sent before the last cut does not cut again (a burst of 503s
//     from requests already in flight counts once), and a round is judged
//     only on requests sent since it began.
//   - It grows by one only after a whole round (limit() answers to requests
//     sent since the round began) with no overload, the round's lower quartile
//     2xx latency within tolerance of the best, and the window full at some time
//     in the round (a host fanout did not keep busy earns nothing).
//   - A latency cut needs riseRounds rounds in a row past the tolerance (a
//     round past it holds the window); the best is the lowest usual
//     latency (an EWMA of the rounds' lower quartiles) of the last bestFor, and
//     follows the usual latency until warmUp answers are in, so neither a
//     host's jitter nor one lucky first answer passes for a queue.
type window struct {
	size, max float64

	usual   time.Duration // the rounds' lower quartile latency, smoothed (EWMA); 0: none yet
	samples int           // latencies folded into usual
	high    int           // rounds in a row whose quartile rose past the tolerance
	best    time.Duration // the lowest usual latency lately
	bestAt  time.Time

	roundStart time.Time       // answers to requests sent before do not count
	answers    int             // in this round
	latencies  []time.Duration // of this round's 2xx answers, at most maxSamples
	full       bool            // in flight reached limit() in this round
	cutAt      time.Time
	lastAnswer time.Time

	cuts        [numCauses]int
	slowedSince time.Time     // first cut since the window was last at max; zero: not slowed
	slowed      time.Duration // time spent slowed before slowedSince
}

// newWindow returns the window of a new host, capped at max (at least 1).
func newWindow(max int) *window {
	m := float64(max)
	if max < 1 {
		m = 1
	}
	return &window{size: math.Min(startWindow, m), max: m}
}

// limit is how many requests may be in flight now.
func (w *window) limit() int { return int(w.size) }

// started notes that a request started with inFlight in flight, it
// included.
func (w *window) started(inFlight int) {
	if inFlight >= w.limit() {
		w.full = true
	}
}

// answered applies one answer received at now.
func (w *window) answered(a Answer, now time.Time) {
	w.lastAnswer = now
	if a.Overload != CauseNone {
		if !a.Sent.Before(w.cutAt) {
			w.cut(cutOnOverload, a.Overload, now)
		}
		return
	}
	if a.Sent.Before(w.roundStart) {
		return
	}
	if a.Latency > 0 && len(w.latencies) < maxSamples {
		w.latencies = append(w.latencies, a.Latency)
	}
	if w.answers++; w.answers >= w.limit() {
		w.endRound(now)
	}
}

// endRound judges a whole round: a cut if its lower quartile was too slow
// for the second round in a row, else one more slot if the window was full
// and the round was not too slow.
func (w *window) endRound(now time.Time) {
	q, n := lowerQuartile(w.latencies), len(w.latencies)
	rose := q > 0 && w.best > 0 && w.rose(q)
	if rose {
		w.high++
	} else {
		w.high = 0
	}
	switch {
	case w.high >= riseRounds:
		w.cut(cutOnLatency, CauseLatency, now)
	case w.full && !rose:
		w.grow(now)
		fallthrough
	default:
		w.newRound(now)
	}
	w.learn(q, n, now)
}

// learn folds a round's lower quartile latency q, of n answers, into the
// host's usual latency, and that into its best once warmUp answers are in.
func (w *window) learn(q time.Duration, n int, now time.Time) {
	if n == 0 {
		return
	}
	if w.usual == 0 {
		w.usual = q
	} else {
		w.usual += (q - w.usual) / smoothing
	}
	w.samples += n
	if w.samples < warmUp || w.usual <= w.best || now.Sub(w.bestAt) > bestFor {
		w.best, w.bestAt = w.usual, now
	}
}

// rose reports whether latency is slower than the best by more than the
// tolerance (and the slack).
func (w *window) rose(latency time.Duration) bool {
	return float64(latency) > tolerance*float64(w.best) && latency-w.best > slack
}

func (w *window) grow(now time.Time) {
	w.size = math.Min(w.size+1, w.max)
	if w.size >= w.max && !w.slowedSince.IsZero() {
		w.slowed += now.Sub(w.slowedSince)
		w.slowedSince = time.Time{}
	}
}

func (w *window) cut(factor float64, why Cause, now time.Time) {
	w.size = math.Max(1, math.Floor(w.size*factor))
	w.cuts[why]++
	w.cutAt, w.high = now, 0
	if w.slowedSince.IsZero() {
		w.slowedSince = now
	}
	w.newRound(now)
}

func (w *window) newRound(now time.Time) {
	w.roundStart, w.answers, w.latencies, w.full = now, 0, w.latencies[:0], false
}

// slowedFor is the time the window has spent below max since a cut, up to
// now.
func (w *window) slowedFor(now time.Time) time.Duration {
	if w.slowedSince.IsZero() {
		return w.slowed
	}
	return w.slowed + now.Sub(w.slowedSince)
}

// forgettable reports whether the window may be dropped at now: never cut,
// or idle for forgetAfter since its last answer.
func (w *window) forgettable(now time.Time) bool {
	return w.cuts == [numCauses]int{} || now.Sub(w.lastAnswer) >= forgetAfter
}

// maxSamples bounds the latencies a round keeps for its quartile.
const maxSamples = 32

// lowerQuartile is the first quartile of ds (sorted in place), 0 for none.
func lowerQuartile(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/4]
}
