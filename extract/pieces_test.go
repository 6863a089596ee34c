package extract

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
	"time"
)

var pieceSeed = flag.Uint64("pieces.seed", 0, "seed of the random piece sizes (0: from the clock)")

// readPattern is one way a body may arrive: whole, a byte at a time, in
// pieces of a fixed size, or in pieces of random sizes.
type readPattern struct {
	name   string
	reader func(body []byte) io.Reader
}

// readPatterns returns every way the title tests read a body: whole,
// iotest.OneByteReader, iotest.HalfReader, each fixed piece size 1 to 64,
// and random piece sizes from a seed that the pattern's name reports (set
// it again with -pieces.seed).
func readPatterns(t testing.TB) []readPattern {
	seed := *pieceSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	ps := []readPattern{
		{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"OneByteReader", func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
		{"HalfReader", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
	}
	for n := 1; n <= 64; n++ {
		ps = append(ps, readPattern{fmt.Sprintf("pieces of %d", n), func(b []byte) io.Reader { return &pieceReader{b: b, size: func() int { return n }} }})
	}
	for i := range uint64(3) {
		ps = append(ps, readPattern{fmt.Sprintf("random pieces, -pieces.seed %d", seed+i), func(b []byte) io.Reader { return randomPieces(b, seed+i) }})
	}
	return ps
}

// pieceReader returns at most size() bytes a read, as a network body does.
type pieceReader struct {
	b    []byte
	size func() int
}

func (p *pieceReader) Read(buf []byte) (int, error) {
	if len(p.b) == 0 {
		return 0, io.EOF
	}
	n := copy(buf[:min(len(buf), p.size())], p.b)
	p.b = p.b[n:]
	return n, nil
}

// randomPieces reads b in pieces of 1 to 600 bytes, mostly small ones.
func randomPieces(b []byte, seed uint64) io.Reader {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &pieceReader{b: b, size: func() int {
		if rng.IntN(4) == 0 {
			return 1 + rng.IntN(600)
		}
		return 1 + rng.IntN(16)
	}}
}

// checkTitleEveryWay runs TitleOf over body read in every pattern and
// reports each pattern whose answer is not want, found.
func checkTitleEveryWay(t *testing.T, body []byte, contentType, want string, wantFound bool) {
	t.Helper()
	for _, p := range readPatterns(t) {
		got, found, err := TitleOf(p.reader(body), contentType)
		if err != nil {
			t.Errorf("%s: TitleOf error: %v", p.name, err)
			continue
		}
		if got != want || found != wantFound {
			if len(got) > 80 {
				got = got[:80] + "…"
			}
			t.Errorf("%s: TitleOf = %q, %v; want %q, %v", p.name, got, found, shorten(want), wantFound)
		}
	}
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// TestReadPatternsSplit checks the read patterns themselves: each returns
// the body unchanged, and the piece readers never return more than asked.
func TestReadPatternsSplit(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100)
	for _, p := range readPatterns(t) {
		got, err := io.ReadAll(p.reader(body))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: read %d bytes, %v; want the %d-byte body", p.name, len(got), err, len(body))
		}
	}
	r := &pieceReader{b: body, size: func() int { return 7 }}
	if n, _ := r.Read(make([]byte, 100)); n != 7 {
		t.Errorf("pieces of 7: first read %d bytes", n)
	}
}
