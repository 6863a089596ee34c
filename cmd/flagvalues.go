package cmd

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// seconds is a flag value for durations in people's words: a plain number
// is seconds, as curl's --max-time reads it ("5", "1.5"), and Go's forms
// ("500ms", "2m", "1h30m") are accepted too. Durations are not negative.
type seconds time.Duration

func (d *seconds) String() string {
	if *d == 0 {
		return "0" // pflag shows no default for "0"
	}
	return time.Duration(*d).String()
}

func (d *seconds) Type() string { return "duration" }

func (d *seconds) Set(s string) error {
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
	*d = seconds(dur)
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

// minRate is the lowest rate a flag accepts: one request a day. A lower
// one would hold the next request back for longer than any run lasts.
const minRate = 1.0 / (24 * 60 * 60)

// perSecond is a flag value for a rate, kept in requests per second: "10"
// and "10/s" are ten a second, "600/m" and "36000/h" the same, "1/d" one a
// day, the lowest; each unit may be spelled out (rateUnits). 0 means no
// limit.
type perSecond float64

// rateUnits are the seconds in each unit a rate may be given per.
var rateUnits = map[string]float64{
	"": 1, "s": 1, "sec": 1, "second": 1,
	"m": 60, "min": 60, "minute": 60,
	"h": 3600, "hour": 3600,
	"d": 86400, "day": 86400,
}

func (r *perSecond) String() string { return strconv.FormatFloat(float64(*r), 'g', -1, 64) }

func (r *perSecond) Type() string { return "rate" }

func (r *perSecond) Set(s string) error {
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
	if v == 0 && strings.Trim(num, "0.") != "" || v > 0 && v < minRate {
		return fmt.Errorf("%q is below the lowest rate, 1/d (one request a day): the next request would wait longer than any run", s)
	}
	*r = perSecond(v)
	return nil
}

// proxyURL is a flag value for a proxy as curl's -x takes it: a URL whose
// scheme is http, https, socks5 or socks5h (those Go's Transport supports);
// "host:port" alone means http.
type proxyURL struct{ u *url.URL }

func (p *proxyURL) String() string {
	if p.u == nil {
		return ""
	}
	return p.u.Redacted()
}

func (p *proxyURL) Type() string { return "URL" }

func (p *proxyURL) Set(s string) error {
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
