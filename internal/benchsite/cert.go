package benchsite

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"slices"
	"time"
)

// CertHosts are the names a Cert is valid for: the loopback addresses the
// site is served on.
var CertHosts = []string{"127.0.0.1", "::1", "localhost"}

// certLife is how long a Cert is valid from its making: a day, longer than
// any bench or serve session, short enough that a copied file goes stale.
const certLife = 24 * time.Hour

// certSubject names every Cert.
var certSubject = pkix.Name{CommonName: "fanout bench site", Organization: []string{"fanout"}}

// Cert is a self-signed ECDSA P-256 certificate for CertHosts, made at
// start, with its key. It is its own issuer and a CA, so a client trusts it
// when it is its root: through Pool, or its PEM in a file named by
// SSL_CERT_FILE.
type Cert struct {
	TLS  tls.Certificate   // for a server's tls.Config.Certificates
	Leaf *x509.Certificate // the parsed certificate (TLS.Leaf too)
	PEM  []byte            // the certificate (not the key), PEM-encoded
}

// NewCert makes a Cert valid from a minute ago (clocks drift) for a day.
func NewCert() (*Cert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               certSubject,
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(certLife),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range CertHosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Cert{
		TLS:  tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		Leaf: leaf,
		PEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// ErrNotSiteCert is WriteFile's error for a file that is there and is not
// a certificate NewCert made: it is left as it is.
var ErrNotSiteCert = errors.New("exists and is not a certificate fanout serve wrote: not overwritten")

// WriteFile writes c (PEM) to path, for clients' SSL_CERT_FILE, through a
// temporary file renamed into place. A file already at path is replaced
// only when it holds a certificate NewCert made (an earlier serve's), so
// nothing the user owns is overwritten.
func (c *Cert) WriteFile(path string) error {
	if old, err := os.ReadFile(path); err == nil && !isSiteCert(old) {
		return ErrNotSiteCert
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, c.PEM, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// isSiteCert reports whether data is a PEM certificate NewCert made (of
// any run): its subject names the bench site. Nothing else is one.
func isSiteCert(data []byte) bool {
	block, rest := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) > 0 {
		return false
	}
	c, err := x509.ParseCertificate(block.Bytes)
	return err == nil && c.Subject.CommonName == certSubject.CommonName &&
		slices.Equal(c.Subject.Organization, certSubject.Organization)
}

// Pool is a certificate pool holding only c: a client's RootCAs.
func (c *Cert) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.Leaf)
	return p
}
