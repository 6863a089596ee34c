// Package dnstest is a DNS server on 127.0.0.1 for tests, so that no test
// resolves a name anywhere else: names under Zone get 127.x.y.z addresses,
// and a few reserved names get NXDOMAIN, SERVFAIL or no answer at all. It
// counts the questions it is asked. Only tests import it (it is what brings
// github.com/miekg/dns in, and the fanout binary does not link it).
package dnstest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// Zone is the domain the server answers for. Every name under it that is not
// one of the reserved names below resolves to Addr(name).
const Zone = "test."

// Reserved names (fully qualified) and how the server answers them.
const (
	NameNXDomain = "nx.test."       // NXDOMAIN
	NameServFail = "servfail.test." // SERVFAIL
	NameSilent   = "silent.test."   // no answer: the resolver times out
	NameIPv6     = "v6.test."       // ::1 only (AAAA), no A record
)

// Server is a running DNS server on 127.0.0.1 (UDP and TCP on one port).
type Server struct {
	// Addr is the server's host:port, for resolve.Config.Servers.
	Addr string

	udp, tcp *dns.Server
	mu       sync.Mutex
	asked    map[string]int // "name TYPE" → questions
	all      net.IP         // if set, the A answer for every ordinary name
}

// AnswerAll makes every name that has an A record resolve to ip (a loopback
// address where the test's server listens) instead of Addr4(name).
func (s *Server) AnswerAll(ip net.IP) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all = ip
}

// Start starts a server and stops it when t's test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	pc, l, err := listen()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: pc.LocalAddr().String(), asked: map[string]int{}}
	started := make(chan struct{}, 2)
	s.udp = &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: func() { started <- struct{}{} }}
	s.tcp = &dns.Server{Listener: l, Handler: s, NotifyStartedFunc: func() { started <- struct{}{} }}
	done := make(chan struct{}, 2)
	go func() { s.udp.ActivateAndServe(); done <- struct{}{} }()
	go func() { s.tcp.ActivateAndServe(); done <- struct{}{} }()
	<-started
	<-started
	t.Cleanup(func() {
		s.udp.Shutdown()
		s.tcp.Shutdown()
		<-done
		<-done
	})
	return s
}

// listen opens UDP and TCP on one port of 127.0.0.1. The port UDP got may
// be taken for TCP: then it tries another.
func listen() (net.PacketConn, net.Listener, error) {
	var err error
	for range 20 {
		var pc net.PacketConn
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			return nil, nil, err
		}
		var l net.Listener
		if l, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			return pc, l, nil
		}
		pc.Close()
	}
	return nil, nil, err
}

// Addr4 is the address the server gives name (fully qualified, under Zone):
// 127.x.y.z from a hash of the name, never 127.0.0.0/16, so that each name has
// its own loopback address.
func Addr4(name string) net.IP {
	var h uint32 = 2166136261
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	return net.IPv4(127, byte(1+h%254), byte(h>>8), byte(1+(h>>16)%254))
}

// ServeDNS answers one query.
func (s *Server) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	if len(q.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	qq := q.Question[0]
	name := strings.ToLower(qq.Name)
	s.mu.Lock()
	s.asked[name+" "+dns.TypeToString[qq.Qtype]]++
	a := s.all
	s.mu.Unlock()
	if a == nil {
		a = Addr4(name)
	}
	switch {
	case name == NameSilent:
		return // no answer
	case name == NameNXDomain || !dns.IsSubDomain(Zone, name):
		m.Rcode = dns.RcodeNameError
	case name == NameServFail:
		m.Rcode = dns.RcodeServerFailure
	case name == NameIPv6 && qq.Qtype == dns.TypeAAAA:
		m.Answer = append(m.Answer, &dns.AAAA{Hdr: header(name, dns.TypeAAAA), AAAA: net.IPv6loopback})
	case name != NameIPv6 && qq.Qtype == dns.TypeA:
		m.Answer = append(m.Answer, &dns.A{Hdr: header(name, dns.TypeA), A: a})
	}
	w.WriteMsg(m)
}

func header(name string, qtype uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: qtype, Class: dns.ClassINET, Ttl: 60}
}

// Asked returns how many questions of type qtype ("A", "AAAA") the server
// got for name (fully qualified); qtype "" counts every type.
func (s *Server) Asked(name, qtype string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, c := range s.asked {
		qn, qt, _ := strings.Cut(k, " ")
		if qn == strings.ToLower(name) && (qtype == "" || qt == qtype) {
			n += c
		}
	}
	return n
}

// Total returns how many questions the server got, for any name.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.asked {
		n += c
	}
	return n
}
