package fetcher

import (
	"crypto/tls"
	"crypto/x509"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/benchsite"
)

// TestTLSVerified checks that tlsOf says whether the certificate verifies
// for the host against the roots given, whatever the connection checked.
func TestTLSVerified(t *testing.T) {
	cert, err := benchsite.NewCert()
	if err != nil {
		t.Fatal(err)
	}
	cs := &tls.ConnectionState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256,
		PeerCertificates: []*x509.Certificate{cert.Leaf}}
	now := time.Now()
	tests := []struct {
		name  string
		host  string
		roots *x509.CertPool
		at    time.Time
		want  bool
	}{
		{"trusted, named", "localhost", cert.Pool(), now, true},
		{"trusted, an address it names", "127.0.0.1", cert.Pool(), now, true},
		{"trusted, another name", "example.org", cert.Pool(), now, false},
		{"no root for it", "localhost", x509.NewCertPool(), now, false},
		{"expired", "localhost", cert.Pool(), cert.Leaf.NotAfter.Add(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tlsOf(cs, tt.host, tt.roots, tt.at)
			if got.Verified != tt.want || got.Version != "TLS 1.3" || got.Cipher != "TLS_AES_128_GCM_SHA256" {
				t.Errorf("%+v; want verified %v over TLS 1.3", got, tt.want)
			}
			if want := int(cert.Leaf.NotAfter.Sub(tt.at).Hours() / 24); got.DaysLeft != want {
				t.Errorf("days_left %d, want %d", got.DaysLeft, want)
			}
		})
	}
}
