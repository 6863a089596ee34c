package bench

import (
	"crypto/x509"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fanout-dev/fanout/internal/benchsite"
)

// sites are the URLs a bench fetches: its in-process servers, the targets
// or the dead hosts.
type sites struct {
	urlOf   func(i int) string // the URL of page i
	roots   *x509.CertPool     // with --tls: the site's certificate, the only root trusted
	servers []*benchsite.Server
	bases   []string
	site    *benchsite.Site // the in-process servers' site; nil with --target or --dead-hosts
}

// startSites starts the in-process servers, one per Config.Hosts, unless
// Config.Targets or Config.DeadHosts say where the pages are.
func startSites(opts Config) (*sites, error) {
	if opts.DeadHosts > 0 {
		return &sites{urlOf: deadHostURL}, nil
	}
	if len(opts.Targets) > 0 {
		return &sites{urlOf: func(i int) string {
			return strings.ReplaceAll(opts.Targets[i%len(opts.Targets)], "{n}", strconv.Itoa(i))
		}}, nil
	}
	site := benchsite.New(benchsite.Options{
		PageSize: opts.PageSize, Latency: opts.Latency, Jitter: opts.Jitter, Lean: true,
		ErrorRate: opts.ErrorRate, DropRate: opts.DropRate, FailFirst: opts.FailFirst, Pieces: opts.Pieces,
		Capacity: opts.Capacity,
	})
	s := &sites{site: site}
	var cert *benchsite.Cert
	if opts.TLS {
		var err error
		if cert, err = benchsite.NewCert(); err != nil {
			return nil, fmt.Errorf("making the site's certificate: %w", err)
		}
		s.roots = cert.Pool()
	}
	for range opts.Hosts {
		srv := benchsite.NewServer(site, cert, opts.HTTP2)
		base, err := srv.Start()
		if err != nil {
			s.Close()
			return nil, err
		}
		s.servers, s.bases = append(s.servers, srv), append(s.bases, base)
	}
	s.urlOf = func(i int) string { return s.bases[i%len(s.bases)] + "/page/" + strconv.Itoa(i) }
	return s, nil
}

// Close stops the in-process servers.
func (s *sites) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// Server is what one in-process server saw: how many connections and
// TLS handshakes the run cost it, and over which protocol it answered.
type Server struct {
	URL string `json:"url"`
	benchsite.ConnStats
	Protocol string `json:"protocol"` // HTTP/1.1, HTTP/2, both ("HTTP/1.1 and HTTP/2") or "" (no request)
}

func (s *sites) stats() []Server {
	var out []Server
	for i, srv := range s.servers {
		st := srv.Stats()
		var protos []string
		if st.HTTP1 > 0 {
			protos = append(protos, "HTTP/1.1")
		}
		if st.HTTP2 > 0 {
			protos = append(protos, "HTTP/2")
		}
		out = append(out, Server{URL: s.bases[i], ConnStats: st, Protocol: strings.Join(protos, " and ")})
	}
	return out
}

// writeServers writes a line per server of the text report.
func writeServers(w io.Writer, servers []Server) {
	for _, s := range servers {
		fmt.Fprintf(w, "server %s\t%s\t%d connections (at most %d open at once)", s.URL, s.Protocol, s.Conns, s.MaxOpen)
		if strings.HasPrefix(s.URL, "https:") {
			fmt.Fprintf(w, ", %d TLS handshakes (%d resumed)", s.Handshakes, s.Resumed)
		}
		fmt.Fprintln(w)
	}
}
