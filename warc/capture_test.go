package warc

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stallConn is a connection whose Write says when it has begun, waits to
// be let go, then fails having sent the bytes of sent.
type stallConn struct {
	net.Conn
	begun, release chan struct{}
	sent           int
}

func (c *stallConn) Write(p []byte) (int, error) {
	close(c.begun)
	<-c.release
	return min(c.sent, len(p)), errors.New("use of closed network connection")
}

func (c *stallConn) RemoteAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }

// TestWriteFailsAfterTheStop: a request write that fails after the run's
// stop has written the exchange (the Recorder's Close, as at SIGINT) takes
// nothing back from a request that is no longer held: before, it cut the
// emptied buffer to a negative length and the run died of a panic.
func TestWriteFailsAfterTheStop(t *testing.T) {
	for _, sent := range []int{0, 10} {
		path := filepath.Join(t.TempDir(), "run.warc")
		w, err := Create(path, 0, []Field{{"software", "test"}})
		if err != nil {
			t.Fatal(err)
		}
		rec := NewRecorder(w)
		sc := &stallConn{begun: make(chan struct{}), release: make(chan struct{}), sent: sent}
		c := rec.Wrap(sc, "http")
		req := "GET /page/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
		done := make(chan int)
		go func() {
			n, _ := c.Write([]byte(req))
			done <- n
		}()
		<-sc.begun
		if err := rec.Close(); err != nil { // the stop writes the request held
			t.Fatal(err)
		}
		close(sc.release)
		if n := <-done; n != sent {
			t.Fatalf("sent %d: Write returned %d", sent, n)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(string(b), "WARC-Type: request"); got != 1 {
			t.Errorf("sent %d: %d request records, want the one held at the stop", sent, got)
		}
	}
}
