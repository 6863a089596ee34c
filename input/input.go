// Package input turns lines of text into fetch targets as it reads them. It
// never holds more than one line: a list of any length is a stream.
package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLineBytes is the longest line read as a URL; a longer line still gets a
// target, carrying an error and the line's first MaxLineBytes bytes.
const MaxLineBytes = 64 << 10

// Target is one URL to fetch, or one line that could not be one.
type Target struct {
	// Seq is the target's 0-based position among all targets of a run; the
	// reader leaves it 0 and the run numbers targets as it takes them.
	Seq int
	// Line is the 1-based line number in its input.
	Line int
	// File names the input the line came from, when a run reads several
	// ("-" is stdin); "" when it reads one.
	File string
	// Raw is the line as given, with surrounding white space trimmed.
	Raw string
	// URL is what to fetch; nil when Err is set.
	URL *url.URL
	// Bare is true when the line named no scheme: URL is https, and http is
	// tried when https cannot connect.
	Bare bool
	// Err says why the line is not a usable http(s) URL.
	Err error
}

// ErrUTF16 is returned by Reader.Next, once, for an input that starts with a
// UTF-16 byte-order mark or whose first line is UTF-16 text without one.
var ErrUTF16 = errors.New("input is UTF-16; convert it with iconv -f UTF-16 -t UTF-8")

// Reader reads targets from lines of text. A line ends at "\n", "\r\n" or a
// lone "\r". It is not safe for concurrent use.
type Reader struct {
	br     *bufio.Reader
	line   int
	long   []byte // a line that spans reads, cut to MaxLineBytes+1 bytes
	skipLF bool   // the last line ended in '\r' at the end of the buffer
}

// NewReader returns a Reader reading lines from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the target of the next line that is neither blank nor a
// comment (starting with '#'). It returns io.EOF after the last one, and any
// other error from the underlying reader as it comes. An input in UTF-16
// gives ErrUTF16 instead of a target per line.
func (r *Reader) Next() (Target, error) {
	for {
		line, err := r.nextLine()
		if err != nil {
			return Target{}, err
		}
		if t, ok := Parse(line); ok {
			t.Line = r.line
			return t, nil
		}
	}
}

// count reads the rest of the input and counts the lines that are targets,
// by the rules Next follows, without parsing them.
func (r *Reader) count() (int64, error) {
	var n int64
	for {
		line, err := r.nextLine()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if isTarget(line) {
			n++
		}
	}
}

// nextLine returns the next line, numbered in r.line, without the
// byte-order mark that may start the input. A first line in UTF-16 gives
// ErrUTF16.
func (r *Reader) nextLine() ([]byte, error) {
	line, err := r.readLine()
	if err != nil && (err != io.EOF || line == nil) {
		return nil, err
	}
	r.line++
	if r.line == 1 {
		if isUTF16(line) {
			return nil, ErrUTF16
		}
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark
	}
	return line, nil
}

// isUTF16 reports whether a first line is UTF-16: it starts with a UTF-16
// byte-order mark, or it is ASCII text in UTF-16 (a NUL in every other byte,
// and only there).
func isUTF16(line []byte) bool {
	if bytes.HasPrefix(line, []byte("\xff\xfe")) || bytes.HasPrefix(line, []byte("\xfe\xff")) {
		return true
	}
	if len(line) < 2 {
		return false
	}
	var nul [2]int
	for i, c := range line {
		if c == 0 {
			nul[i%2]++
		}
	}
	even, odd := (len(line)+1)/2, len(line)/2
	return nul[0] == even && nul[1] == 0 || nul[1] == odd && nul[0] == 0
}

