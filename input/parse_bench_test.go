package input

import "testing"

// BenchmarkParse parses a mix of the lines a list holds: URLs with and
// without a scheme, an IP address, an IDN, and a line that is not a URL.
func BenchmarkParse(b *testing.B) {
	lines := [][]byte{
		[]byte("https://www.example.com/some/path/page.html?q=1"),
		[]byte("http://127.0.0.1:8080/page/17"),
		[]byte("example.org/about"),
		[]byte("shop.bücher.example/kasse"),
		[]byte("not a url at all"),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Parse(lines[i%len(lines)])
	}
}
