package input

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkReader hands out its input n bytes at a time.
type chunkReader struct {
	s string
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[k:]
	return k, nil
}

// readAll returns "line:raw" for every target of in, read through wrap, and
// the error that ended the reading (nil at io.EOF).
func readAll(in string, wrap func(io.Reader) io.Reader) ([]string, error) {
	r := NewReader(wrap(strings.NewReader(in)))
	var got []string
	for {
		t, err := r.Next()
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got = append(got, strings.Join([]string{strconv.Itoa(t.Line), t.Raw}, ":"))
	}
}

func TestReaderLineEnds(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr error
	}{
		{name: "lf", in: "a.test\nb.test\n", want: []string{"1:a.test", "2:b.test"}},
		{name: "crlf", in: "a.test\r\nb.test\r\n", want: []string{"1:a.test", "2:b.test"}},
		{name: "cr only", in: "a.test\rb.test\rc.test", want: []string{"1:a.test", "2:b.test", "3:c.test"}},
		{name: "mixed", in: "a.test\r\n\rb.test\n\nc.test\r", want: []string{"1:a.test", "3:b.test", "5:c.test"}},
		{name: "cr then crlf", in: "a.test\r\r\nb.test", want: []string{"1:a.test", "3:b.test"}},
		{name: "no final end", in: "a.test", want: []string{"1:a.test"}},
		{name: "utf-8 bom", in: "\xef\xbb\xbfa.test\r", want: []string{"1:a.test"}},
		{name: "utf-16le bom", in: "\xff\xfea\x00.\x00t\x00\n\x00", wantErr: ErrUTF16},
		{name: "utf-16be bom", in: "\xfe\xff\x00a\x00.\x00t\x00\n", wantErr: ErrUTF16},
		{name: "utf-16le without bom", in: "h\x00t\x00t\x00p\x00:\x00/\x00/\x00a\x00\r\x00\n\x00", wantErr: ErrUTF16},
		{name: "utf-16be without bom", in: "\x00h\x00t\x00t\x00p\x00\n", wantErr: ErrUTF16},
		{name: "binary is not utf-16", in: "\x7fELF\x02\x01\x01\x00\x00\x00\x00\n\x00\x00a.test\n", want: []string{"1:\x7fELF\x02\x01\x01\x00\x00\x00\x00", "2:\x00\x00a.test"}},
	}
	wraps := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"one byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
		{"data with eof", iotest.DataErrReader},
	}
	for _, tt := range tests {
		for _, w := range wraps {
			t.Run(tt.name+"/"+w.name, func(t *testing.T) {
				got, err := readAll(tt.in, w.wrap)
				if !errors.Is(err, tt.wantErr) || strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("got %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
				}
			})
		}
		for n := 1; n <= len(tt.in); n++ { // every split of the input in two and more
			got, err := readAll(tt.in, func(r io.Reader) io.Reader { return &chunkReader{s: tt.in, n: n} })
			if !errors.Is(err, tt.wantErr) || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("%s in chunks of %d: got %q, %v; want %q, %v", tt.name, n, got, err, tt.want, tt.wantErr)
			}
		}
	}
}

// TestReaderCROnlyLong checks that a long list with lone '\r' line ends,
// longer than the reader's buffer, gives a target per line.
func TestReaderCROnlyLong(t *testing.T) {
	var b strings.Builder
	const n = 20_000
	for i := range n {
		b.WriteString("h" + strconv.Itoa(i%97) + ".test/" + strconv.Itoa(i) + "\r")
	}
	got, err := readAll(b.String(), iotest.HalfReader)
	if err != nil || len(got) != n || got[n-1] != strconv.Itoa(n)+":h"+strconv.Itoa((n-1)%97)+".test/"+strconv.Itoa(n-1) {
		t.Fatalf("read %d targets (last %q), %v; want %d", len(got), got[len(got)-1], err, n)
	}
}