// readLine returns the next line without its end-of-line bytes, cut to
// MaxLineBytes+1 bytes (the rest of a longer line is read and dropped). The
// line is valid until the next call. At the end of input it returns nil and
// io.EOF, or the last unterminated line and io.EOF.
func (r *Reader) readLine() ([]byte, error) {
	r.long = r.long[:0]
	for {
		if _, err := r.br.Peek(1); err != nil {
			if len(r.long) > 0 {
				return r.long, err
			}
			return nil, err
		}
		b, _ := r.br.Peek(r.br.Buffered())
		if r.skipLF {
			r.skipLF = false
			if b[0] == '\n' {
				r.br.Discard(1)
				continue
			}
		}
		end := lineEnd(b)
		if end < 0 {
			r.keep(b)
			r.br.Discard(len(b))
			continue
		}
		line, n := b[:end], end+1
		if b[end] == '\r' {
			if end+1 == len(b) {
				r.skipLF = true // the '\n' of a "\r\n" may be in the next read
			} else if b[end+1] == '\n' {
				n++
			}
		}
		if len(r.long) > 0 {
			r.keep(line)
			line = r.long
		}
		r.br.Discard(n)
		return line, nil
	}
}

// lineEnd returns the index of the first '\n' or '\r' in b, or -1.
func lineEnd(b []byte) int {
	lf := bytes.IndexByte(b, '\n')
	head := b
	if lf >= 0 {
		head = b[:lf]
	}
	if cr := bytes.IndexByte(head, '\r'); cr >= 0 {
		return cr
	}
	return lf
}

// keep appends part of a line to r.long, up to MaxLineBytes+1 bytes.
func (r *Reader) keep(part []byte) {
	if room := MaxLineBytes + 1 - len(r.long); room > 0 {
		r.long = append(r.long, part[:min(len(part), room)]...)
	}
}

// isTarget reports whether a line gets a target: its first MaxLineBytes
// bytes, trimmed of white space, are neither empty nor a comment.
func isTarget(line []byte) bool {
	t := bytes.TrimSpace(line[:min(len(line), MaxLineBytes)])
	return len(t) > 0 && t[0] != '#'
}

// Parse reads one line as a target. ok is false for lines that are skipped:
// blank lines and comments.
func Parse(line []byte) (t Target, ok bool) {
	if !isTarget(line) {
		return Target{}, false
	}
	tooLong := len(line) > MaxLineBytes
	if tooLong {
		line = line[:MaxLineBytes]
	}
	s := strings.TrimSpace(string(line))
	t.Raw = s
	switch {
	case tooLong:
		t.Err = fmt.Errorf("line is longer than %d bytes", MaxLineBytes)
	case !utf8.ValidString(s):
		t.Err = errors.New("line is not valid UTF-8")
		t.Raw = strings.ToValidUTF8(s, "\uFFFD")
	default:
		t.URL, t.Bare, t.Err = parseURL(s)
	}
	return t, true
}

// parseURL accepts absolute http and https URLs, and bare hosts with an
// optional port and path ("example.com", "example.com:8080/a"), which become
// https URLs.
func parseURL(s string) (u *url.URL, bare bool, err error) {
	if err := checkShape(s); err != nil {
		return nil, false, err
	}
	if !hasScheme(s) {
		bare = true
		s = "https://" + s
	}
	u, err = url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, false, err
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, false, fmt.Errorf("unsupported scheme %q: only http and https are fetched", u.Scheme)
	}
	u.Scheme = scheme
	if err := checkHostPort(u, bare); err != nil {
		return nil, false, err
	}
	u.Fragment, u.RawFragment = "", ""
	return u, bare, nil
}

// CheckHostPort says why u, an http(s) URL parsed elsewhere (a redirect's
// Location), has a host or port fanout does not fetch, by the rules a
// line's URL follows; nil when they are fine.
func CheckHostPort(u *url.URL) error { return checkHostPort(u, false) }

func checkHostPort(u *url.URL, bare bool) error {
	if u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return errors.New("missing host")
	}
	if strings.HasSuffix(u.Host, ":") {
		return errors.New("empty port after the host's ':'")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("invalid port %q", p)
		}
	}
	return checkHost(u.Hostname(), bare)
}

