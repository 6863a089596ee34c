package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/internal/benchsite"
)

// ServeOptions are the flags of fanout serve.
type ServeOptions struct {
	IO     *IOStreams
	Listen []string
	Site   benchsite.Options
	PageSz byteSize
}

// NewCmdServe returns the serve command: the bench site as a separate
// process, on loopback addresses only, for benchmarks that must not share
// a process with the server.
func NewCmdServe(streams *IOStreams) *cobra.Command {
	opts := &ServeOptions{IO: streams, PageSz: 2048}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the bench site on loopback addresses until stopped (for fanout bench --target)",
		Long: "Serve the bench site (the pages fanout bench fetches) on loopback addresses until stopped.\n" +
			"Its paths:\n\n" + serveEndpoints(),
		Example: "  fanout serve --listen 127.0.0.1:9001 --listen 127.0.0.1:9002 --latency 100ms &\n" +
			"  fanout bench --target 'http://127.0.0.1:9001/page/{n}' --target 'http://127.0.0.1:9002/page/{n}'",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Site.PageSize = int(opts.PageSz)
			return serveRun(c.Context(), opts)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&opts.Listen, "listen", []string{"127.0.0.1:8080"}, "loopback address to serve on, repeatable")
	f.Var((*seconds)(&opts.Site.Latency), "latency", "delay before each page")
	f.Var((*seconds)(&opts.Site.Jitter), "jitter", "plus a uniform random delay up to this")
	f.Var(&opts.PageSz, "page-size", "bytes of each page")
	f.Float64Var(&opts.Site.ErrorRate, "error-rate", 0, "share of pages answered 500")
	f.Float64Var(&opts.Site.DropRate, "drop-rate", 0, "share of connections dropped")
	f.IntVar(&opts.Site.Pieces, "pieces", 0, "send every body in flushed pieces of at most N bytes, as a real network splits it (0: whole)")
	f.Var((*seconds)(&opts.Site.Gap), "gap", "with --pieces, the pause between pieces")
	f.BoolVar(&opts.Site.RecordTime, "arrivals", false, "at exit, report the most requests that arrived within any one second")
	setFlagHelp(c, nil, nil)
	return c
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	if opts.Site.Pieces < 0 || opts.Site.Gap < 0 {
		return usageErr("--pieces and --gap must not be negative")
	}
	opts.Site.Lean = true
	site := benchsite.New(opts.Site)
	var servers []*http.Server
	errs := make(chan error, len(opts.Listen))
	for _, addr := range opts.Listen {
		host, _, err := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return usageErr("--listen %q: only loopback addresses (127.0.0.0/8, ::1, localhost) are served", addr)
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return &ExitError{Code: ExitFailure, Err: err}
		}
		srv := &http.Server{Handler: site, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		fmt.Fprintf(opts.IO.ErrOut, "fanout: serving the bench site on http://%s/page/{n}\n", l.Addr())
		go func() { errs <- srv.Serve(l) }()
	}
	select {
	case <-ctx.Done():
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			return &ExitError{Code: ExitFailure, Err: err}
		}
	}
	for _, srv := range servers {
		srv.Close()
	}
	fmt.Fprintf(opts.IO.ErrOut, "fanout: served %d requests\n", site.Requests())
	if opts.Site.RecordTime {
		fmt.Fprintf(opts.IO.ErrOut, "fanout: at most %d requests arrived within one second\n", site.MostInWindow(time.Second))
	}
	return nil
}
