package fetcher

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http/httptrace"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// attemptEnd is how one attempt ended, beyond what its Result says.
type attemptEnd struct {
	retryAfter time.Duration // what a 429 or 503 asked for
	err        error         // the failure, nil when there was none
	connected  bool          // a connection was made (TLS done for https); set only when traced
	last       exchange      // the last request sent
}

// traceConnection returns ctx with a trace that sets *connected once the
// request has a connection: for https, after the TLS handshake.
func traceConnection(ctx context.Context, connected *bool) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { *connected = true },
	})
}

// fallsBack reports whether a bare host's https attempt that ended so
// should be followed by http: only when https could not connect at all
// (refused, unreachable, timed out before a connection, or the port does
// not speak TLS). A certificate that fails verification, or a TLS alert, is
// the result: a server that speaks TLS is never silently downgraded to
// plain text.
func fallsBack(res *record.Result, end attemptEnd) bool {
	if end.connected || end.err == nil {
		return false
	}
	switch res.ErrorKind {
	case record.KindConnect, record.KindTimeout:
		return true
	case record.KindTLS:
		return notTLS(end.err)
	}
	return false
}

// notTLS reports whether a TLS handshake failed because the other end does
// not speak TLS at all (its first bytes are not a TLS record, for example an
// HTTP response), as opposed to a certificate or a TLS alert.
func notTLS(err error) bool {
	var recordErr tls.RecordHeaderError
	msg := err.Error()
	return errors.As(err, &recordErr) || strings.Contains(msg, "server gave HTTP response to HTTPS client") ||
		strings.Contains(msg, "first record does not look like a TLS handshake")
}

// keepBoth puts the https attempt's error before the http one's when a bare
// host failed both ways, so that the record says why each failed. The kind
// is the http attempt's, the last one made.
func keepBoth(res *record.Result, httpsErr string) {
	if httpsErr != "" && res.Failed() && res.ErrorKind != record.KindCanceled {
		res.Error = "https: " + httpsErr + "; http: " + res.Error
	}
}
