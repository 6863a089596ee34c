package benchsite

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Server serves a handler on one listener, over TLS when given a Cert, and
// counts what a client's politeness is judged by: connections opened, TLS
// handshakes (resumed ones among them) and requests by protocol. Its
// counters are safe to read while it serves.
type Server struct {
	http    http.Server
	handler http.Handler
	tls     bool

	conns, handshakes, resumed atomic.Int64
	open, maxOpen              atomic.Int64
	h1, h2                     atomic.Int64 // requests answered over HTTP/1.x and HTTP/2
}

// ConnStats is what a Server counted.
type ConnStats struct {
	Conns      int64 `json:"connections"`    // TCP connections accepted
	MaxOpen    int64 `json:"max_open"`       // the most open at once
	Handshakes int64 `json:"tls_handshakes"` // TLS handshakes completed, resumed ones included
	Resumed    int64 `json:"tls_resumed"`    // of them, session resumptions
	HTTP1      int64 `json:"http1_requests"` // requests over HTTP/1.x
	HTTP2      int64 `json:"http2_requests"` // requests over HTTP/2
}

// NewServer returns a Server for h. With cert, it serves HTTPS, offering h2
// and http/1.1 by ALPN, or http/1.1 only when h2 is false; without cert,
// plain HTTP/1.1.
func NewServer(h http.Handler, cert *Cert, h2 bool) *Server {
	s := &Server{handler: h, tls: cert != nil}
	s.http = http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second, ConnState: s.connState}
	if cert != nil {
		var protos http.Protocols
		protos.SetHTTP1(true)
		protos.SetHTTP2(h2)
		s.http.Protocols = &protos
		s.http.TLSConfig = &tls.Config{
			Certificates: []tls.Certificate{cert.TLS},
			VerifyConnection: func(cs tls.ConnectionState) error {
				s.handshakes.Add(1)
				if cs.DidResume {
					s.resumed.Add(1)
				}
				return nil
			},
		}
	}
	return s
}

// Serve serves on l until Close; it returns http.ErrServerClosed then.
func (s *Server) Serve(l net.Listener) error {
	if s.tls {
		return s.http.ServeTLS(l, "", "")
	}
	return s.http.Serve(l)
}

// Close closes the listener and every connection at once.
func (s *Server) Close() error { return s.http.Close() }

// Stats returns what the server counted so far.
func (s *Server) Stats() ConnStats {
	return ConnStats{Conns: s.conns.Load(), MaxOpen: s.maxOpen.Load(), Handshakes: s.handshakes.Load(), Resumed: s.resumed.Load(),
		HTTP1: s.h1.Load(), HTTP2: s.h2.Load()}
}

func (s *Server) connState(_ net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		s.conns.Add(1)
		n := s.open.Add(1)
		for m := s.maxOpen.Load(); n > m && !s.maxOpen.CompareAndSwap(m, n); m = s.maxOpen.Load() {
		}
	case http.StateClosed, http.StateHijacked:
		s.open.Add(-1)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor == 2 {
		s.h2.Add(1)
	} else {
		s.h1.Add(1)
	}
	s.handler.ServeHTTP(w, r)
}

// ErrNotLoopback is Listen's error for an address that is not on a
// loopback interface.
var ErrNotLoopback = errors.New("only loopback addresses (127.0.0.0/8, ::1, localhost) are served")

// Listen listens on addr (host:port), which must be a loopback address or
// localhost: the site is for benchmarks and tests on this machine, and
// never answers another.
func Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return nil, ErrNotLoopback
	}
	return net.Listen("tcp", addr)
}

// Start serves on a new listener on 127.0.0.1 (any free port) in a
// goroutine, and returns the base URL (http://127.0.0.1:port or https://…).
// Close stops it.
func (s *Server) Start() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	// Serve ends with Close; an accept that fails for good shows as the
	// clients' failed requests.
	go s.Serve(l)
	scheme := "http://"
	if s.tls {
		scheme = "https://"
	}
	return scheme + l.Addr().String(), nil
}
