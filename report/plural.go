package report

import "strconv"

// Plural is n and the noun, in the plural unless n is 1: "1 request",
// "3 requests", "0 URLs". noun is the singular, made plural with an s.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
