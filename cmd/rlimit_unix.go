//go:build unix

package cmd

import (
	"fmt"
	"io"
	"syscall"
)

// warnOpenFiles says on errOut when the open-files limit is too low for
// concurrency requests in flight (each needs a descriptor; the Go runtime
// already raised the soft limit to the hard one at start).
func warnOpenFiles(concurrency int, errOut io.Writer) {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return
	}
	if need := uint64(concurrency) + 64; lim.Cur < need {
		fmt.Fprintf(errOut, "fanout: -c %d cannot be reached: the open-files limit is %d (raise it with ulimit -n, up to the hard limit %d); requests beyond it fail with \"too many open files\"\n",
			concurrency, lim.Cur, lim.Max)
	}
}
