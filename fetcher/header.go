package fetcher

import (
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
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

// DecodedEncodings are the Content-Encodings the fetcher decodes itself when
// the user's -H sets Accept-Encoding (Go's Transport then leaves the body as
// sent). A body in another encoding is read and counted as sent, without a
// title.
var DecodedEncodings = []string{"gzip", "x-gzip", "deflate", "identity"}

// decoded returns resp's body decoded, and whether its encoding is known
// (the body is then what the page says, and titles can be read from it).
// Without a user Accept-Encoding, the Transport already decoded gzip.
func (f *Fetcher) decoded(resp *http.Response) (io.Reader, bool, error) {
	if !f.userEncoding {
		return resp.Body, true, nil
	}
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return resp.Body, true, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, false, fmt.Errorf("gzip body: %w", err)
		}
		return zr, true, nil
	case "deflate":
		zr, err := zlib.NewReader(resp.Body)
		if err != nil {
			return nil, false, fmt.Errorf("deflate body: %w", err)
		}
		return zr, true, nil
	default:
		return resp.Body, false, nil
	}
}
