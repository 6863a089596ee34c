package sitemap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"unicode/utf8"
)

// decodeText reads a text sitemap (sitemaps.org: one URL a line, UTF-8)
// from br and calls each for every line that is not blank. A line that is
// no absolute http(s) URL, or is not UTF-8, is flawed (notURL), and so is
// one longer than maxLoc (longLoc, skipped without being held). A file
// with no URL at all is no sitemap: an HTML page or a message sent in its
// place.
func decodeText(br *bufio.Reader, maxURLs int, each func(kind, Entry, flaw) error) error {
	n, bad := 0, 0
	for {
		line, long, err := readLine(br)
		if err != nil && err != io.EOF {
			return err
		}
		line = bytes.TrimSpace(line)
		f := noFlaw
		switch {
		case long:
			f = longLoc
		case len(line) == 0:
		case !isHTTPURL(line):
			f, bad = notURL, bad+1
		}
		if long || len(line) > 0 {
			if f == noFlaw {
				if n == maxURLs {
					return &LimitError{What: fmt.Sprintf("%d entries", maxURLs)}
				}
				n++
			}
			if cerr := each(text, Entry{Loc: string(line)}, f); cerr != nil {
				return cerr
			}
		}
		if err == io.EOF {
			break
		}
	}
	if n == 0 && bad > 0 {
		return errors.New("not a sitemap: neither XML nor lines of http(s) URLs")
	}
	return nil
}

// readLine reads one line from br, without its end. A line longer than
// maxLoc is read to its end without being held: long is true and line is
// nil.
func readLine(br *bufio.Reader) (line []byte, long bool, err error) {
	var buf []byte
	for {
		part, err := br.ReadSlice('\n')
		if !long {
			if len(buf)+len(part) > maxLoc+2 { // room for "\r\n"
				long, buf = true, nil
			} else {
				buf = append(buf, part...)
			}
		}
		if err != bufio.ErrBufferFull {
			if !long {
				buf = bytes.TrimRight(buf, "\r\n")
				long = len(buf) > maxLoc
			}
			if long {
				return nil, true, err
			}
			return buf, false, err
		}
	}
}

// isHTTPURL reports whether line is valid UTF-8 and an absolute http or
// https URL with a host.
func isHTTPURL(line []byte) bool {
	if !utf8.Valid(line) {
		return false
	}
	u, err := url.Parse(string(line))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
