package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// unsolicitedServer answers every request, then at once sends a second,
// unasked-for response on the same connection: net/http's Transport logs
// that ("Unsolicited response received on idle HTTP channel") when the
// connection is idle. It returns the server's base URL.
func unsolicitedServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				br := bufio.NewReader(c)
				for {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					body := "<title>Ok</title>"
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
					fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
				}
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + l.Addr().String()
}

// TestNoRawGoLogLines checks that Go's own log lines never reach stderr:
// with -q, stderr has nothing but errors, and this run has none.
func TestNoRawGoLogLines(t *testing.T) {
	base := unsolicitedServer(t)
	var list strings.Builder
	for i := range 20 {
		fmt.Fprintf(&list, "%s/%d\n", base, i)
	}
	c := fanout("scrape", "-q", "-c", "1", "-")
	c.Stdin = strings.NewReader(list.String())
	var stdout, stderr strings.Builder
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 20 {
		t.Errorf("%d records, want 20", n)
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr with -q and no error: %q", stderr.String())
	}
}
