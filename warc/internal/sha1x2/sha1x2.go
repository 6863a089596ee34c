// Package sha1x2 computes two SHA-1 sums over one stream of bytes: one
// of every byte, and one of the bytes from a point on (a WARC response
// record's block digest and its payload digest, the bytes after the HTTP
// header). On amd64 with the SHA extensions both are computed in the same
// pass, their rounds interleaved, for little more than the time of one
// (the rounds are Go's own, see LICENSE-go); elsewhere, and with the
// purego build tag, by crypto/sha1, one after the other.
package sha1x2

import (
	"crypto/sha1"
	"encoding/binary"
	"hash"
)

// Size is the size of a SHA-1 sum in bytes.
const Size = sha1.Size

// Pair is the two sums of one stream: All of every byte written, Tail of
// the bytes written with WriteBoth. Write every byte before the point with
// Write, then the rest with WriteBoth. The zero value is not ready: use
// New, then Reset between streams.
type Pair struct {
	all, tail lane
	started   bool // WriteBoth was called: Tail has begun
	// Without the SHA extensions:
	slowAll, slowTail hash.Hash
}

// lane is one SHA-1 computation: its state, the bytes of its next block
// not yet hashed, the bytes written.
type lane struct {
	h   [5]uint32
	x   [64]byte
	nx  int
	len uint64
}

var initial = [5]uint32{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0}

// New returns a Pair ready for a stream.
func New() *Pair {
	p := &Pair{}
	if !fast {
		p.slowAll, p.slowTail = sha1.New(), sha1.New()
	}
	p.Reset()
	return p
}

// Reset makes p ready for a new stream.
func (p *Pair) Reset() {
	p.all = lane{h: initial}
	p.tail = lane{h: initial}
	p.started = false
	if !fast {
		p.slowAll.Reset()
		p.slowTail.Reset()
	}
}

// Write adds b to All only: bytes before the point where Tail begins.
func (p *Pair) Write(b []byte) {
	if !fast {
		p.slowAll.Write(b)
		return
	}
	p.all.write(b, nil)
}

// WriteBoth adds b to both sums.
func (p *Pair) WriteBoth(b []byte) {
	p.started = true
	if !fast {
		p.slowAll.Write(b)
		p.slowTail.Write(b)
		return
	}
	p.all.write(b, &p.tail)
}

// Started reports whether WriteBoth was called since the last Reset.
func (p *Pair) Started() bool { return p.started }

// Sums appends the SHA-1 of every byte written to all, and of the bytes
// written with WriteBoth to tail; p is unchanged.
func (p *Pair) Sums(all, tail []byte) ([]byte, []byte) {
	if !fast {
		return p.slowAll.Sum(all), p.slowTail.Sum(tail)
	}
	a, t := p.all, p.tail
	return a.sum(all), t.sum(tail)
}

// write adds b to l, and when other is not nil to other too, hashing the
// two lanes' whole blocks together.
func (l *lane) write(b []byte, other *lane) {
	l.len += uint64(len(b))
	rest, ready := l.fill(b)
	if other == nil {
		if ready {
			single(l, l.x[:])
		}
		n := len(rest) &^ 63
		single(l, rest[:n])
		l.nx += copy(l.x[l.nx:], rest[n:])
		return
	}
	other.len += uint64(len(b))
	orest, oready := other.fill(b)
	switch {
	case ready && oready:
		block2(&l.h, &other.h, l.x[:], other.x[:])
	case ready:
		single(l, l.x[:])
	case oready:
		single(other, other.x[:])
	}
	n := min(len(rest), len(orest)) &^ 63
	block2(&l.h, &other.h, rest[:n], orest[:n])
	rest, orest = rest[n:], orest[n:]
	m, om := len(rest)&^63, len(orest)&^63
	single(l, rest[:m])
	single(other, orest[:om])
	l.nx += copy(l.x[l.nx:], rest[m:])
	other.nx += copy(other.x[other.nx:], orest[om:])
}

// fill completes l's pending block from b when it holds a partial one:
// what is left of b, and whether l.x is now a whole block to hash. A
// partial block that b does not complete takes all of b.
func (l *lane) fill(b []byte) (rest []byte, ready bool) {
	if l.nx == 0 {
		return b, false
	}
	n := copy(l.x[l.nx:], b)
	l.nx += n
	if l.nx < 64 {
		return nil, false
	}
	l.nx = 0
	return b[n:], true
}

// single hashes whole blocks of one lane (the other lane's work is
// thrown away).
func single(l *lane, b []byte) {
	if len(b) > 0 {
		var spare [5]uint32
		block2(&l.h, &spare, b, b)
	}
}

// sum appends l's SHA-1 to out, padding a copy of l.
func (l lane) sum(out []byte) []byte {
	var pad [72]byte
	pad[0] = 0x80
	n := 1 + (55-int(l.len%64)+64)%64
	binary.BigEndian.PutUint64(pad[n:], l.len<<3)
	l.write(pad[:n+8], nil)
	for _, v := range l.h {
		out = binary.BigEndian.AppendUint32(out, v)
	}
	return out
}
