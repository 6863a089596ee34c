package cmd

import (
	"strings"

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
