package cmd

import (
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/fanout-dev/fanout/record"
)

// byteSize is a flag value for sizes: 4096, 512K, 4MiB, 1GB (K, M, G are
// binary multiples, with or without "i" and "B").
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Type() string { return "bytes" }

func (b *byteSize) Set(s string) error {
	v := strings.ToUpper(strings.TrimSpace(s))
	v = strings.TrimSuffix(strings.TrimSuffix(v, "B"), "I")
	mult := int64(1)
	switch {
	case strings.HasSuffix(v, "K"):
		mult, v = 1<<10, strings.TrimSuffix(v, "K")
	case strings.HasSuffix(v, "M"):
		mult, v = 1<<20, strings.TrimSuffix(v, "M")
	case strings.HasSuffix(v, "G"):
		mult, v = 1<<30, strings.TrimSuffix(v, "G")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size such as 4096, 512K or 4MiB", s)
	}
	*b = byteSize(n * mult)
	return nil
}

// headerList is a repeatable flag value for "Name: value" header lines.
type headerList struct{ h http.Header }

func (l *headerList) String() string {
	if l.h == nil {
		return ""
	}
	var parts []string
	for k, vs := range l.h {
		for _, v := range vs {
			parts = append(parts, k+": "+v)
		}
	}
	return strings.Join(parts, ", ")
}

// redacted is String with the values of credential headers replaced
// (record.RedactHeader), for what is shown or shared.
func (l *headerList) redacted() string {
	var parts []string
	for k, vs := range l.h {
		for _, v := range vs {
			parts = append(parts, k+": "+record.RedactHeader(k, v))
		}
	}
	return strings.Join(parts, ", ")
}

func (l *headerList) Type() string { return "'Name: value'" }

// Set adds one header line. A name that is not an HTTP token, or a value
// with a control character, is refused here, as a usage error, rather than
// failing every request. "Host: …" sets the requests' Host.
func (l *headerList) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return errors.New("the value is not a header line such as 'Accept: text/html' (it has no colon; it is not shown, in case it is a secret)")
	}
	if !httpguts.ValidHeaderFieldName(name) {
		return fmt.Errorf("%q is not a valid header name (letters, digits and !#$%%&'*+-.^_`|~ only)", name)
	}
	value = strings.TrimSpace(value)
	if !httpguts.ValidHeaderFieldValue(value) {
		return fmt.Errorf("header %q has a control character in its value", name)
	}
	if l.h == nil {
		l.h = http.Header{}
	}
	l.h.Add(textproto.CanonicalMIMEHeaderKey(name), value)
	return nil
}
