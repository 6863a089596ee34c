// Command dnscount is a DNS server for tests on loopback: it answers every
// query with NXDOMAIN, writes each query's name to stdout as it comes, one a
// line, and stops at SIGINT or SIGTERM. scripts/prose-dns.sh uses it to
// count the lookups fanout makes.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	addr := "127.0.0.1:53"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	if err := serve(addr); err != nil {
		fmt.Fprintln(os.Stderr, "dnscount:", err)
		os.Exit(1)
	}
}

func serve(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return err
	}
	go func() { <-ctx.Done(); pc.Close() }()
	fmt.Fprintln(os.Stderr, "dnscount: listening on", pc.LocalAddr())
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if n < 12 {
			continue
		}
		fmt.Println(questionName(buf[12:n]))
		reply := append([]byte(nil), buf[:n]...)
		reply[2] |= 0x80                    // QR: a response
		reply[3] = reply[3]&0xf0 | 0x80 | 3 // RA, RCODE 3: NXDOMAIN
		pc.WriteTo(reply, from)
	}
}

// questionName reads the first question's name (labels of length-prefixed
// bytes) from a query's body after its header.
func questionName(b []byte) string {
	var labels []string
	for len(b) > 0 && b[0] != 0 && int(b[0]) < len(b) {
		labels = append(labels, string(b[1:1+b[0]]))
		b = b[1+b[0]:]
	}
	return strings.Join(labels, ".") + "."
}
