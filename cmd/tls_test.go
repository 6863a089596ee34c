package cmd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/bench"
	"github.com/fanout-dev/fanout/internal/benchsite"
	"github.com/fanout-dev/fanout/internal/exit"
)

// TestBenchTLS runs fanout bench over the site's protocols and checks what
// the in-process server says it saw.
func TestBenchTLS(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantProto string
		tls       bool
	}{
		{"plain", nil, "HTTP/1.1", false},
		{"tls, h2 offered", []string{"--tls"}, "HTTP/2", true},
		{"tls, http/1.1 only", []string{"--tls", "--h2=false"}, "HTTP/1.1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", append([]string{"bench", "-n", "200", "--format", "json", "--progress", "never"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var res bench.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			if res.OK != 200 || len(res.Servers) != 1 {
				t.Fatalf("ok %d, %d servers; want 200 pages from one server", res.OK, len(res.Servers))
			}
			s := res.Servers[0]
			if s.Protocol != tt.wantProto || strings.HasPrefix(s.URL, "https:") != tt.tls {
				t.Errorf("server %s answered over %q, want %s", s.URL, s.Protocol, tt.wantProto)
			}
			// A dial still in its handshake when the run ends is cut short.
			if s.Conns < 1 || (tt.tls && (s.Handshakes < 1 || s.Handshakes > s.Conns)) || (!tt.tls && s.Handshakes != 0) {
				t.Errorf("%d connections, %d TLS handshakes: want at most one handshake per TLS connection", s.Conns, s.Handshakes)
			}
		})
	}
}

// TestServeTLSCertFile runs fanout serve --tls --cert-file and fetches a
// page trusting only the written certificate, for 127.0.0.1 and localhost.
func TestServeTLSCertFile(t *testing.T) {
	certFile := filepath.Join(t.TempDir(), "site.pem")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	streams, _, _ := testStreams("")
	done := make(chan int)
	go func() {
		done <- Execute(ctx, streams, []string{"serve", "--tls", "--cert-file", certFile, "--listen", addr})
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d", code)
		}
	}()
	pemData := waitForFile(t, certFile)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		t.Fatalf("%s holds no certificate: %q", certFile, pemData)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	_, port, _ := net.SplitHostPort(addr)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		var resp *http.Response
		var err error
		for deadline := time.Now().Add(10 * time.Second); ; { // the listener may not be up yet
			if resp, err = (&http.Client{Transport: tr}).Get("https://" + net.JoinHostPort(host, port) + "/page/3"); err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Proto != "HTTP/2.0" || !strings.Contains(string(body), "<title>Page 3</title>") {
			t.Errorf("%s: %s, body %.80q; want page 3 over HTTP/2", host, resp.Proto, body)
		}
	}
}

// TestServeCertFileNotOverwritten checks that serve --cert-file refuses a
// file that is not a certificate of its own.
func TestServeCertFileNotOverwritten(t *testing.T) {
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "", "serve", "--tls", "--cert-file", file, "--listen", "127.0.0.1:0")
	if data, _ := os.ReadFile(file); code != exit.Usage || string(data) != "mine\n" || !strings.Contains(errOut, "not overwritten") {
		t.Errorf("exit %d, file now %q, stderr %q; want exit 2 and the file kept", code, data, errOut)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitForFile returns name's contents once it exists, failing after 10s.
func waitForFile(t *testing.T, name string) []byte {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if data, err := os.ReadFile(name); err == nil {
			return data
		}
	}
	t.Fatalf("%s never appeared", name)
	return nil
}

// TestConnectionsPerHost checks, as the site counts them, how many
// connections a run opens to one host: one over h2, whatever the streams
// in flight; over HTTP/1.1, at most the requests that may be in flight to
// it (--per-host, or -c without one) open at once, give or take one: on a
// loaded machine net/http closes a connection whose request write was not
// confirmed within 50 ms (maxWriteWaitBeforeConnReuse) and opens another,
// and the server may see the new one before it sees the old one close.
func TestConnectionsPerHost(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantProto string
		most      int64 // connections at most; over h2 exactly 1
	}{
		{"h2, --per-host 8", []string{"--tls", "--per-host", "8"}, "HTTP/2", 1},
		{"h2, no per-host limit, -c 32", []string{"--tls", "--per-host", "0", "-c", "32"}, "HTTP/2", 1},
		{"h2 offered, --http1", []string{"--tls", "--http1", "--per-host", "8"}, "HTTP/1.1", 8},
		{"http/1.1 only site", []string{"--tls", "--h2=false", "--per-host", "8"}, "HTTP/1.1", 8},
		{"plain http", []string{"--per-host", "8"}, "HTTP/1.1", 8},
		{"plain http, no per-host limit, -c 16", []string{"--per-host", "0", "-c", "16"}, "HTTP/1.1", 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"bench", "-n", "400", "--format", "json", "--progress", "never"}, tt.args...)
			code, out, errOut := run(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var res bench.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			if res.OK != 400 || len(res.Servers) != 1 {
				t.Fatalf("ok %d, %d servers; want 400 pages from one server", res.OK, len(res.Servers))
			}
			s := res.Servers[0]
			slack := int64(1)
			if tt.most == 1 {
				slack = 0 // h2: one connection, and none closed
			}
			if s.Protocol != tt.wantProto || s.MaxOpen < 1 || s.MaxOpen > tt.most+slack || (tt.most == 1 && s.Conns != 1) {
				t.Errorf("%s, %d connections, at most %d open at once; want %s over at most %d", s.Protocol, s.Conns, s.MaxOpen, tt.wantProto, tt.most)
			}
			if strings.HasPrefix(s.URL, "https:") && (s.Handshakes < 1 || s.Handshakes > s.Conns) {
				t.Errorf("%d TLS handshakes for %d connections", s.Handshakes, s.Conns)
			}
		})
	}
}

// TestRecordSaysProto checks the record's proto: the protocol that
// answered, h2 where the server offers it unless --http1.
func TestRecordSaysProto(t *testing.T) {
	cert, err := benchsite.NewCert()
	if err != nil {
		t.Fatal(err)
	}
	site := benchsite.New(benchsite.Options{})
	start := func(cert *benchsite.Cert, h2 bool) string {
		srv := benchsite.NewServer(site, cert, h2)
		base, err := srv.Start()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		return base
	}
	h2Site, h1Site, plain := start(cert, true), start(cert, false), start(nil, false)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"h2 offered", []string{"-k", h2Site + "/page/1"}, "HTTP/2"},
		{"h2 offered, --http1", []string{"-k", "--http1", h2Site + "/page/1"}, "HTTP/1.1"},
		{"http/1.1 only site", []string{"-k", h1Site + "/page/1"}, "HTTP/1.1"},
		{"plain http", []string{plain + "/page/1"}, "HTTP/1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", append([]string{"scrape", "--progress", "never"}, tt.args...)...)
			var rec struct {
				Status int    `json:"status"`
				Proto  string `json:"proto"`
			}
			if err := json.Unmarshal([]byte(out), &rec); code != 0 || err != nil {
				t.Fatalf("exit %d, %v: %s %s", code, err, out, errOut)
			}
			if rec.Status != 200 || rec.Proto != tt.want {
				t.Errorf("status %d, proto %q; want 200 over %s", rec.Status, rec.Proto, tt.want)
			}
		})
	}
}
