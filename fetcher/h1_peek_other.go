//go:build !unix

package fetcher

import "net"

// closedWhileIdle cannot look without a read here: a request sent on a
// connection the server closed is sent again on another (see h1).
func closedWhileIdle(net.Conn) bool { return false }
