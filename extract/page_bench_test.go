package extract

import (
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/testsite"
)

func BenchmarkTitleOfSmallPage(b *testing.B) {
	page := string(testsite.Page(1, 2048))
	b.ReportAllocs()
	for b.Loop() {
		if _, found, _ := TitleOf(strings.NewReader(page), "text/html; charset=utf-8"); !found {
			b.Fatal("no title")
		}
	}
}
