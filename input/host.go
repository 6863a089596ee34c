package input

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// hostProfile maps and checks internationalised host names as a lookup does
// (UTS #46 with the Bidi rule, RFC 5891 section 5), but leaves to checkLabels
// which ASCII characters a label may hold, and does not refuse "--" in a
// label's third and fourth places: real names such as
// "r3---sn-a5m7zu7s.googlevideo.com" have it.
func hostProfile() *idna.Profile {
	return idna.New(idna.MapForLookup(), idna.BidiRule(), idna.CheckHyphens(false), idna.StrictDomainName(false))
}

// checkHost says why host, a URL's host without brackets or port, is not one
// fanout fetches. It never looks the name up. A bare host (a line with no
// scheme) must also look like one: an IP address, a name with a dot, or
// localhost, and its labels must follow RFC 1123 (no '_'), so that a line of
// prose is never sent to the resolver.
func checkHost(host string, bare bool) error {
	if strings.Contains(host, ":") {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Errorf("invalid IPv6 address %q", host)
		}
		return nil
	}
	name := strings.TrimSuffix(host, ".") // a fully qualified name may end in a dot
	if name == "" {
		return errors.New("missing host")
	}
	ascii := name
	if needsIDNA(name) {
		var err error
		if ascii, err = hostProfile().ToASCII(name); err != nil {
			return hostErr(host, "")
		}
	}
	if endsInNumber(ascii) {
		return checkIPv4(host, ascii)
	}
	if err := checkLabels(ascii, !bare); err != nil {
		return hostErr(host, err.Error())
	}
	if bare && !strings.EqualFold(ascii, "localhost") && !endsInTLD(ascii) {
		return fmt.Errorf("%q is not a host name: a line without http:// or https:// needs a name that ends in a known top-level domain (example.com), an IP address or localhost; write http:// before it to fetch it anyway", host)
	}
	return nil
}

// endsInTLD reports whether name has a dot and ends in a top-level domain:
// one in the ICANN section of the Public Suffix List
// (golang.org/x/net/publicsuffix), or a special-use name that local networks
// use: test, example, invalid, localhost (RFC 6761), local (RFC 6762),
// internal, lan, home, corp. Words from prose, code and binary files
// ("e.g.", "io.Writer", "x.go", "R.O") do not.
func endsInTLD(name string) bool {
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return false
	}
	tld := strings.ToLower(name[dot+1:])
	switch tld {
	case "test", "example", "invalid", "localhost", "local", "internal", "lan", "home", "corp":
		return true
	}
	_, icann := publicsuffix.PublicSuffix(tld)
	return icann
}

// hostErr is the error for an invalid host name; why may be empty.
func hostErr(host, why string) error {
	msg := fmt.Sprintf("invalid host name %q", host)
	if why != "" {
		msg += ": " + why
	}
	if strings.ContainsAny(host, ",;") {
		msg += "; " + csvHint
	}
	return errors.New(msg)
}

// needsIDNA reports whether name needs mapping or checking by hostProfile:
// it has a non-ASCII byte or a Punycode label ("xn--" in any case). ASCII
// letters of either case need only checkLabels.
func needsIDNA(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return true
		}
		if (i == 0 || name[i-1] == '.') && len(name)-i >= 4 && strings.EqualFold(name[i:i+4], "xn--") {
			return true
		}
	}
	return false
}

// checkLabels checks an ASCII host name (no trailing dot) against RFC 1123:
// at most 253 bytes, labels of 1 to 63 letters, digits and hyphens that
// neither start nor end with a hyphen. underscore also allows '_', which
// some names given with an explicit scheme have.
func checkLabels(name string, underscore bool) error {
	if len(name) > 253 {
		return errors.New("longer than 253 bytes")
	}
	for label := range strings.SplitSeq(name, ".") {
		switch {
		case label == "":
			return errors.New("empty label")
		case len(label) > 63:
			return errors.New("a label is longer than 63 bytes")
		case label[0] == '-' || label[len(label)-1] == '-':
			return errors.New("a label starts or ends with '-'")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' && underscore) {
				return fmt.Errorf("%q is not allowed in a host name", rune(c))
			}
		}
	}
	return nil
}

// endsInNumber reports whether name's last label is a number (decimal, or
// hexadecimal after "0x"), which makes browsers read the whole name as an
// IPv4 address (WHATWG URL, "ends in a number checker").
func endsInNumber(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	if last == "" {
		return false
	}
	if strings.HasPrefix(last, "0x") || strings.HasPrefix(last, "0X") {
		last = last[2:]
		return strings.IndexFunc(last, func(r rune) bool { return !unicode.Is(unicode.ASCII_Hex_Digit, r) }) < 0
	}
	return strings.IndexFunc(last, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// checkIPv4 accepts host only as four dotted decimal numbers without leading
// zeros. Other forms that browsers read as IPv4 (2130706433, 0x7f.1,
// 0177.0.0.1, a trailing dot) are refused with the address they stand for:
// Go's resolver would send them to DNS as names. ascii is host mapped by
// hostProfile, without its trailing dot.
func checkIPv4(host, ascii string) error {
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is4() {
		return nil
	}
	if ip, ok := whatwgIPv4(ascii); ok {
		return fmt.Errorf("%q is an IPv4 address in an ambiguous form: write it as %s", host, ip)
	}
	return fmt.Errorf("host %q ends in a number but is not an IPv4 address", host)
}

// whatwgIPv4 reads name as the WHATWG URL standard's IPv4 parser does: one to
// four parts, each decimal, octal (leading 0) or hexadecimal (0x), the last
// filling the bytes the others leave.
func whatwgIPv4(name string) (netip.Addr, bool) {
	parts := strings.Split(name, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var n uint64
	for i, p := range parts {
		v, ok := ipv4Part(p)
		last := i == len(parts)-1
		if !ok || !last && v > 255 || last && v >= 1<<(8*(5-len(parts))) {
			return netip.Addr{}, false
		}
		if last {
			n += v
		} else {
			n += v << (8 * (3 - i))
		}
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

func ipv4Part(p string) (uint64, bool) {
	base := 10
	switch {
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	if p == "" || p[0] == '+' || p[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(p, base, 32)
	return v, err == nil
}
