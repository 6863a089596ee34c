//go:build !unix

package limiter

// OpenFilesNote has nothing to check on this system.
func OpenFilesNote(int) string { return "" }
