//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// The lock that makes a store one run's at a time is flock(2) on a file
// beside the database, path + "-lock", holding the holder's process id.
// Not SQLite's own locks, because none of them excludes a second writer
// while letting readers in: locking_mode=EXCLUSIVE keeps every reader out
// (a reader in another process got "database is locked"), and a write
// transaction re-opened after each commit leaves a gap between the two in
// which a probe from a second run finds the store free (15 of 2,000 probes
// did, against a writer committing every millisecond). Not flock on the
// database itself, because on the BSDs and macOS flock and SQLite's fcntl
// locks on one file interact. The kernel releases the lock when its holder
// dies, so a kill -9 leaves no stale lock, only the file.

func lockPath(path string) string { return path + "-lock" }

// acquire takes the store's lock, or fails with ErrInUse at once.
func acquire(path string) (*os.File, error) {
	for range 10 {
		f, err := os.OpenFile(lockPath(path), os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot create its lock file: %w", path, err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			pid := holder(f)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("%s: %w%s", path, ErrInUse, pid)
			}
			return nil, fmt.Errorf("%s: cannot lock: %w", path, err)
		}
		// A run that ended between our open and our flock removed the file
		// we locked: lock the file that is there now instead.
		if sameFile(f, lockPath(path)) {
			f.Truncate(0)
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("%s: %w: its lock file keeps changing", path, ErrInUse)
}

// release removes the lock file, then unlocks it by closing it. Removing
// first means a run waiting to lock the old file finds it gone (sameFile)
// and makes a new one.
func release(f *os.File, path string) {
	if f == nil {
		return
	}
	os.Remove(lockPath(path))
	f.Close()
}

// holder is the process id the lock file names, as " (process N)", or "".
func holder(f *os.File) string {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" (process %d)", pid)
}

func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}
