package fetcher

import (
	"context"
	"io"
	"net/url"
	"time"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
)

// Job is one target's fetch in progress, from its first attempt to its
// result: Step makes each attempt and says whether another follows, and
// when. Between attempts a Job holds no admission, no goroutine and no
// connection, so whoever runs it can keep it anywhere until it is due (the
// pipeline keeps it in the scheduler). It is used by one goroutine at a
// time.
type Job struct {
	// Result is the last attempt's result, and once the job is done, the
	// target's.
	Result record.Result

	target   input.Target
	url      *url.URL // what the next attempt fetches
	start    time.Time
	retries  int
	robots   bool   // Options.Robots was applied
	httpsErr string // a bare host's https failure, kept when http fails too
	lastErr  error  // the last attempt's failure, for Read's *ReadError
	// body is the attempt's capped body, here in the Job already on the
	// heap so that an attempt does not allocate it.
	body cappedReader

	// read, for Read's jobs, takes the final response's body instead of
	// the page's fields; its error (readErr) ends the job.
	read    func(status int, body io.Reader) error
	readErr error
}

// NewJob returns the job of fetching t, before its first attempt.
func NewJob(t input.Target) *Job {
	j := new(Job)
	j.Reset(t)
	return j
}

// Reset makes j the job of fetching t, before its first attempt, as NewJob
// does, so that a finished job's memory can serve the next target (the
// pipeline keeps finished jobs in a pool: a Job is large). Nothing of the
// job before is kept; call it only once nothing uses j any more.
func (j *Job) Reset(t input.Target) {
	*j = Job{Result: record.Result{URL: t.Raw, Line: t.Line, File: t.File, Seq: t.Seq}, target: t, url: t.URL}
}

// Target is the target to admit the job's next attempt as: t, with the URL
// that attempt fetches (a bare host tried over http after https is another
// host:port).
func (j *Job) Target() input.Target {
	t := j.target
	t.URL = j.url
	return t
}

// Abandon ends a job whose next attempt will not be made: as canceled if
// the run stopped, or else (the deadline comes before the attempt is due)
// with the last attempt's result.
func (j *Job) Abandon(canceled bool) {
	switch {
	case canceled && j.Result.Attempts > 0:
		j.Result.ErrorKind, j.Result.Error = record.KindCanceled, "canceled: the run stopped while waiting to retry"
	case canceled || j.Result.Attempts == 0:
		j.Result.ErrorKind, j.Result.Error = record.KindCanceled, "canceled: the run stopped before this URL was fetched"
	}
	j.end()
}

func (j *Job) end() {
	if !j.start.IsZero() {
		j.Result.DurationMS = float64(time.Since(j.start).Microseconds()) / 1000
	}
}

// Step makes the job's next attempt, admitted by release, which Step calls
// once the attempt is over (release is nil only for a target that carries
// an error: it needs no request). It reports whether the job is done, and
// if not, how long to wait before the next attempt: the backoff, the
// server's Retry-After (then the host is paused for as long, before the
// admission is given back; at least a second after a local resource
// failure), or 0 for a bare host's http fallback (only when https could not
// connect; the record keeps both errors when http fails too). A
// 429 or 503 still failing after the last retry is the result, not an
// error. Before the first attempt it applies Options.Robots; when that
// means fetching robots.txt, the admission is given back first and Step
// returns 0 and not done, with no attempt made.
func (f *Fetcher) Step(ctx context.Context, j *Job, release func()) (wait time.Duration, done bool) {
	res := &j.Result
	if j.target.Err != nil {
		if release != nil {
			release()
		}
		res.ErrorKind, res.Error = record.KindInvalidURL, j.target.Err.Error()
		return 0, true
	}
	if j.start.IsZero() {
		j.start = time.Now()
	}
	if f.opts.Robots != nil && !j.robots {
		j.robots = true
		skip, rel := f.robotsCheck(ctx, j.url, res, release)
		if skip {
			j.end()
			return 0, true
		}
		if rel == nil {
			return 0, false // the admission went back to fetch robots.txt: come back for one
		}
		release = rel
	}
	u := j.url
	w := f.newWatch()
	end := f.attempt(ctx, j, u, &release, j.target.Bare && u.Scheme == "https", w)
	j.lastErr = end.err
	retryAfter := min(end.retryAfter, f.opts.MaxRetryWait)
	if retryAfter > 0 && f.gate != nil {
		// Before the slot is given back: the host's other URLs wait too.
		f.gate.Pause(input.HostKey(u), time.Now().Add(retryAfter))
	}
	f.pauseAllIfLocal(res)
	f.answered(ctx, end, res)
	release()
	res.Attempts++
	wait, done = f.next(ctx, j, u, end, retryAfter)
	f.tell(w, j, u, wait, done)
	return wait, done
}

// next decides, after the attempt of j at u that ended so, whether j is
// done, and if not, how long to wait before its next attempt (Step).
func (f *Fetcher) next(ctx context.Context, j *Job, u *url.URL, end attemptEnd, retryAfter time.Duration) (wait time.Duration, done bool) {
	res := &j.Result
	switch {
	case ctx.Err() != nil && res.ErrorKind != "":
		res.ErrorKind, res.Error = record.KindCanceled, "canceled: the run stopped during the request"
	case j.readErr != nil:
	case j.target.Bare && u.Scheme == "https" && fallsBack(res, end):
		j.httpsErr = res.Error
		j.url = withScheme(u, "http") // a bare host that https cannot reach: try http
		return 0, false
	case j.retries < f.opts.Retries && retryable(res, end.err):
		j.retries++
		if retryAfter > 0 {
			return retryAfter, false
		}
		wait := f.backoff(j.retries)
		if res.ErrorKind == record.KindLocal {
			wait = max(wait, localPause)
		}
		return wait, false
	}
	keepBoth(res, j.httpsErr)
	j.end()
	return 0, true
}
