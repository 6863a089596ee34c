//go:build unix

package fetcher

import (
	"net"
	"syscall"
)

// closedWhileIdle reports whether idle connection c cannot carry a request:
// the server closed it (or reset it), or sent bytes no request asked for.
// One non-blocking peek: no goroutine reads an idle connection.
func closedWhileIdle(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var buf [1]byte
	closed := false
	err = rc.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		closed = err != syscall.EAGAIN && err != syscall.EWOULDBLOCK || n > 0
		return true
	})
	return closed || err != nil
}
