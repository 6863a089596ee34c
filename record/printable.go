package record

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable keeps text that came from the network or the input from
// steering whoever reads it: control characters (C0 and C1, terminal
// escape sequences among them) and the bidirectional embeddings, overrides
// and isolates (U+202A to U+202E, U+2066 to U+2069, which can make text
// read in another order than it is, "Trojan Source") become U+FFFD, as
// does invalid UTF-8.
func Printable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unreadable) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unreadable(r) {
			return '\uFFFD'
		}
		return r // strings.Map makes invalid UTF-8 U+FFFD
	}, s)
}

func unreadable(r rune) bool {
	return unicode.IsControl(r) || (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}
