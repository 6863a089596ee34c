package spill

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"testing"
)

// diskFull is an in-memory backing that takes at most limit bytes, as a
// filesystem that fills up: a write past it is cut there, with ENOSPC.
type diskFull struct {
	data  []byte
	limit int64
}

var errNoSpace = errors.New("no space left on device")

func (d *diskFull) WriteAt(p []byte, off int64) (int, error) {
	if off > int64(len(d.data)) {
		return 0, errors.New("write leaves a hole")
	}
	n := len(p)
	var err error
	if room := d.limit - off; int64(n) > room {
		n, err = int(max(room, 0)), errNoSpace
	}
	d.data = append(d.data[:off], p[:n]...)
	return n, err
}

func (d *diskFull) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(d.data)) {
		return 0, io.EOF
	}
	n := copy(p, d.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (d *diskFull) Truncate(n int64) error { d.data = d.data[:n]; return nil }
func (d *diskFull) Close() error           { return nil }
func (d *diskFull) Name() string           { return "diskfull" }

// TestWhatIsAcceptedIsKept writes pieces of every size class to Files on
// disks of several sizes, and after every write reads everything back: it
// equals the bytes of the writes that were accepted, in order, whether
// they reached the disk or wait in the buffer because the disk is full. A
// write is accepted whole or refused whole.
func TestWhatIsAcceptedIsKept(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int64
		sizes []int // piece sizes drawn from
	}{
		{"roomy disk", 1 << 30, []int{1, 40, 4000}},
		{"full at start", 0, []int{1, 40, 4000}},
		{"fills in the first buffer", 1000, []int{1, 40, 4000}},
		{"fills mid-run", 200 << 10, []int{7, 100, 3000}},
		{"pieces larger than the buffer", 300 << 10, []int{bufferSize + 1, 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tc.limit)))
			s := &File{f: &diskFull{limit: tc.limit}, buf: make([]byte, 0, bufferSize)}
			var want []byte
			refused := 0
			for i := range 400 {
				p := bytes.Repeat([]byte{byte(i)}, tc.sizes[rng.IntN(len(tc.sizes))])
				n, err := s.Write(p)
				switch {
				case err == nil && n == len(p):
					want = append(want, p...)
				case err != nil && n == 0:
					refused++
				default:
					t.Fatalf("write %d of %d bytes: %d, %v: neither whole nor refused", i, len(p), n, err)
				}
				if s.Size() != int64(len(want)) {
					t.Fatalf("after write %d: Size %d, %d bytes accepted", i, s.Size(), len(want))
				}
				if i%37 == 0 {
					s.Flush() // may fail: nothing is lost either way
				}
				got := make([]byte, len(want))
				if n, err := s.ReadAt(got, 0); n != len(want) || err != nil && !(err == io.EOF && n == len(want)) {
					t.Fatalf("after write %d: read %d of %d bytes: %v", i, n, len(want), err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("after write %d: read back differs from what was accepted", i)
				}
				if len(want) > 10 { // a read in the middle, across the file/buffer edge
					off := rng.IntN(len(want) - 10)
					mid := make([]byte, rng.IntN(len(want)-off)+1)
					s.ReadAt(mid, int64(off))
					if !bytes.Equal(mid, want[off:off+len(mid)]) {
						t.Fatalf("after write %d: read at %d of %d bytes differs", i, off, len(mid))
					}
				}
			}
			if tc.limit >= 1<<30 && refused > 0 {
				t.Errorf("%d writes refused on a roomy disk", refused)
			}
			if tc.limit < 1<<20 && refused == 0 {
				t.Errorf("no write refused on a %d-byte disk", tc.limit)
			}
			if err := s.Reset(); err != nil || s.Size() != 0 {
				t.Fatalf("Reset: %v, size %d", err, s.Size())
			}
			if n, err := s.Write([]byte("again")); n != 5 || err != nil {
				t.Fatalf("write after Reset: %d, %v", n, err)
			}
			got := make([]byte, 5)
			if _, err := s.ReadAt(got, 0); err != nil || string(got) != "again" {
				t.Fatalf("read after Reset: %q, %v", got, err)
			}
		})
	}
}

// TestReadPastTheEnd: a read beyond what was written says io.EOF.
func TestReadPastTheEnd(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Write([]byte("abc"))
	p := make([]byte, 5)
	if n, err := s.ReadAt(p, 1); n != 2 || err != io.EOF || string(p[:n]) != "bc" {
		t.Fatalf("ReadAt(5, 1) = %d %q, %v", n, p[:n], err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ReadAt(p, 1); n != 2 || err != io.EOF {
		t.Fatalf("after Flush: ReadAt(5, 1) = %d, %v", n, err)
	}
	if _, err := os.Stat(s.f.Name()); s.removed && err == nil {
		t.Errorf("%s still there", s.f.Name())
	}
}
