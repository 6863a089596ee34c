package extract

import (
	"bufio"
	"io"
	"sync"

	"golang.org/x/net/html"
)

// tokens is a tokenizer over one page and the hugeTokens that resumes it,
// recycled from page to page: html.NewTokenizer allocates a 4 KiB buffer
// (and a map) for every page, which was the largest allocation per request
// in a scrape, and x/net/html has no way to reset a Tokenizer. A copy of
// a Tokenizer as NewTokenizer made it is one, though: every field goes
// back to its first value, and the buffer's memory, which the copy holds
// with nothing in it, is written again from its start. A Tokenizer holds
// no pointer to itself, so its copy is a whole one.
type tokens struct {
	z     *html.Tokenizer // &own, or the tokenizer a resume made
	huge  hugeTokens
	own   html.Tokenizer
	fresh html.Tokenizer // own as NewTokenizer made it, reading src
	src   source
}

// source is what a pooled tokenizer reads: the page of the moment.
type source struct{ r io.Reader }

func (s *source) Read(p []byte) (int, error) { return s.r.Read(p) }

var tokenizers = sync.Pool{New: func() any { return newTokens() }}

func newTokens() *tokens {
	t := new(tokens)
	t.fresh = *html.NewTokenizer(&t.src)
	t.fresh.SetMaxBuf(MaxTokenBytes)
	return t
}

// getTokens returns a tokenizer over src, in t.z, and the hugeTokens that
// resumes it, in t.huge. The caller calls t.release when it no longer
// needs either, nor any byte slice they gave.
func getTokens(src io.Reader) *tokens {
	t := tokenizers.Get().(*tokens)
	t.reset(src)
	return t
}

// reset makes t a tokenizer over src, as html.NewTokenizer would, whatever
// it read before.
func (t *tokens) reset(src io.Reader) {
	in, ok := src.(*bufio.Reader)
	if !ok {
		in = bufio.NewReader(src)
	}
	t.src.r = in
	t.own = t.fresh
	t.z = &t.own
	t.huge = hugeTokens{in: in, tail: t.huge.tail[:0]}
}

// release puts t back for the next page, holding nothing of this one's
// source.
func (t *tokens) release() {
	t.src.r, t.z, t.huge.in = nil, nil, nil
	t.own = html.Tokenizer{}
	tokenizers.Put(t)
}
