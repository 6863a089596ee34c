package cmd

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/benchsite"
	"github.com/fanout-dev/fanout/internal/exit"
)

// opsSite is a TLS server that answers every request with body, a Server
// header and an X-Cache header, with a certificate made for the test.
func opsSite(t *testing.T, body string) (*httptest.Server, *benchsite.Cert) {
	t.Helper()
	cert, err := benchsite.NewCert()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "opsd/1.2")
		w.Header().Add("X-Cache", "HIT")
		w.Header().Add("X-Cache", "fresh")
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(body))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, cert
}

// TestOpsFields checks ip, server, tls, hash and headers against what the
// test server knows: its address, its headers, its certificate and the
// sha256 of the body it sent.
func TestOpsFields(t *testing.T) {
	body := "<title>ops</title>" + strings.Repeat("x", 5000)
	srv, cert := opsSite(t, body)
	code, out, errOut := run(t, "", "scrape", "-k", "--progress", "never", "--fields", "ip,server,tls,hash,headers",
		"--header-field", "X-Cache", "--header-field", "X-Missing", "-u", srv.URL+"/p")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rec struct {
		IP      string            `json:"ip"`
		Server  string            `json:"server"`
		Hash    string            `json:"hash"`
		Headers map[string]string `json:"headers"`
		TLS     struct {
			Version   string    `json:"version"`
			Subject   string    `json:"subject_cn"`
			Issuer    string    `json:"issuer_cn"`
			DNSNames  []string  `json:"dns_names"`
			NotBefore time.Time `json:"not_before"`
			NotAfter  time.Time `json:"not_after"`
			DaysLeft  int       `json:"days_left"`
			Verified  *bool     `json:"verified"`
		} `json:"tls"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	sum := sha256.Sum256([]byte(body))
	leaf := cert.Leaf
	if rec.IP != srv.Listener.Addr().String() || rec.Server != "opsd/1.2" || rec.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("ip %q server %q hash %q; want %s, opsd/1.2, %x", rec.IP, rec.Server, rec.Hash, srv.Listener.Addr(), sum)
	}
	if len(rec.Headers) != 1 || rec.Headers["x-cache"] != "HIT, fresh" {
		t.Errorf("headers %v; want only x-cache: HIT, fresh", rec.Headers)
	}
	tl := rec.TLS
	if tl.Subject != leaf.Subject.CommonName || tl.Issuer != leaf.Issuer.CommonName || !strings.HasPrefix(tl.Version, "TLS 1.") ||
		!tl.NotAfter.Equal(leaf.NotAfter.Truncate(time.Millisecond)) || !tl.NotBefore.Equal(leaf.NotBefore.Truncate(time.Millisecond)) {
		t.Errorf("tls %+v; want the certificate %s by %s, %s to %s", tl, leaf.Subject.CommonName, leaf.Issuer.CommonName, leaf.NotBefore, leaf.NotAfter)
	}
	if strings.Join(tl.DNSNames, " ") != strings.Join(append(leaf.DNSNames, "127.0.0.1", "::1"), " ") || tl.DaysLeft != 0 {
		t.Errorf("dns_names %v, days_left %d; want the certificate's names and 0 (it lasts a day)", tl.DNSNames, tl.DaysLeft)
	}
	if tl.Verified == nil || *tl.Verified {
		t.Errorf("verified %v with -k and a certificate no system root signed; want false", tl.Verified)
	}
}

// TestOpsFieldsCSV checks the tls object's flattened CSV columns and that
// plain HTTP leaves them empty.
func TestOpsFieldsCSV(t *testing.T) {
	srv, _ := opsSite(t, "<title>x</title>")
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()
	code, out, errOut := run(t, "", "scrape", "-k", "--progress", "never", "-f", "csv", "--fields", "tls,server",
		"-u", srv.URL+"/", "-u", plain.URL+"/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("%v; %d rows in %q", err, len(rows), out)
	}
	want := "url,line,file,tls_version,tls_cipher,tls_subject_cn,tls_issuer_cn,tls_dns_names,tls_not_before,tls_not_after,tls_days_left,tls_verified,server"
	if got := strings.Join(rows[0], ","); got != want {
		t.Errorf("header %s\nwant   %s", got, want)
	}
	for _, row := range rows[1:] {
		tlsCols := strings.Join(row[3:12], "")
		if isTLS := strings.HasPrefix(row[0], "https:"); (tlsCols != "") != isTLS || (isTLS && row[7] != "localhost 127.0.0.1 ::1") {
			t.Errorf("row %q: tls columns %q", row[0], row[3:12])
		}
	}
}

// TestMethodHead checks -X HEAD from the server's side: pages are asked
// with HEAD (redirect hops too), robots.txt with GET, and each record says
// HEAD with no title and size 0.
func TestMethodHead(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{} // path → method
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path] = r.Method
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			w.Write([]byte("User-agent: *\nDisallow: /private\n"))
		case "/moved":
			http.Redirect(w, r, "/page", http.StatusMovedPermanently)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<title>a page</title>"))
		}
	}))
	defer srv.Close()
	code, out, errOut := run(t, "", "scrape", "-X", "HEAD", "--robots", "obey", "--progress", "never", "-u", srv.URL+"/moved", "-u", srv.URL+"/private")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := map[string]string{"/robots.txt": "GET", "/moved": "HEAD", "/page": "HEAD"}; !maps.Equal(seen, want) {
		t.Errorf("server saw %v, want %v", seen, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		wantMethod := any("HEAD")
		if rec["error_kind"] == "robots" {
			wantMethod = nil // no request was made
		}
		if rec["method"] != wantMethod || rec["title"] != nil || rec["size"] != 0.0 {
			t.Errorf("record %s; want method %v, title null, size 0", line, wantMethod)
		}
	}
	if code, _, errOut := run(t, "", "scrape", "-X", "POST", "-u", srv.URL+"/"); code != exit.Usage || !strings.Contains(errOut, "--method") {
		t.Errorf("-X POST: exit %d, %q; want a usage error naming --method", code, errOut)
	}
}
