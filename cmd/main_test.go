package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/fanout-dev/fanout/internal/dnstest"
	"github.com/fanout-dev/fanout/internal/iostreams"
)

// The harness of cmd's tests: every test runs fanout as a user would,
// through Execute, over buffers.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// run runs fanout with args and stdin, as a user would, and returns its exit
// status, stdout and stderr. scrape, bench and sitemap always get --resolver naming a
// DNS server of the test's own on 127.0.0.1, so that no test can send a DNS
// query anywhere else.
func run(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runDNS(t, dnstest.Start(t), stdin, args...)
}

// runDNS is run with the test's DNS server given.
func runDNS(t testing.TB, dns *dnstest.Server, stdin string, args ...string) (int, string, string) {
	t.Helper()
	if len(args) > 0 && (args[0] == "scrape" || args[0] == "bench" || args[0] == "sitemap" || args[0] == "crawl") {
		args = append([]string{args[0], "--resolver", dns.Addr}, args[1:]...)
	}
	streams, out, errOut := testStreams(stdin)
	code := Execute(context.Background(), streams, args)
	return code, out.String(), errOut.String()
}

// testStreams returns streams over buffers.
func testStreams(in string) (*iostreams.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &iostreams.IOStreams{In: bytes.NewBufferString(in), Out: out, ErrOut: errOut}, out, errOut
}

// writeFile writes text to name in a temporary directory and returns its
// path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
