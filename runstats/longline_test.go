package runstats

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// repeatReader gives n bytes of b, without holding them.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		p[i] = r.b
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// TestReadLongLines checks that a record over 4 MiB (what scrape -e
// writes: 1,000 values of 1,024 '<', each \u003c) is counted, and a line
// over maxLine is skipped and counted without losing the records after it.
func TestReadLongLines(t *testing.T) {
	value := strings.Repeat(`\u003c`, 1024)
	var big bytes.Buffer
	big.WriteString(`{"url":"http://a.test/big","line":2,"status":200,"extract":{"v":[`)
	for i := range 1000 {
		if i > 0 {
			big.WriteByte(',')
		}
		big.WriteString(`"` + value + `"`)
	}
	big.WriteString("]}}\n")
	src := io.MultiReader(
		strings.NewReader(`{"url":"http://a.test/1","line":1,"status":200}`+"\n"),
		&big,
		strings.NewReader(`{"url":"http://a.test/huge","extract":"`), &repeatReader{'x', 8<<20 + 1}, strings.NewReader("\"}\n"),
		strings.NewReader(`{"url":"http://a.test/4","line":4,"status":404}`+"\n"),
	)
	defer func(n int) { lineLimit = n }(lineLimit)
	lineLimit = 8 << 20 // above the 6 MiB record, and quicker to pass than 64 MiB
	a := NewAggregator()
	st, err := Read(context.Background(), a, []Input{{Name: "-"}}, src)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 3 || st.TooLong != 1 || st.LongExample != "-:3" {
		t.Errorf("%d records, %d lines too long (first at %s); want 3, 1 at -:3", st.Records, st.TooLong, st.LongExample)
	}
	if got := a.Report().Summary.Total; got != 3 {
		t.Errorf("total %d, want 3", got)
	}
}
