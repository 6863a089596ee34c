//go:build windows

package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/windows"
)

// The lock is LockFileEx on a file beside the database, path + "-lock",
// holding the holder's process id (lock_unix.go says why a file beside it).
// Windows byte-range locks are mandatory, so the database itself, which
// SQLite locks by byte ranges, is never locked whole.

func lockPath(path string) string { return path + "-lock" }

// acquire takes the store's lock, or fails with ErrInUse at once.
func acquire(path string) (*os.File, error) {
	f, err := os.OpenFile(lockPath(path), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot create its lock file: %w", path, err)
	}
	ol := windows.Overlapped{OffsetHigh: 1} // one byte at 4 GiB, past the id
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if err != nil {
		pid := holder(f)
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, fmt.Errorf("%s: %w%s", path, ErrInUse, pid)
		}
		return nil, fmt.Errorf("%s: cannot lock: %w", path, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}

// release unlocks the lock file by closing it, then removes it (which fails,
// harmlessly, while another run has it open).
func release(f *os.File, path string) {
	if f == nil {
		return
	}
	f.Close()
	os.Remove(lockPath(path))
}

// holder is the process id the lock file names, as " (process N)", or "".
// The locked byte is past the id, so the id can be read while it is held.
func holder(f *os.File) string {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (process %d)", pid)
}
