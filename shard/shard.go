// Package shard splits one URL list over several processes by host: a host
// key (input.HostKey, the one key of a host) is hashed with FNV-1a 64 and placed in one of N shards by jump
// consistent hash, so every URL of a host lands in the same shard and going
// from N to N+1 shards moves only about 1/(N+1) of the hosts (docs/report.md,
// "Running one list on a fleet").
package shard

import (
	"errors"
	"fmt"
	"github.com/fanout-dev/fanout/input"
	"strconv"
	"strings"
)

// Spec is one shard of a split: Index in [0, Count). The zero Spec is no
// split: every URL is kept.
type Spec struct {
	Index int
	Count int
}

// ErrNoIndex is returned by Parse for a bare count ("4") when no index is
// given in the environment (JOB_COMPLETION_INDEX).
var ErrNoIndex = errors.New("no shard index: give i/N, or set JOB_COMPLETION_INDEX")

// maxCount bounds N: 2^31 buckets, as Lamping and Veach state jump hash.
const maxCount = 1 << 31

// Parse reads "i/N" (0 ≤ i < N), or "N" alone, whose index then comes from
// envIndex (the value of JOB_COMPLETION_INDEX, "" when unset).
func Parse(s, envIndex string) (Spec, error) {
	idx, count, hasIndex := strings.Cut(strings.TrimSpace(s), "/")
	if !hasIndex {
		count, idx = idx, strings.TrimSpace(envIndex)
		if idx == "" {
			return Spec{}, ErrNoIndex
		}
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > maxCount {
		return Spec{}, fmt.Errorf("%q: the shard count must be a whole number from 1 to %d", s, maxCount)
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= n {
		return Spec{}, fmt.Errorf("%q: the shard index must be a whole number from 0 to %d, not %q", s, n-1, idx)
	}
	return Spec{Index: i, Count: n}, nil
}

// String is the spec as i/N ("" for the zero Spec).
func (s Spec) String() string {
	if s.Count == 0 {
		return ""
	}
	return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count)
}

// Keeps reports whether the URL whose host key is key belongs to this
// shard. The zero Spec keeps everything.
func (s Spec) Keeps(key string) bool {
	return s.Count <= 1 || Of(key, s.Count) == s.Index
}

// Of is the shard of host key key among n (n ≥ 1): Jump(FNV1a64(key), n).
func Of(key string, n int) int {
	return int(Jump(FNV1a64(key), int64(min(n, maxCount))))
}

// FNV-1a 64 parameters (Fowler, Noll, Vo; IETF draft-eastlake-fnv).
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// FNV1a64 is the 64-bit FNV-1a hash of s.
func FNV1a64(s string) uint64 {
	h := uint64(fnvOffset64)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}

// Jump is Lamping and Veach's jump consistent hash ("A Fast, Minimal
// Memory, Consistent Hash Algorithm", 2014): the bucket in [0, n) of key,
// such that growing n to n+1 moves a key only into the new bucket, and
// only 1/(n+1) of keys move. n < 1 is taken as 1.
func Jump(key uint64, n int64) int64 {
	var b, j int64 = -1, 0
	for j < max(n, 1) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return b
}

// Filter yields the targets of src in shard spec: those whose key (by
// key, TargetKey if nil) it keeps, and in shard 0 those without one (lines
// that are not URLs). Line numbers stay those of the whole list.
func Filter(src input.Source, spec Spec, key func(input.Target) string) input.Source {
	if key == nil {
		key = TargetKey
	}
	return input.Filter(src, func(t input.Target) bool {
		if key := key(t); key != "" {
			return spec.Keeps(key)
		}
		return spec.Index == 0
	})
}

// TargetKey is t's shard key, its input.HostKey; "" for a line that is not
// a URL.
func TargetKey(t input.Target) string {
	if t.URL == nil {
		return ""
	}
	return input.HostKey(t.URL)
}
