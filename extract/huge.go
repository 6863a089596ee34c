package extract

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"golang.org/x/net/html"
)

// hugeTokens lets a pass over a page go on after a token over
// MaxTokenBytes, where the tokenizer gives up (an inline script of a few
// mebibytes, such as __NEXT_DATA__, is common): it follows the tokens as
// they go by, and when the tokenizer fails it skips the rest of the huge
// token in the source and starts a new tokenizer after it. The huge token
// itself is lost; memory stays within MaxTokenBytes.
type hugeTokens struct {
	in      *bufio.Reader // what the tokenizer reads
	prev    html.TokenType
	prevRaw [4]byte // the first bytes of the previous token
	rawText string  // the element whose raw text comes next (script, style…), "" if none
	tail    []byte  // the last bytes of that raw text so far: its end tag may begin there
}

// rawTextElements are the elements whose content the tokenizer reads as
// raw text, up to their end tag.
var rawTextElements = map[string]bool{
	"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true,
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
}

// saw notes the token z just gave; rawText is true when it is a start tag
// whose content the tokenizer will read as raw text.
func (h *hugeTokens) saw(tt html.TokenType, z *html.Tokenizer, rawText bool) {
	if tt == html.TextToken && h.rawText != "" {
		h.prev = tt // the raw text itself: its element's end tag is still ahead
		raw := z.Raw()
		h.tail = append(h.tail[:0], raw[max(0, len(raw)-len("</plaintext")):]...)
		return
	}
	h.prev = tt
	h.prevRaw = [4]byte{}
	copy(h.prevRaw[:], z.Raw())
	h.rawText = ""
	if rawText {
		h.rawText = string(rawTagName(bytes.Clone(z.Raw())))
	}
}

// errHuge is z.Err() when the tokenizer gave up on a huge token.
func isHuge(err error) bool { return errors.Is(err, html.ErrBufferExceeded) }

// resume skips the rest of the token z gave up on and returns a tokenizer
// that reads on after it. What z gave last says what the token was: a
// partial tag (skipped to its '>'), or, after a partial text or comment
// token, text (to the next '<'), raw text (to its element's end tag) or a
// comment (to "-->"). err is a read error; at the end of the source the
// new tokenizer simply ends.
func (h *hugeTokens) resume(z *html.Tokenizer) (*html.Tokenizer, error) {
	partial := z.Raw()
	rest := bufio.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(z.Buffered())), h.in))
	var prefix string
	var err error
	switch {
	case len(partial) > 0: // a tag or markup declaration cut short
		err = skipTag(rest)
	case h.prev == html.CommentToken && string(h.prevRaw[:]) == "<!--":
		err = skipPast(rest, "-->")
	case h.prev == html.CommentToken || h.prev == html.DoctypeToken:
		err = skipPast(rest, ">")
	case h.rawText == "plaintext":
		_, err = io.Copy(io.Discard, rest)
	case h.rawText != "":
		// The tokenizer may have stopped inside the end tag.
		rest = bufio.NewReader(io.MultiReader(bytes.NewReader(h.tail), rest))
		err = skipPast(rest, "</"+h.rawText)
		prefix = "</" + h.rawText
	default: // text runs to the next tag
		_, err = rest.ReadBytes('<')
		prefix = "<"
	}
	if err == io.EOF {
		err = nil
	}
	h.in = rest
	nz := html.NewTokenizer(io.MultiReader(bytes.NewReader([]byte(prefix)), rest))
	nz.SetMaxBuf(MaxTokenBytes)
	h.prev, h.rawText, h.tail = html.ErrorToken, "", h.tail[:0]
	return nz, err
}

// skipPast reads br up to and including the first s, matched without
// regard to ASCII case.
func skipPast(br *bufio.Reader, s string) error {
	matched := 0
	for matched < len(s) {
		c, err := br.ReadByte()
		if err != nil {
			return err
		}
		switch {
		case lower(c) == s[matched]:
			matched++
		case lower(c) == s[0]:
			matched = 1
		default:
			matched = 0
		}
	}
	return nil
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// skipTag reads br past the '>' that ends a tag, outside quoted attribute
// values.
func skipTag(br *bufio.Reader) error {
	var quote byte
	for {
		c, err := br.ReadByte()
		switch {
		case err != nil:
			return err
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return nil
		}
	}
}
