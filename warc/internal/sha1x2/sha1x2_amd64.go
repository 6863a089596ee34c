//go:build amd64 && !purego

package sha1x2

import "golang.org/x/sys/cpu"

// block2 hashes the blocks of pa into a and those of pb into b, together;
// pa and pb have the same length, a multiple of 64.
//
//go:noescape
func block2(a, b *[5]uint32, pa, pb []byte)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// fast: the CPU has the SHA extensions (CPUID leaf 7, EBX bit 29) and
// the AVX, SSE4.1 and SSSE3 instructions block2 uses, as crypto/sha1
// requires for its own SHA-NI code.
var fast = func() bool {
	if !cpu.X86.HasAVX || !cpu.X86.HasSSE41 || !cpu.X86.HasSSSE3 {
		return false
	}
	if max, _, _, _ := cpuid(0, 0); max < 7 {
		return false
	}
	_, ebx, _, _ := cpuid(7, 0)
	return ebx&(1<<29) != 0
}()
