package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/bench"
	"github.com/fanout-dev/fanout/internal/benchsite"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/flagvalue"
	"github.com/fanout-dev/fanout/internal/iostreams"
	"github.com/fanout-dev/fanout/report"
)

// ServeOptions are the flags of fanout serve.
type ServeOptions struct {
	IO     *iostreams.IOStreams
	Listen []string
	Site   benchsite.Options
	PageSz flagvalue.Bytes
	TLS    bool   // serve HTTPS with a certificate made at start
	HTTP2  bool   // with TLS, offer h2 as well as http/1.1
	CertTo string // with TLS, write the certificate (PEM) here, for SSL_CERT_FILE
}

// NewCmdServe returns the serve command: the bench site as a separate
// process, on loopback addresses only, for benchmarks that must not share
// a process with the server.
func NewCmdServe(streams *iostreams.IOStreams) *cobra.Command {
	opts := &ServeOptions{IO: streams, PageSz: 2048, HTTP2: true}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the bench site on loopback addresses until stopped (for fanout bench --target)",
		Long: "Serve the bench site (the pages fanout bench fetches) on loopback addresses until stopped.\n" +
			"Its paths:\n\n" + serveEndpoints(),
		Example: "  fanout serve --listen 127.0.0.1:9001 --listen 127.0.0.1:9002 --latency 100ms &\n" +
			"  fanout bench --target 'http://127.0.0.1:9001/page/{n}' \\\n" +
			"    --target 'http://127.0.0.1:9002/page/{n}'\n" +
			"  fanout serve --tls --cert-file site.pem --listen 127.0.0.1:9443 &\n" +
			"  SSL_CERT_FILE=site.pem fanout bench --target 'https://127.0.0.1:9443/page/{n}'\n" +
			"  fanout serve --site-pages 10000 --latency 20ms &\n" +
			"  fanout crawl http://127.0.0.1:8080/site/p/0 --per-host 64 -c 64 -q -f text",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Site.PageSize = int(opts.PageSz)
			return serveRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&opts.Listen, "listen", []string{"127.0.0.1:8080"}, "loopback address to serve on, repeatable")
	f.Var((*flagvalue.Duration)(&opts.Site.Latency), "latency", "delay before each page")
	f.IntVar(&opts.Site.GraphPages, "site-pages", 10_000, "pages of the site graph under /site/ (/site/p/0 links on: relative and absolute links, <base>, redirects, 404s, a calendar trap, nofollow, a robots.txt section), for fanout crawl")
	f.Var((*flagvalue.Duration)(&opts.Site.Jitter), "jitter", "plus a uniform random delay up to this")
	f.Var(&opts.PageSz, "page-size", "bytes of each page")
	f.Float64Var(&opts.Site.ErrorRate, "error-rate", 0, "share of pages answered 500")
	f.Float64Var(&opts.Site.DropRate, "drop-rate", 0, "share of connections dropped")
	f.IntVar(&opts.Site.Capacity, "capacity", 0, capacityHelp)
	f.IntVar(&opts.Site.Pieces, "pieces", 0, "send every body in flushed pieces of at most N bytes, as a real network splits it (0: whole)")
	f.Var((*flagvalue.Duration)(&opts.Site.Gap), "gap", "with --pieces, the pause between pieces")
	f.BoolVar(&opts.TLS, "tls", false, "serve HTTPS, with a certificate made at start (ECDSA, for 127.0.0.1, ::1 and localhost, valid a day)")
	f.BoolVar(&opts.HTTP2, "h2", opts.HTTP2, "with --tls, offer HTTP/2 as well as HTTP/1.1 (--h2=false: HTTP/1.1 only)")
	f.StringVar(&opts.CertTo, "cert-file", "", "with --tls, write the certificate (PEM) to this file, for clients' SSL_CERT_FILE")
	f.BoolVar(&opts.Site.RecordTime, "arrivals", false, "at exit, report the most requests that arrived within any one second")
	setFlagHelp(c, nil, nil)
	return c
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	if opts.Site.Pieces < 0 || opts.Site.Gap < 0 || opts.Site.Capacity < 0 {
		return exit.Usagef("--pieces, --gap and --capacity must not be negative")
	}
	if opts.CertTo != "" && !opts.TLS {
		return exit.Usagef("--cert-file needs --tls")
	}
	cert, err := serveCert(opts)
	if err != nil {
		return err
	}
	scheme := "http"
	if opts.TLS {
		scheme = "https"
	}
	opts.Site.Lean = true
	site := benchsite.New(opts.Site)
	var servers []*benchsite.Server
	errs := make(chan error, len(opts.Listen))
	defer func() {
		for _, srv := range servers {
			srv.Close()
		}
	}()
	for _, addr := range opts.Listen {
		l, err := benchsite.Listen(addr)
		if errors.Is(err, benchsite.ErrNotLoopback) {
			return exit.Usagef("--listen %q: %v", addr, err)
		} else if err != nil {
			return exit.Fail(err)
		}
		srv := benchsite.NewServer(site, cert, opts.HTTP2)
		servers = append(servers, srv)
		fmt.Fprintf(opts.IO.ErrOut, "fanout: serving the bench site on %s://%s/page/{n}\n", scheme, l.Addr())
		go func() { errs <- srv.Serve(l) }()
	}
	select {
	case <-ctx.Done():
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			return exit.Fail(err)
		}
	}
	writeServed(opts, servers, site)
	return nil
}

// writeServed closes the servers and says on stderr what each saw, and
// what the site served.
func writeServed(opts *ServeOptions, servers []*benchsite.Server, site *benchsite.Site) {
	for i, srv := range servers {
		srv.Close()
		st := srv.Stats()
		fmt.Fprintf(opts.IO.ErrOut, "fanout: %s: %d connections, %d TLS handshakes (%d resumed), %d HTTP/1.1 and %d HTTP/2 requests\n",
			opts.Listen[i], st.Conns, st.Handshakes, st.Resumed, st.HTTP1, st.HTTP2)
	}
	fmt.Fprintf(opts.IO.ErrOut, "fanout: served %s\n", report.Plural(int(site.Requests()), "request"))
	if opts.Site.Capacity > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "fanout: %s\n", bench.LoadLine(opts.Site.Capacity, site.Load()))
	}
	if opts.Site.RecordTime {
		fmt.Fprintf(opts.IO.ErrOut, "fanout: at most %d requests arrived within one second\n", site.MostInWindow(time.Second))
	}
}

// serveCert makes the certificate of serve --tls (nil without it) and
// writes it to --cert-file. A file already there is replaced only when it
// holds a certificate an earlier serve wrote.
func serveCert(opts *ServeOptions) (*benchsite.Cert, error) {
	if !opts.TLS {
		return nil, nil
	}
	cert, err := benchsite.NewCert()
	if err != nil {
		return nil, exit.Fail(fmt.Errorf("making the certificate: %w", err))
	}
	if opts.CertTo == "" {
		return cert, nil
	}
	if err := cert.WriteFile(opts.CertTo); errors.Is(err, benchsite.ErrNotSiteCert) {
		return nil, exit.Usagef("--cert-file %s %v", opts.CertTo, err)
	} else if err != nil {
		return nil, exit.Fail(err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "fanout: certificate written to %s (SSL_CERT_FILE=%s trusts it)\n", opts.CertTo, opts.CertTo)
	return cert, nil
}
