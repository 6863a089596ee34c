package fetcher

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"hash"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// Exchange says what an attempt records of the exchange itself, beyond
// the default fields (--fields ip, tls, hash; docs/ops.md). The Server
// header is always recorded: reading it costs nothing.
type Exchange uint8

// The parts of an exchange an attempt can record.
const (
	ExchangeIP   Exchange = 1 << iota // the address connected to (a trace per request)
	ExchangeTLS                       // the TLS connection and its leaf certificate
	ExchangeHash                      // sha256 of the body as read
)

// exchangeByName is what an attempt records to fill each Ops field of
// the record, by its name in record.Fields; server and headers cost
// nothing and have none.
var exchangeByName = map[string]Exchange{"ip": ExchangeIP, "tls": ExchangeTLS, "hash": ExchangeHash}

// ExchangeFor is what attempts must record to fill the record fields
// named (--fields).
func ExchangeFor(names []string) Exchange {
	var e Exchange
	for _, n := range names {
		e |= exchangeByName[n]
	}
	return e
}

// clearExchange empties what recordExchange and traceIP fill, before
// each attempt.
func clearExchange(res *record.Result) {
	res.IP, res.Server, res.TLS, res.Hash, res.Headers = "", "", nil, "", nil
}

// traceIP returns ctx with a trace that records in res the address of
// each connection a request gets: after redirects, the final response's.
func traceIP(ctx context.Context, res *record.Result) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { res.IP = info.Conn.RemoteAddr().String() },
	})
}

// traceConn returns ctx with a trace that keeps in *conn each connection
// a request gets: after redirects, the final response's. A connection a
// Capturer wrapped is told (Cut) when the fetcher cuts its response.
func traceConn(ctx context.Context, conn *net.Conn) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { *conn = info.Conn },
	})
}

// recordExchange fills res's exchange fields from resp, as f's options
// ask.
func (f *Fetcher) recordExchange(resp *http.Response, res *record.Result) {
	res.Server = resp.Header.Get("Server")
	if f.opts.Exchange&ExchangeTLS != 0 && resp.TLS != nil {
		res.TLS = tlsOf(resp.TLS, resp.Request.URL.Hostname(), f.opts.RootCAs, time.Now())
	}
	if len(f.opts.HeaderFields) > 0 {
		res.Headers = make(map[string]string, len(f.opts.HeaderFields))
		for _, name := range f.opts.HeaderFields {
			if vs := resp.Header.Values(name); vs != nil {
				res.Headers[strings.ToLower(name)] = strings.Join(vs, ", ")
			}
		}
	}
}

// tlsOf is the record's tls object for a connection to host. Verified is
// checked here against roots (nil: the system's) whether or not the
// connection itself verified it, so that -k still says whether the
// certificate would pass.
func tlsOf(cs *tls.ConnectionState, host string, roots *x509.CertPool, now time.Time) *record.TLS {
	t := &record.TLS{Version: tls.VersionName(cs.Version), Cipher: tls.CipherSuiteName(cs.CipherSuite)}
	if len(cs.PeerCertificates) == 0 {
		return t
	}
	leaf := cs.PeerCertificates[0]
	t.Subject, t.Issuer, t.DNSNames = leaf.Subject.CommonName, leaf.Issuer.CommonName, leaf.DNSNames
	for _, ip := range leaf.IPAddresses {
		t.DNSNames = append(t.DNSNames, ip.String())
	}
	t.NotBefore, t.NotAfter = leaf.NotBefore, leaf.NotAfter
	t.DaysLeft = int(leaf.NotAfter.Sub(now).Hours() / 24)
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter, CurrentTime: now})
	t.Verified = err == nil
	return t
}

// hashing returns body, teeing what is read of it into a sha256 when
// f's options ask for the hash, and a func that writes the hash into res.
func (f *Fetcher) hashing(body io.Reader, res *record.Result) (io.Reader, func()) {
	if f.opts.Exchange&ExchangeHash == 0 {
		return body, func() {}
	}
	h := sha256.New()
	return io.TeeReader(body, h), func() { res.Hash = hexSum(h) }
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
