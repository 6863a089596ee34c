package warc

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// This file reads an HTTP/1.1 exchange held as received — the request's
// method and target, whether the response is whole — the way net/http
// reads it, without net/http's copies and allocations in the common case:
// headers of CRLF lines, plain fields, one status line. Anything else
// (a 1xx response, bare LF line ends, folded lines, a chunked body with a
// trailer, a request net/http did not write) is handed to net/http itself,
// which stays the one authority: FuzzResponseWhole and FuzzRequestLine
// check that both readings agree.

var crlf2 = []byte("\r\n\r\n")

// headerEnd is the length of msg's header up to and with its blank line
// (the first CRLF CRLF), 0 while msg does not hold it.
func headerEnd(msg []byte) int {
	if i := bytes.Index(msg, crlf2); i >= 0 {
		return i + 4
	}
	return 0
}

// requestLine is the method and target of req, a request as sent, and
// whether it holds a whole header: target is the absolute URI the request
// was for, made from scheme and its Host field when the request line gives
// only a path.
func requestLine(req []byte, scheme string) (method, target string, ok bool) {
	var uri, host string
	known := false
	if end := headerEnd(req); end > 0 {
		method, uri, host, known = plainRequest(req[:end-2])
	}
	if !known {
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(req)))
		if err != nil {
			return "", "", false
		}
		method, uri, host = r.Method, r.RequestURI, r.Host
	}
	if !strings.HasPrefix(uri, "/") && strings.Contains(uri, "://") {
		return method, uri, true // absolute form
	}
	return method, scheme + "://" + host + uri, true
}

// plainRequest reads head (a request's lines, each ending in CRLF) when
// it is in the plain form net/http writes: "METHOD TARGET HTTP/1.x" and
// fields; known is false otherwise.
func plainRequest(head []byte) (method, uri, host string, known bool) {
	line, rest, ok := cutLine(head)
	if !ok {
		return "", "", "", false
	}
	m, line, _ := bytes.Cut(line, []byte(" "))
	u, proto, _ := bytes.Cut(line, []byte(" "))
	if len(m) == 0 || !isToken(m) || len(u) == 0 || !printable(u) ||
		string(proto) != "HTTP/1.1" && string(proto) != "HTTP/1.0" {
		return "", "", "", false
	}
	var h []byte
	seen := false
	for len(rest) > 0 {
		var name, value []byte
		if line, rest, ok = cutLine(rest); !ok {
			return "", "", "", false
		}
		if name, value, ok = field(line); !ok {
			return "", "", "", false
		}
		if !seen && equalFold(name, []byte("Host")) {
			h, seen = value, true
		}
	}
	return string(m), string(u), string(h), true
}

// responseWhole reports whether resp, the bytes read for a request of
// method, hold a whole response by its own framing (Content-Length,
// chunked, or until the connection's end: whole when the peer ended it),
// as net/http's Transport reads it. end is resp's header length
// (headerEnd), 0 when not seen.
func responseWhole(resp []byte, end int, method string, peerEnded bool) bool {
	if whole, known := plainResponseWhole(resp, end, method, peerEnded); known {
		return whole
	}
	return netHTTPWhole(resp, method, peerEnded)
}

// netHTTPWhole is responseWhole by net/http itself: its Transport skips
// 1xx responses (but 101) and reads the final response's body.
func netHTTPWhole(resp []byte, method string, peerEnded bool) bool {
	br := bufio.NewReader(bytes.NewReader(resp))
	req := &http.Request{Method: method}
	for {
		r, err := http.ReadResponse(br, req)
		if err != nil {
			return false
		}
		if r.StatusCode/100 == 1 && r.StatusCode != http.StatusSwitchingProtocols {
			continue
		}
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return false
		}
		untilClose := method != http.MethodHead && r.ContentLength < 0 && len(r.TransferEncoding) == 0
		return !untilClose || peerEnded
	}
}

// plainResponseWhole is responseWhole for a response in plain form: a
// status line "HTTP/1.x NNN" and fields, CRLF lines, no 1xx status;
// known is false for any other.
func plainResponseWhole(resp []byte, end int, method string, peerEnded bool) (whole, known bool) {
	if end == 0 {
		return false, false
	}
	line, rest, ok := cutLine(resp[:end-2])
	if !ok || len(line) < 12 || string(line[:7]) != "HTTP/1." || line[7] != '0' && line[7] != '1' ||
		line[8] != ' ' || !isDigits(line[9:12]) || len(line) > 12 && line[12] != ' ' || line[9] == '1' {
		return false, false
	}
	http10, status := line[7] == '0', int(line[9]-'0')*100+int(line[10]-'0')*10+int(line[11]-'0')
	length, chunked, valid, known := framing(rest, http10)
	switch {
	case !known:
		return false, false
	case !valid:
		return false, true // net/http refuses it
	case method == http.MethodHead || status == 204 || status == 304:
		return true, true
	case chunked:
		return chunkedWhole(resp[end:])
	case length >= 0:
		return int64(len(resp)-end) >= length, true
	}
	return peerEnded, true
}

