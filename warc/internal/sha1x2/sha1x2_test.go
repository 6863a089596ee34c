package sha1x2

import (
	"bytes"
	"crypto/sha1"
	"math/rand/v2"
	"testing"
)

// check writes data to p in pieces of the sizes size gives, the first
// point bytes with Write and the rest with WriteBoth, and compares the
// sums with crypto/sha1's.
func check(t testing.TB, p *Pair, data []byte, point int, size func() int) {
	t.Helper()
	p.Reset()
	for i := 0; i < len(data); {
		n := min(size(), len(data)-i)
		if i < point {
			n = min(n, point-i)
			p.Write(data[i : i+n])
		} else {
			p.WriteBoth(data[i : i+n])
		}
		i += n
	}
	all, tail := p.Sums(nil, nil)
	wantAll, wantTail := sha1.Sum(data), sha1.Sum(data[point:])
	if !bytes.Equal(all, wantAll[:]) || !bytes.Equal(tail, wantTail[:]) {
		t.Fatalf("len %d, point %d: sums %x %x, want %x %x", len(data), point, all, tail, wantAll, wantTail)
	}
}

// TestPairMatchesSHA1: both sums equal crypto/sha1's for every length
// up to 200 bytes and every point, written whole or a byte at a time,
// and for random lengths, points and pieces; on both paths (the SHA
// extensions, when the CPU has them, and crypto/sha1).
func TestPairMatchesSHA1(t *testing.T) {
	paths := []bool{false}
	if fast {
		paths = []bool{true, false}
	}
	defer func(f bool) { fast = f }(fast)
	data := make([]byte, 20000)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for _, f := range paths {
		fast = f
		p := New()
		for n := 0; n <= 200; n++ {
			for point := 0; point <= n; point++ {
				check(t, p, data[:n], point, func() int { return n + 1 })
				check(t, p, data[:n], point, func() int { return 1 })
			}
		}
		for range 100 {
			n := r.IntN(len(data))
			point := r.IntN(n + 1)
			most := 1 + r.IntN(3000)
			check(t, p, data[:n], point, func() int { return 1 + r.IntN(most) })
		}
		if p.Started() != true {
			t.Error("Started is false after WriteBoth")
		}
		if p.Reset(); p.Started() {
			t.Error("Started after Reset")
		}
	}
}

// FuzzPair: any bytes, point and piece size give crypto/sha1's sums.
func FuzzPair(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), 38, 7)
	f.Add(bytes.Repeat([]byte("abc"), 100), 63, 64)
	p := New()
	f.Fuzz(func(t *testing.T, data []byte, point, piece int) {
		if point < 0 || point > len(data) || piece < 1 {
			return
		}
		check(t, p, data, point, func() int { return piece })
	})
}

// BenchmarkPair: a 16 KiB response (a 200-byte header) in 4 KiB reads,
// both sums, against crypto/sha1 twice.
func BenchmarkPair(b *testing.B) {
	data := bytes.Repeat([]byte("<p>a paragraph</p>\n"), 16584/19)
	const point = 200
	b.Run("sha1x2", func(b *testing.B) {
		p := New()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			p.Reset()
			p.Write(data[:point])
			for i := point; i < len(data); i += 4096 {
				p.WriteBoth(data[i:min(i+4096, len(data))])
			}
			p.Sums(nil, nil)
		}
	})
	b.Run("crypto/sha1 twice", func(b *testing.B) {
		all, tail := sha1.New(), sha1.New()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			all.Reset()
			tail.Reset()
			all.Write(data[:point])
			for i := point; i < len(data); i += 4096 {
				all.Write(data[i:min(i+4096, len(data))])
				tail.Write(data[i:min(i+4096, len(data))])
			}
			all.Sum(nil)
			tail.Sum(nil)
		}
	})
}
