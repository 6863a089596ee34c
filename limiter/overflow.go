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
	// ahead holds the file's bytes [aheadAt, aheadAt+len(ahead)), read
	// ahead within one host's segment, so that popping a host's targets
	// one after another costs one read of the file per readAhead bytes
	// rather than two per target.
	ahead   []byte
	aheadAt int64
}

// readAhead is how many bytes of a host's segment a read of the file
// takes at most (more only for a target larger than that).
const readAhead = 32 << 10

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
	b := appendTarget(o.buf[:0], t)
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
	t, n, err := o.readAt(segs[0].off, segs[0].end)
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
		o.ahead = o.ahead[:0] // the file is written again from its start
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
	o.file, o.hosts, o.n, o.ahead = nil, nil, 0, nil
	return err
}

// A target is written as its length (4 bytes), then Seq, Line and Bare as
// uvarints, then File, Raw and the URL as length-prefixed strings.
// The URL is written empty when it reads the same as Raw (most lines),
// and then read back by parsing Raw.
func appendTarget(b []byte, t input.Target) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0)
	b = binary.AppendUvarint(b, uint64(t.Seq))
	b = binary.AppendUvarint(b, uint64(t.Line))
	bare := uint64(0)
	if t.Bare {
		bare = 1
	}
	b = binary.AppendUvarint(b, bare)
	for _, s := range []string{t.File, t.Raw} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	u := t.URL.String() // what MarshalBinary writes
	if u == t.Raw {
		u = ""
	}
	b = binary.AppendUvarint(b, uint64(len(u)))
	b = append(b, u...)
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}

var errBadTarget = errors.New("a spilled target is damaged")

// readAt reads the target written at off, in a segment that ends at end,
// and how many bytes it took.
func (o *overflow) readAt(off, end int64) (input.Target, int64, error) {
	b, err := o.bytesAt(off, end, 4)
	if err != nil {
		return input.Target{}, 0, err
	}
	n := int64(binary.BigEndian.Uint32(b))
	if b, err = o.bytesAt(off, end, 4+n); err != nil {
		return input.Target{}, 0, err
	}
	t, err := decodeTarget(b[4 : 4+n])
	return t, 4 + n, err
}

// bytesAt returns at least n bytes of the file from off (in a segment that
// ends at end), from what was read ahead when it holds them, else reading
// up to readAhead bytes of the file (at least n) first. They are valid
// until the next call. The read ahead goes past the segment's end: when
// the input takes hosts in turn, every segment is one target long, and
// the next host's target is the next one in the file (reading no further
// than the segment made a read of the file per target: 2% of the client's
// CPU with 4 hosts in turn, docs/performance.md). What was written is
// never written again until the file is reset, which drops what was read.
func (o *overflow) bytesAt(off, end, n int64) ([]byte, error) {
	if off >= o.aheadAt && off+n <= o.aheadAt+int64(len(o.ahead)) {
		return o.ahead[off-o.aheadAt:], nil
	}
	if off+n > end {
		return nil, errBadTarget
	}
	size := max(n, min(o.file.Size()-off, readAhead))
	if int64(cap(o.ahead)) < size {
		o.ahead = make([]byte, size)
	}
	o.ahead, o.aheadAt = o.ahead[:size], off
	if _, err := o.file.ReadAt(o.ahead, off); err != nil {
		o.ahead = o.ahead[:0]
		return nil, fmt.Errorf("reading a spilled target: %w", err)
	}
	return o.ahead, nil
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
	raw := string(strs[1])
	us := raw
	if len(strs[2]) > 0 {
		us = string(strs[2])
	}
	u, err := url.Parse(us) // what UnmarshalBinary does
	if err != nil {
		return input.Target{}, err
	}
	return input.Target{
		Seq: int(nums[0]), Line: int(nums[1]), Bare: nums[2] == 1,
		File: string(strs[0]), Raw: raw, URL: u,
	}, nil
}
