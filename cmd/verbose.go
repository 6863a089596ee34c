package cmd

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/progress"
)

// addVerboseFlag registers -v, --verbose on scrape, crawl and sitemap (not
// bench: a load test's thousands of lines would be its bottleneck). On the
// root command -v stays --version, as cobra makes it (see root's help).
func (o *FetchFlags) addVerboseFlag(f *pflag.FlagSet) {
	f.BoolVarP(&o.Verbose, "verbose", "v", o.Verbose, "a line on stderr per attempt: method, URL, address, protocol, status or error, time taken, and a retry's reason and wait")
}

// attemptLogger is fetcher.Options.Attempted for -v: each attempt's line
// (attemptLine) on errOut, through bar when there is one so that it never
// lands inside a frame, or nil when verbose is off.
func attemptLogger(verbose bool, errOut io.Writer, bar *progress.Bar) func(fetcher.Attempt) {
	if !verbose {
		return nil
	}
	note := noteOn(errOut, bar)
	return func(a fetcher.Attempt) { note(attemptLine(a)) }
}

// noteOn returns a function writing a line on errOut, out of bar's way
// (bar may be nil); it may be called from many goroutines.
func noteOn(errOut io.Writer, bar *progress.Bar) func(string) {
	if bar != nil {
		return bar.Note
	}
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(errOut, line+"\n")
	}
}

// attemptLine is -v's line for one attempt, one word per fact, so that
// grep and awk read it:
//
//	fanout: GET http://127.0.0.1:8080/a addr=127.0.0.1:8080 proto=HTTP/1.1 status=301→200 took=1.2ms
//	fanout: GET http://127.0.0.1:8080/b addr=127.0.0.1:8080 proto=HTTP/1.1 status=503 took=0.8ms retry=1 wait=212ms reason="status 503"
//	fanout: GET http://127.0.0.1:9/ addr=127.0.0.1:9 error=connect took=0.3ms
func attemptLine(a fetcher.Attempt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fanout: %s %s", a.Method, a.URL)
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
