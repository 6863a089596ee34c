//go:build unix

package limiter

import (
	"fmt"
	"syscall"
)

// OpenFilesNote is the warning for a concurrency that the open-files limit
// does not allow (each request in flight needs a descriptor; the Go
// runtime already raised the soft limit to the hard one at start), or ""
// when the limit is high enough.
func OpenFilesNote(concurrency int) string {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return ""
	}
	if need := uint64(concurrency) + 64; lim.Cur < need {
		return fmt.Sprintf("fanout: -c %d cannot be reached: the open-files limit is %d (raise it with ulimit -n, up to the hard limit %d); requests beyond it fail with \"too many open files\"",
			concurrency, lim.Cur, lim.Max)
	}
	return ""
}
