package limiter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/spill"
)

// overflow holds, in a temporary file, the targets of hosts that already
// hold their share of the Scheduler's window, in input order per host, so
// that a host at the head of a sorted list (a slow one above all: a
// Crawl-delay, --host-rate) does not fill the window and keep every other
// host's targets unread. Memory is a few segments per host, not a target
// each. The zero value is empty; the file is created at the first push and
// emptied whenever no host has a target in it.
type overflow struct {
	file  *spill.File
	hosts map[string][]segment // each host's targets, oldest first
	n     int                  // targets held
	buf   []byte
}

// segment is a run of targets of one host written one after another: the
// bytes [off, end) of the file.
type segment struct{ off, end int64 }

// has reports whether host key has targets in the overflow.
func (o *overflow) has(key string) bool { return len(o.hosts[key]) > 0 }

// push appends t, a target of host key.
func (o *overflow) push(key string, t input.Target) error {
	if o.file == nil {
		f, err := spill.New()
		if err != nil {
			return err
		}
		o.file, o.hosts = f, map[string][]segment{}
	}
	b, err := appendTarget(o.buf[:0], t)
	if err != nil {
		return err
	}
	o.buf = b
	off := o.file.Size()
	if _, err := o.file.Write(b); err != nil {
		return err
	}
	segs := o.hosts[key]
	if n := len(segs); n > 0 && segs[n-1].end == off {
		segs[n-1].end += int64(len(b))
	} else {
		o.hosts[key] = append(segs, segment{off, off + int64(len(b))})
	}
	o.n++
	return nil
}

// pop takes the oldest target of host key; ok is false when it has none.
func (o *overflow) pop(key string) (t input.Target, ok bool, err error) {
	segs := o.hosts[key]
	if len(segs) == 0 {
		return input.Target{}, false, nil
	}
	t, n, err := o.readAt(segs[0].off)
	if err != nil {
		return input.Target{}, false, err
	}
	o.n--
	if segs[0].off += n; segs[0].off == segs[0].end {
		segs = segs[1:]
	}
	if len(segs) == 0 {
		delete(o.hosts, key)
	} else {
		o.hosts[key] = segs
	}
	if o.n == 0 {
		err = o.file.Reset()
	}
	return t, true, err
}

// each calls yield with every target held, and empties the overflow.
func (o *overflow) each(yield func(input.Target)) error {
	for key := range o.hosts {
		for {
			t, ok, err := o.pop(key)
			if err != nil || !ok {
				if err != nil {
					return err
				}
				break
			}
			yield(t)
		}
	}
	return nil
}

// close removes the file.
func (o *overflow) close() error {
	err := o.file.Close()
	o.file, o.hosts, o.n = nil, nil, 0
	return err
}

// A target is written as its length (4 bytes), then Seq, Line and Bare as
// uvarints, then File, Raw and the URL as length-prefixed strings.
func appendTarget(b []byte, t input.Target) ([]byte, error) {
	u, err := t.URL.MarshalBinary()
	if err != nil {
		return b, err
	}
	b = append(b, 0, 0, 0, 0)
	b = binary.AppendUvarint(b, uint64(t.Seq))
	b = binary.AppendUvarint(b, uint64(t.Line))
	bare := uint64(0)
	if t.Bare {
		bare = 1
	}
	b = binary.AppendUvarint(b, bare)
	for _, s := range [][]byte{[]byte(t.File), []byte(t.Raw), u} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b, nil
}

var errBadTarget = errors.New("a spilled target is damaged")

// readAt reads the target written at off, and how many bytes it took.
func (o *overflow) readAt(off int64) (input.Target, int64, error) {
	var head [4]byte
	if _, err := o.file.ReadAt(head[:], off); err != nil {
		return input.Target{}, 0, fmt.Errorf("reading a spilled target: %w", err)
	}
	n := binary.BigEndian.Uint32(head[:])
	b := make([]byte, n)
	if _, err := o.file.ReadAt(b, off+4); err != nil {
		return input.Target{}, 0, fmt.Errorf("reading a spilled target: %w", err)
	}
	t, err := decodeTarget(b)
	return t, 4 + int64(n), err
}

func decodeTarget(b []byte) (input.Target, error) {
	var nums [3]uint64
	for i := range nums {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return input.Target{}, errBadTarget
		}
		nums[i], b = v, b[n:]
	}
	var strs [3][]byte
	for i := range strs {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return input.Target{}, errBadTarget
		}
		strs[i], b = b[n:n+int(l)], b[n+int(l):]
	}
	u := new(url.URL)
	if err := u.UnmarshalBinary(strs[2]); err != nil {
		return input.Target{}, err
	}
	return input.Target{
		Seq: int(nums[0]), Line: int(nums[1]), Bare: nums[2] == 1,
		File: string(strs[0]), Raw: string(strs[1]), URL: u,
	}, nil
}
