package extract

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// decodeBody returns body as UTF-8, its charset decided as for titles: a
// byte-order mark, contentType, a <meta> in the first 1024 bytes; else
// valid UTF-8 is UTF-8 and anything else windows-1252.
func decodeBody(body []byte, contentType string) ([]byte, error) {
	// DetermineEncoding falls back to windows-1252 (uncertain) when nothing
	// is declared; valid UTF-8 is UTF-8 then, as for titles.
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if (!certain && name == "windows-1252" || name == "utf-8") && utf8.Valid(body) {
		return body, nil
	}
	return enc.NewDecoder().Bytes(body)
}

// maxOpen is x/net/html's limit on open elements: html.Parse fails on a
// page that nests deeper.
const maxOpen = 512

// parseTree builds the tree of page, UTF-8. A page that nests more than
// maxOpen open elements, which html.Parse refuses, is cut before the
// point where its tags first nest 384 deep (then 192, 96, counting start
// and end tags as they are written), and note says what was read.
func parseTree(page []byte) (doc *html.Node, note string, err error) {
	doc, err = html.Parse(bytes.NewReader(page))
	if err == nil || !tooDeep(err) {
		return doc, "", err
	}
	for depth := maxOpen * 3 / 4; depth >= maxOpen/8; depth /= 2 {
		cut := cutAtDepth(page, depth)
		if doc, err = html.Parse(bytes.NewReader(page[:cut])); err == nil {
			return doc, fmt.Sprintf("the page nests more than %d elements (the HTML parser's limit): -e read its first %d bytes", maxOpen, cut), nil
		}
	}
	return nil, fmt.Sprintf("the page nests more than %d elements (the HTML parser's limit): -e read none of it", maxOpen), nil
}

// tooDeep reports whether err is html.Parse's refusal of a page nested
// more than maxOpen deep.
func tooDeep(err error) bool {
	return err != nil && strings.Contains(err.Error(), "open stack of elements exceeds")
}

// cutAtDepth returns the offset in page of the first tag at which tags,
// counted as written (a start tag opens one unless it is void or
// self-closing, an end tag closes one), nest depth deep; len(page) if they
// never do.
func cutAtDepth(page []byte, depth int) int {
	z := html.NewTokenizer(bytes.NewReader(page))
	off, open := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return len(page)
		case html.StartTagToken:
			name, _ := z.TagName()
			if !isVoid(string(name)) {
				open++
			}
		case html.EndTagToken:
			open = max(open-1, 0)
		}
		if open >= depth {
			return off
		}
		off += len(z.Raw())
	}
}

// treeNodeBytes and treeAttrBytes are about what html.Parse's tree takes
// per '<' of a page (a tag, or the text run after it: an html.Node is
// about 100 bytes on 64-bit, plus its strings) and per '=' (an attribute).
// Measured on 4 MiB pages, live heap per '<': 52 bytes for empty <b></b>,
// 137 for <a href>s with text; 64 bytes per attribute of tags with 14.
const (
	treeNodeBytes = 160
	treeAttrBytes = 64
)

// TreeCost estimates the bytes of memory Select's tree of body takes: the
// body once more, treeNodeBytes per '<' and treeAttrBytes per '='. A page
// of many small elements takes dozens of times its size.
func TreeCost(body []byte) int64 {
	return int64(len(body)) + int64(bytes.Count(body, []byte("<")))*treeNodeBytes +
		int64(bytes.Count(body, []byte("=")))*treeAttrBytes
}
