package fetcher

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// splitHeader takes the user's Host header out of h (the Transport ignores a
// Host in the header map: it belongs in Request.Host) and reports whether h
// sets Accept-Encoding. h itself is not modified.
func splitHeader(h http.Header) (rest http.Header, host string, userEncoding bool) {
	if h == nil {
		return nil, "", false
	}
	rest = h.Clone()
	host = rest.Get("Host")
	delete(rest, "Host")
	_, userEncoding = rest["Accept-Encoding"]
	return rest, host, userEncoding
}

// DecodedEncodings are the Content-Encodings the fetcher decodes (it asks
// for gzip unless the user's -H sets Accept-Encoding). A body in another
// encoding is read and counted as sent, without a title.
var DecodedEncodings = []string{"gzip", "x-gzip", "deflate", "identity"}

// Undecoded are the encodings that the Accept-Encoding of h asks for and
// the fetcher does not decode (DecodedEncodings), in order: bodies sent in
// them get no title, and their size is as sent.
func Undecoded(h http.Header) []string {
	var unknown []string
	for _, v := range h.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			enc, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			enc = strings.ToLower(strings.TrimSpace(enc))
			if enc != "" && enc != "*" && !slices.Contains(DecodedEncodings, enc) {
				unknown = append(unknown, enc)
			}
		}
	}
	return unknown
}

// decoded returns resp's body decoded, and whether its encoding is known
// (the body is then what the page says, and titles can be read from it).
// Every request says Accept-Encoding itself (gzip, or the user's), so no
// Transport decodes a body: this is the one place bodies are decoded.
func (f *Fetcher) decoded(resp *http.Response) (io.Reader, bool, error) {
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return resp.Body, true, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err == io.EOF {
			// No byte at all: a HEAD's answer, a 204 or 304, a length of 0 (a
			// HEAD gets a GET's headers). Empty, as net/http's Transport read it.
			return resp.Body, true, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("gzip body: %w", err)
		}
		return zr, true, nil
	case "deflate":
		zr, err := inflate(resp.Body)
		if err != nil {
			return nil, false, fmt.Errorf("deflate body: %w", err)
		}
		return zr, true, nil
	default:
		return resp.Body, false, nil
	}
}

// inflate decodes a body labelled Content-Encoding: deflate. RFC 9110 says
// that is zlib (RFC 1950), but some servers send raw deflate (RFC 1951),
// which curl and browsers also decode: a body whose first two bytes are not
// a zlib header (compression method 8, a header checksum that divides by
// 31) is read as raw deflate.
func inflate(body io.Reader) (io.Reader, error) {
	br := bufio.NewReader(body)
	head, err := br.Peek(2)
	switch {
	case len(head) == 0 && err == io.EOF:
		return br, nil // an empty body is empty in any encoding
	case len(head) < 2 && err == io.EOF:
		return nil, io.ErrUnexpectedEOF
	case len(head) < 2:
		return nil, err
	}
	if head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}
