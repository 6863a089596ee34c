package fetcher

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// Attempt is what one attempt did, for Options.Attempted (-v): one per
// request chain sent, redirect hops included, a retry or fallback being
// another.
type Attempt struct {
	Method string
	URL    string // what was asked for, redacted (record.RedactURL)
	Addr   string // the address connected to, or dialed when no connection came; "" if neither
	Proto  string // HTTP/1.1, HTTP/2; "" without an answer
	// Status is the final answer's, FirstStatus the first hop's when
	// Redirects > 0; 0 without an answer.
	Status, FirstStatus, Redirects int
	ErrorKind                      record.Kind // "" when none
	Took                           time.Duration
	// Retry is the number of the attempt that follows (1 for the first
	// retry), 0 when none does; Reason says why one follows (a status, an
	// error kind, https that could not connect) and Wait how long before.
	Retry  int
	Reason string
	Wait   time.Duration
}

// String is the attempt in one line, one word per fact, so that grep and
// awk read it (-v prints it after "fanout: "):
//
//	GET http://127.0.0.1:8080/a addr=127.0.0.1:8080 proto=HTTP/1.1 status=301→200 took=1.2ms
//	GET http://127.0.0.1:8080/b addr=127.0.0.1:8080 proto=HTTP/1.1 status=503 took=0.8ms retry=1 wait=212ms reason="status 503"
//	GET http://127.0.0.1:9/ addr=127.0.0.1:9 error=connect took=0.3ms
func (a Attempt) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", a.Method, a.URL)
	if a.Addr != "" {
		b.WriteString(" addr=" + a.Addr)
	}
	if a.Proto != "" {
		b.WriteString(" proto=" + a.Proto)
	}
	switch {
	case a.ErrorKind != "":
		fmt.Fprintf(&b, " error=%s", a.ErrorKind)
	case a.Redirects > 0:
		fmt.Fprintf(&b, " status=%d→%d", a.FirstStatus, a.Status)
	default:
		fmt.Fprintf(&b, " status=%d", a.Status)
	}
	fmt.Fprintf(&b, " took=%s", a.Took.Round(100*time.Microsecond))
	if a.Reason != "" {
		if a.Retry > 0 {
			fmt.Fprintf(&b, " retry=%d", a.Retry)
		}
		fmt.Fprintf(&b, " wait=%s reason=%q", a.Wait.Round(time.Millisecond), a.Reason)
	}
	return b.String()
}

// attemptWatch collects what Options.Attempted is told of one attempt.
// Dial callbacks may run on the transport's goroutines, even after the
// attempt: the address is read under mu.
type attemptWatch struct {
	start time.Time
	mu    sync.Mutex
	addr  string
	got   bool // addr is a connection's, not only a dial's
}

// newWatch starts watching an attempt, or returns nil when no one is told
// of attempts: then the attempt pays nothing.
func (f *Fetcher) newWatch() *attemptWatch {
	if f.opts.Attempted == nil {
		return nil
	}
	return &attemptWatch{start: time.Now()}
}

// trace returns ctx with a trace that records the address dialed and the
// one connected to.
func (w *attemptWatch) trace(ctx context.Context) context.Context {
	if w == nil {
		return ctx
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		ConnectStart: func(_, addr string) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if !w.got {
				w.addr = addr
			}
		},
		GotConn: func(info httptrace.GotConnInfo) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.addr, w.got = info.Conn.RemoteAddr().String(), true
		},
	})
}

// tell gives Options.Attempted the attempt of j at u that just ended, and
// what Step decided after it.
func (f *Fetcher) tell(w *attemptWatch, j *Job, u *url.URL, wait time.Duration, done bool) {
	if w == nil {
		return
	}
	res := &j.Result
	a := Attempt{
		Method: methodOf(res), URL: record.RedactURL(u.String()), Proto: res.Proto,
		Status: res.Status, FirstStatus: res.FirstStatus, Redirects: res.Redirects,
		ErrorKind: res.ErrorKind, Took: time.Since(w.start),
	}
	w.mu.Lock()
	a.Addr = w.addr
	w.mu.Unlock()
	if !done {
		a.Wait = wait
		switch {
		case j.url != u: // a bare host's https could not connect
			a.Reason = "https could not connect, trying http"
		case res.ErrorKind != "":
			a.Retry, a.Reason = j.retries, string(res.ErrorKind)
		default:
			a.Retry, a.Reason = j.retries, "status "+strconv.Itoa(res.Status)
		}
	}
	f.opts.Attempted(a)
}

// methodOf is the method an attempt sent (the record's method is set
// before the request is).
func methodOf(res *record.Result) string {
	if res.Method == "" {
		return http.MethodGet
	}
	return res.Method
}
