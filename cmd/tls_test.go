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
			if s.Conns < 1 || (tt.tls && s.Handshakes != s.Conns) || (!tt.tls && s.Handshakes != 0) {
				t.Errorf("%d connections, %d TLS handshakes: want one handshake per TLS connection", s.Conns, s.Handshakes)
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
	streams, _, _ := TestStreams("")
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
	if data, _ := os.ReadFile(file); code != ExitUsage || string(data) != "mine\n" || !strings.Contains(errOut, "not overwritten") {
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
