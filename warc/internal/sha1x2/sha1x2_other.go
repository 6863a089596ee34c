//go:build !amd64 || purego

package sha1x2

var fast = false

func block2(a, b *[5]uint32, pa, pb []byte) { panic("sha1x2: no SHA extensions") }
