// Command connfloor measures what the latency-bound runs of
// docs/performance.md cost a program that does nothing else: it serves a
// minimal HTTP/1.1 answer after a delay, and runs n clients that each open
// one connection and send k requests on it in turn, reading each answer
// (a goroutine per client, no parsing beyond the answer's length). The
// time it takes, against the floor of k times the delay, is the least a
// full client can hope for on the same machine:
//
//	connfloor -n 10000 -k 1 -latency 2s      # 10,000 requests in flight
//	connfloor -n 1000 -k 10 -latency 100ms   # 10,000 requests in waves of 1,000
//
// The server is a process of its own, as `fanout serve` is in those runs
// (in one process, 10,000 dialing goroutines starve the accept loop):
//
//	connfloor -serve 127.0.0.1:9301 -latency 2s &
//	connfloor -addr 127.0.0.1:9301 -n 10000 -k 1 -latency 2s
//
// A request not answered within the latency and a minute more fails.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 10000, "clients, each with one connection")
	k := flag.Int("k", 1, "requests each client sends in turn")
	latency := flag.Duration("latency", 2*time.Second, "the server's delay before each answer")
	size := flag.Int("size", 2048, "bytes of each answer's body")
	listen := flag.String("serve", "", "serve on this address (host:port) until killed")
	addr := flag.String("addr", "127.0.0.1:9301", "the server's address, for the clients")
	flag.Parse()
	if *listen != "" {
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			fmt.Fprintln(os.Stderr, "connfloor:", err)
			os.Exit(1)
		}
		serve(ln, *latency, *size)
		return
	}
	took, connected, failed := run(*addr, *n, *k, *size, *latency+time.Minute)
	floor := time.Duration(*k) * *latency
	fmt.Printf("%d clients x %d requests, latency %s: %.3fs (floor %.3fs, %.3fx); all connected after %.3fs; %d failed\n",
		*n, *k, *latency, took.Seconds(), floor.Seconds(), took.Seconds()/floor.Seconds(), connected.Seconds(), failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// serve answers every request on every connection after latency.
func serve(ln net.Listener, latency time.Duration, size int) {
	answer := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n")
	answer = append(answer, make([]byte, size)...)
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				if len(line) <= 2 { // the blank line that ends a request
					time.Sleep(latency)
					if _, err := c.Write(answer); err != nil {
						return
					}
				}
			}
		}()
	}
}

// run starts n clients and waits for them: how long it took, when the last
// connection was made, and how many clients failed.
func run(addr string, n, k, size int, patience time.Duration) (took, connected time.Duration, failed int64) {
	request := []byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")
	var wg sync.WaitGroup
	var conns, last, bad atomic.Int64
	start := time.Now()
	for range n {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				bad.Add(1)
				return
			}
			defer c.Close()
			if conns.Add(1) == int64(n) {
				last.Store(int64(time.Since(start)))
			}
			br := bufio.NewReader(c)
			for range k {
				c.SetDeadline(time.Now().Add(patience))
				if _, err := c.Write(request); err != nil {
					bad.Add(1)
					return
				}
				if err := readAnswer(br, size); err != nil {
					bad.Add(1)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), time.Duration(last.Load()), bad.Load()
}

// readAnswer reads one answer: its head up to the blank line, then size
// bytes of body.
func readAnswer(br *bufio.Reader, size int) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
	}
	_, err := br.Discard(size)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
