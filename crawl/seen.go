package crawl

import "hash/fnv"

// Fingerprint is a URL's identity in a crawl: FNV-1a 64 of its normal
// form (Normalize), less its top bit (Seen's done mark). Two different
// URLs share one with a probability of about n²/2⁶⁴ among n URLs (5 in 100
// million at a million URLs); the second of such a pair would not be
// fetched.
func Fingerprint(normal string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(normal))
	if v := h.Sum64() &^ doneBit; v != 0 {
		return v
	}
	return 1 // 0 marks an empty slot
}

// doneBit marks a fingerprint in Seen whose URL has its result.
const doneBit = 1 << 63

// Seen is a set of fingerprints: an open-addressing table of 8-byte slots
// at most three-quarters full, so 8 to 16 bytes a URL (plus the old table,
// for a moment, while it doubles). The zero Seen is empty and ready. It is
// not safe for concurrent use.
type Seen struct {
	slots []uint64
	shift uint // 64 - log2(len(slots))
	n     int
}

// Add adds fp and reports whether it was new.
func (s *Seen) Add(fp uint64) bool {
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow()
	}
	if !s.insert(fp) {
		return false
	}
	s.n++
	return true
}

// Has reports whether fp is in the set.
func (s *Seen) Has(fp uint64) bool { return s.slot(fp) >= 0 }

// SetDone marks fp, which is in the set, as having its result.
func (s *Seen) SetDone(fp uint64) {
	if i := s.slot(fp); i >= 0 {
		s.slots[i] |= doneBit
	}
}

// Done reports whether fp is in the set and marked done.
func (s *Seen) Done(fp uint64) bool {
	i := s.slot(fp)
	return i >= 0 && s.slots[i]&doneBit != 0
}

// slot is fp's index in slots, or -1 when it is not in the set.
func (s *Seen) slot(fp uint64) int {
	if len(s.slots) == 0 {
		return -1
	}
	mask := uint64(len(s.slots) - 1)
	for i := s.home(fp); ; i = (i + 1) & mask {
		switch s.slots[i] &^ doneBit {
		case fp:
			return int(i)
		case 0:
			return -1
		}
	}
}

// Len is how many fingerprints the set holds.
func (s *Seen) Len() int { return s.n }

// insert puts fp in its slot, or reports false if it is there already.
func (s *Seen) insert(fp uint64) bool {
	mask := uint64(len(s.slots) - 1)
	for i := s.home(fp); ; i = (i + 1) & mask {
		switch s.slots[i] &^ doneBit {
		case fp:
			return false
		case 0:
			s.slots[i] = fp
			return true
		}
	}
}

// home is fp's first slot: Fibonacci hashing, so that runs of nearby
// fingerprints spread over the table.
func (s *Seen) home(fp uint64) uint64 {
	return ((fp &^ doneBit) * 0x9e3779b97f4a7c15) >> s.shift
}

func (s *Seen) grow() {
	old := s.slots
	s.slots = make([]uint64, max(1024, 2*len(old)))
	s.shift = 64
	for n := len(s.slots); n > 1; n >>= 1 {
		s.shift--
	}
	for _, fp := range old {
		if fp != 0 {
			s.insert(fp &^ doneBit)
			if fp&doneBit != 0 {
				s.SetDone(fp &^ doneBit)
			}
		}
	}
}