// framing reads a response's fields (lines ending in CRLF) as net/http's
// readTransfer does: the Content-Length (-1 without one), whether the body
// is chunked, and whether net/http accepts both (one Transfer-Encoding,
// chunked; Content-Length fields all the same number). known is false
// when a line is not a plain field.
func framing(fields []byte, http10 bool) (length int64, chunked, valid, known bool) {
	var cl, te []byte
	ncl, nte := 0, 0
	valid = true
	for len(fields) > 0 {
		line, rest, ok := cutLine(fields)
		if !ok {
			return 0, false, false, false
		}
		fields = rest
		name, value, ok := field(line)
		if !ok {
			return 0, false, false, false
		}
		switch {
		case equalFold(name, []byte("Content-Length")):
			if ncl++; ncl > 1 && !bytes.Equal(value, cl) {
				valid = false
			}
			cl = value
		case equalFold(name, []byte("Transfer-Encoding")):
			nte++
			te = value
		}
	}
	length = -1
	if ncl > 0 {
		n, err := strconv.ParseUint(string(cl), 10, 63)
		valid = valid && err == nil
		length = int64(n)
	}
	if nte > 0 && !http10 {
		chunked = nte == 1 && equalFold(te, []byte("chunked"))
		valid = valid && chunked
	}
	return length, chunked, valid, true
}

// chunkedWhole reports whether body holds a whole chunked body, as
// net/http's chunked reader reads it: chunk lines (size, extension) of at
// most 4,096 bytes ending in CRLF, each chunk's data followed by CRLF, the
// last chunk (size 0) followed by CRLF. known is false when the last chunk
// is followed by a trailer.
func chunkedWhole(body []byte) (whole, known bool) {
	var excess int64 // as net/http counts it: non-data bytes beyond 16 per chunk and 2 per data byte
	for {
		i := bytes.IndexByte(body, '\n')
		if i < 0 || i+1 > 4096 {
			return false, true
		}
		line := body[:i+1]
		body = body[i+1:]
		if j := bytes.IndexByte(line, '\r'); j < 0 || j != len(line)-2 {
			return false, true
		}
		line = line[:len(line)-2]
		excess += int64(len(line)) + 2
		line = bytes.TrimRight(line, " \t")
		line, _, _ = bytes.Cut(line, []byte(";"))
		n, ok := parseHex(line)
		if !ok {
			return false, true
		}
		excess -= 16 + 2*int64(n)
		excess = max(excess, 0)
		if excess > 16*1024 {
			return false, true
		}
		if n == 0 {
			switch {
			case len(body) < 2:
				return false, true
			case body[0] == '\r' && body[1] == '\n':
				return true, true
			}
			return false, false // a trailer: net/http reads it
		}
		if n > uint64(len(body)) || uint64(len(body))-n < 2 || body[n] != '\r' || body[n+1] != '\n' {
			return false, true
		}
		body = body[n+2:]
	}
}

// parseHex is a chunk size as net/http reads it: 1 to 16 hex digits.
func parseHex(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | uint64(c)
	}
	return n, true
}

// cutLine cuts the first line of b, which ends in CRLF and holds no other
// CR or LF; ok is false when it does not.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 1 || b[i-1] != '\r' || bytes.IndexByte(b[:i-1], '\r') >= 0 {
		return nil, nil, false
	}
	return b[:i-1], b[i+1:], true
}

// field is a header line's name and value (trimmed of spaces and tabs)
// when it is a plain field as net/http's textproto reads it: a token, a
// colon, bytes that a field value may hold; ok is false for anything else
// (a folded line, a malformed one), which net/http decides.
func field(line []byte) (name, value []byte, ok bool) {
	name, value, ok = bytes.Cut(line, []byte(":"))
	if !ok || len(name) == 0 || !isToken(name) {
		return nil, nil, false
	}
	for _, c := range value {
		if c < ' ' && c != '\t' || c == 0x7f {
			return nil, nil, false
		}
	}
	return name, bytes.Trim(value, " \t"), true
}

// isToken: b is made of the characters of an HTTP token (RFC 9110 5.6.2).
func isToken(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 || !tokenChar[c] {
			return false
		}
	}
	return true
}

var tokenChar = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// printable: b has no space, control character or DEL.
func printable(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// equalFold is ASCII case-insensitive equality, as HTTP compares tokens.
func equalFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
