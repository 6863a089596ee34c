// Package flagvalue holds the pflag values fanout's flags share: the
// forms in which people write durations, rates, sizes, proxies and header
// lines, and the rules that check them. Each type's Set says in plain words
// what it takes when a value is refused (the command adds the flag's
// name); none prints or exits.
package flagvalue

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/fanout-dev/fanout/record"
)

// Duration is a flag value for durations in people's words: a plain number
// is seconds, as curl's --max-time reads it ("5", "1.5"), and Go's forms
// ("500ms", "2m", "1h30m") are accepted too. Durations are not negative.
type Duration time.Duration

func (d *Duration) String() string {
	if *d == 0 {
		return "0" // pflag shows no default for "0"
	}
	return time.Duration(*d).String()
}

func (d *Duration) Type() string { return "duration" }

func (d *Duration) Set(s string) error {
	v := strings.TrimSpace(s)
	var dur time.Duration
	if isDecimal(v) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f*float64(time.Second) > math.MaxInt64 {
			return fmt.Errorf("%q seconds is too long", s)
		}
		dur = time.Duration(math.Round(f * float64(time.Second)))
	} else {
		var err error
		if dur, err = time.ParseDuration(v); err != nil {
			return fmt.Errorf("%q is not a duration such as 5 (seconds), 1.5, 500ms, 2m or 1h30m", s)
		}
		if dur < 0 {
			return fmt.Errorf("%q is negative", s)
		}
	}
	*d = Duration(dur)
	return nil
}

// isDecimal reports whether s is digits with at most one '.' among them:
// no sign, exponent, "inf" or "NaN".
func isDecimal(s string) bool {
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// MinRate is the lowest rate a flag accepts: one request a day. A lower
// one would hold the next request back for longer than any run lasts.
const MinRate = 1.0 / (24 * 60 * 60)

// Rate is a flag value for a rate, kept in requests per second: "10"
// and "10/s" are ten a second, "600/m" and "36000/h" the same, "1/d" one a
// day, the lowest; each unit may be spelled out (rateUnits). 0 means no
// limit.
type Rate float64

// rateUnits are the seconds in each unit a rate may be given per.
var rateUnits = map[string]float64{
	"": 1, "s": 1, "sec": 1, "second": 1,
	"m": 60, "min": 60, "minute": 60,
	"h": 3600, "hour": 3600,
	"d": 86400, "day": 86400,
}

func (r *Rate) String() string { return strconv.FormatFloat(float64(*r), 'g', -1, 64) }

func (r *Rate) Type() string { return "rate" }

func (r *Rate) Set(s string) error {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), "/")
	per, ok := rateUnits[strings.ToLower(strings.TrimSpace(unit))]
	num = strings.TrimSpace(num)
	if !ok || !isDecimal(num) {
		return fmt.Errorf("%q is not a rate such as 10 (per second), 10/s, 600/m, 100/h or 5/day (units: s, sec, m, min, h, hour, d, day)", s)
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return fmt.Errorf("%q is too large a rate", s)
	}
	v := n / per
	if v == 0 && strings.Trim(num, "0.") != "" || v > 0 && v < MinRate {
		return fmt.Errorf("%q is below the lowest rate, 1/d (one request a day): the next request would wait longer than any run", s)
	}
	*r = Rate(v)
	return nil
}

// Proxy is a flag value for a proxy as curl's -x takes it: a URL whose
// scheme is http, https, socks5 or socks5h (those Go's Transport supports);
// "host:port" alone means http.
type Proxy struct{ u *url.URL }

func (p *Proxy) String() string {
	if p.u == nil {
		return ""
	}
	return p.u.Redacted()
}

func (p *Proxy) Type() string { return "URL" }

// URL is the proxy's URL, password included, or nil when none was set.
func (p *Proxy) URL() *url.URL { return p.u }

func (p *Proxy) Set(s string) error {
	v := strings.TrimSpace(s)
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	shown := s // never its password (record.RedactURL's rule)
	if err == nil {
		shown = u.Redacted()
	}
	bad := fmt.Errorf("%q is not a proxy URL such as http://127.0.0.1:3128 or socks5://127.0.0.1:1080", shown)
	if err != nil || u.Host == "" || u.Hostname() == "" || strings.HasSuffix(u.Host, ":") {
		return bad
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return fmt.Errorf("proxy scheme %q is not supported: use http, https, socks5 or socks5h", u.Scheme)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad
		}
	}
	p.u = u
	return nil
}

// Bytes is a flag value for sizes: 4096, 512K, 4MiB, 1GB (K, M, G are
// binary multiples, with or without "i" and "B").
type Bytes int64

func (b *Bytes) String() string {
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

func (b *Bytes) Type() string { return "bytes" }

func (b *Bytes) Set(s string) error {
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
	*b = Bytes(n * mult)
	return nil
}

// Headers is a repeatable flag value for "Name: value" header lines.
type Headers struct{ h http.Header }

func (l *Headers) String() string {
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

// Redacted is String with the values of credential headers replaced
// (record.RedactHeader), for what is shown or shared.
func (l *Headers) Redacted() string {
	var parts []string
	for k, vs := range l.h {
		for _, v := range vs {
			parts = append(parts, k+": "+record.RedactHeader(k, v))
		}
	}
	return strings.Join(parts, ", ")
}

func (l *Headers) Type() string { return "'Name: value'" }

// Header is the headers set, nil when none was.
func (l *Headers) Header() http.Header { return l.h }

// Set adds one header line. A name that is not an HTTP token, or a value
// with a control character, is refused here, as a usage error, rather than
// failing every request. "Host: …" sets the requests' Host.
func (l *Headers) Set(s string) error {
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