// csvHint ends the error of a line that looks like a row of a table.
const csvHint = "the line looks like a CSV row: keep only its first column (cut -d, -f1)"

// checkShape refuses lines that cannot be one URL whatever follows: white
// space inside (two URLs, a CSV or TSV row, prose) and quotes around it.
func checkShape(s string) error {
	if i := spaceIndex(s); i >= 0 {
		msg := "white space inside the line: one URL per line, with spaces written as %20"
		switch {
		case s[i] == '\t':
			msg += "; the line looks like a TSV row: keep only its first column (cut -f1)"
		case strings.Contains(s[:i], ","):
			msg += "; " + csvHint
		}
		return errors.New(msg)
	}
	if s[0] == '"' || s[0] == '\'' {
		msg := "the line is in quotes: write the URL without them"
		if strings.Contains(s, "\",") || strings.Contains(s, "',") {
			msg += "; " + csvHint
		}
		return errors.New(msg)
	}
	return nil
}

// spaceIndex is strings.IndexFunc(s, unicode.IsSpace), with ASCII bytes
// checked without decoding.
func spaceIndex(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || '\t' <= c && c <= '\r':
			return i
		case c >= utf8.RuneSelf:
			if j := strings.IndexFunc(s[i:], unicode.IsSpace); j >= 0 {
				return i + j
			}
			return -1
		}
	}
	return -1
}

// IsHTTP reports whether s starts with "http://" or "https://", in any
// case (HTTP://… is a URL as much as http://…): the one test of whether a
// word is meant as a URL rather than a file or a host.
func IsHTTP(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	return ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https"))
}

// hasScheme reports whether s starts with "scheme:", where what follows the
// colon is not a port number ("localhost:8080/x" has no scheme).
func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		case c == ':':
			if i == 0 {
				return false
			}
			rest := s[i+1:]
			if strings.HasPrefix(rest, "//") {
				return true
			}
			end := strings.IndexAny(rest, "/?#")
			if end < 0 {
				end = len(rest)
			}
			_, err := strconv.Atoi(rest[:end])
			return err != nil || end == 0
		default:
			return false
		}
	}
	return false
}

// HostKey names the host a URL is fetched from: its HostName, a colon,
// and its port, the scheme's default made explicit (80 for http, 443
// otherwise); an IPv6 host is bracketed; the scheme is not part of it.
// It is the one key of a host: per-host limits and pauses, shards, the
// robots.txt cache, connections, and the report's host table all use it,
// so two spellings of one host ("bücher.example", "xn--bcher-kva.example")
// share one budget.
func HostKey(u *url.URL) string {
	if port := u.Port(); port != "" && isHostKey(u.Host, port) {
		return u.Host // already in key form: no allocation
	}
	return hostKey(u)
}

// HostName is the one form of a host name: lower case, and IDNA's ASCII
// form (xn--…) for an internationalised one; a name IDNA refuses is kept
// in lower case as it is. The DNS cache keys names by it.
func HostName(host string) string {
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			if a, err := keyProfile.ToASCII(host); err == nil {
				return a
			}
			return strings.ToLower(host)
		}
	}
	return strings.ToLower(host)
}

// keyProfile is HostName's IDNA profile, made once (it is read-only).
var keyProfile = hostProfile()

// isHostKey reports whether host, which ends in ":"+port, is as hostKey
// would write it: lower-case ASCII, and one colon unless bracketed.
func isHostKey(host, port string) bool {
	for i := 0; i < len(host); i++ {
		if c := host[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return host[0] == '[' || strings.IndexByte(host, ':') == len(host)-len(port)-1
}

func hostKey(u *url.URL) string {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "443"
		if strings.EqualFold(u.Scheme, "http") {
			port = "80"
		}
	}
	if strings.Contains(host, ":") {
		return "[" + strings.ToLower(host) + "]:" + port
	}
	return HostName(host) + ":" + port
}
