package cmd

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/resolve"
)

// resolverList is a repeatable flag value for DNS servers: an IP address
// with an optional port, kept as host:port.
type resolverList []string

func (l *resolverList) String() string { return strings.Join(*l, ",") }

func (l *resolverList) Type() string { return "ADDR" }

func (l *resolverList) Repeated() []string { return *l }

func (l *resolverList) Set(s string) error {
	addr, err := resolve.ServerAddr(strings.TrimSpace(s))
	if err != nil {
		return err
	}
	*l = append(*l, addr)
	return nil
}

// encodingWarning says what happens to bodies when the user's -H sets
// Accept-Encoding to an encoding fanout does not decode: Go's Transport then
// leaves every body as sent, and fanout decodes only gzip and deflate. It
// returns "" when there is nothing to say.
func encodingWarning(h http.Header) string {
	unknown := fetcher.Undecoded(h)
	if len(unknown) == 0 {
		return ""
	}
	return fmt.Sprintf("fanout: note: -H Accept-Encoding asks for %s, which fanout does not decode: "+
		"such bodies get no title, and size counts their bytes as sent (gzip and deflate are decoded)", strings.Join(unknown, ", "))
}

// warnEncoding prints encodingWarning's note on errOut, if any.
func warnEncoding(h http.Header, errOut io.Writer) {
	if w := encodingWarning(h); w != "" {
		fmt.Fprintln(errOut, w)
	}
}
