package fetcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/resolve"
)

// RedirectError is why a redirect was not followed.
type RedirectError struct{ Reason string }

func (e *RedirectError) Error() string { return e.Reason }

// Classify decides the Kind of a request error: the one place where errors
// become kinds. It returns "" for nil. A canceled context is record.KindCanceled;
// callers that know the run itself stopped should say so over a timeout.
func Classify(err error) record.Kind {
	if err == nil {
		return ""
	}
	var (
		redirect   *RedirectError
		resolveErr *resolve.Error
		dnsErr     *net.DNSError
		netErr     net.Error
		opErr      *net.OpError
	)
	switch {
	case errors.As(err, &redirect):
		return record.KindRedirect
	case errors.Is(err, context.Canceled):
		return record.KindCanceled
	case errors.As(err, &resolveErr): // before timeouts: a resolver's timeout is a DNS failure
		return record.KindDNS
	case isLocal(err):
		return record.KindLocal
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return record.KindTimeout
	case errors.As(err, &dnsErr):
		return record.KindDNS
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return record.KindConnect // before isTLS, which prints err: the common failure is cheap
	case isTLS(err):
		return record.KindTLS
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return record.KindConnect
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, net.ErrClosed):
		return record.KindReset
	}
	return record.KindProtocol
}

// isLocal reports whether err is this machine running out of a resource:
// file descriptors (EMFILE, ENFILE), local ports (EADDRNOTAVAIL from
// connect), buffer space or memory. No host is at fault, and retrying at
// once runs into the same wall.
func isLocal(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.ENOBUFS) ||
		errors.Is(err, syscall.ENOMEM)
}

// refused reports whether err is a refused connection: final, as curl
// treats it (a closed port is not transient).
func refused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

func isTLS(err error) bool {
	var (
		recordErr   tls.RecordHeaderError
		alertErr    tls.AlertError
		verifyErr   *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
	)
	return errors.As(err, &recordErr) || errors.As(err, &alertErr) || errors.As(err, &verifyErr) ||
		errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) ||
		strings.Contains(err.Error(), "tls: ") ||
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}
