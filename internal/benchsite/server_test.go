package benchsite

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestServerCountsConnectionsAndProtocols(t *testing.T) {
	cert, err := NewCert()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		cert      *Cert
		serverH2  bool
		clientH2  bool
		wantProto string
		want      ConnStats
	}{
		{name: "plain", want: ConnStats{Conns: 1, MaxOpen: 1, HTTP1: 3}, wantProto: "HTTP/1.1"},
		{name: "tls, h2 offered and taken", cert: cert, serverH2: true, clientH2: true, wantProto: "HTTP/2.0",
			want: ConnStats{Conns: 1, MaxOpen: 1, Handshakes: 1, HTTP2: 3}},
		{name: "tls, h2 offered, client 1.1 only", cert: cert, serverH2: true, wantProto: "HTTP/1.1",
			want: ConnStats{Conns: 1, MaxOpen: 1, Handshakes: 1, HTTP1: 3}},
		{name: "tls, --h2=false", cert: cert, clientH2: true, wantProto: "HTTP/1.1",
			want: ConnStats{Conns: 1, MaxOpen: 1, Handshakes: 1, HTTP1: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(New(Options{PageSize: 512}), tt.cert, tt.serverH2)
			base, err := srv.Start()
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			var protos http.Protocols
			protos.SetHTTP1(true)
			protos.SetHTTP2(tt.clientH2)
			tr := &http.Transport{Protocols: &protos, TLSClientConfig: &tls.Config{RootCAs: cert.Pool()}}
			defer tr.CloseIdleConnections()
			for range 3 { // one after another: one connection does
				resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(base + "/page/1")
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.Proto != tt.wantProto {
					t.Errorf("proto %s, want %s", resp.Proto, tt.wantProto)
				}
			}
			if got := srv.Stats(); got != tt.want {
				t.Errorf("stats %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCertVerifiesForEveryLoopbackName(t *testing.T) {
	cert, err := NewCert()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cert.TLS.PrivateKey.(crypto.Signer); !ok {
		t.Fatal("no private key")
	}
	if cert.Leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("key algorithm %v, want ECDSA", cert.Leaf.PublicKeyAlgorithm)
	}
	for _, name := range append(CertHosts, "example.com") {
		_, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: cert.Pool()})
		if want := name != "example.com"; (err == nil) != want {
			t.Errorf("verify for %s: %v, want ok %v", name, err, want)
		}
	}
}
