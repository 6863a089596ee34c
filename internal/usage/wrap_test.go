package usage

import "testing"

// TestWrap: paragraphs are filled, indented lines kept.
func TestWrap(t *testing.T) {
	in := "one two three\nfour five\n\n  kept   as is\nsix"
	want := "one two\nthree four\nfive\n\n  kept   as is\nsix"
	if got := Wrap(in, 10); got != want {
		t.Errorf("Wrap:\n%s\nwant\n%s", got, want)
	}
}
