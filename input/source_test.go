package input

import (
	"io"
	"strings"
	"testing"
)

// waiting is a source that may wait, as a pipe may.
type waiting struct{ Source }

func (waiting) MayWait() bool { return true }

func drain(t *testing.T, s Source) []string {
	t.Helper()
	var got []string
	for {
		tg, err := s.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tg.Raw+"@"+string(rune('0'+tg.Line)))
	}
}

func TestSources(t *testing.T) {
	urls := []string{"http://a.test/", "http://b.test/"}
	tests := []struct {
		name    string
		src     func() Source
		want    string
		mayWait bool
	}{
		{"lines", func() Source { return Lines(2, func(i int) string { return urls[i] }) },
			"http://a.test/@1 http://b.test/@2", false},
		{"chain, a file after the URLs", func() Source {
			return Chain(Lines(1, func(int) string { return "http://a.test/" }), NewReader(strings.NewReader("# c\nhttp://c.test/\n")))
		}, "http://a.test/@1 http://c.test/@2", false},
		{"chain may wait for a pipe still to read", func() Source {
			return Chain(Lines(1, func(int) string { return "http://a.test/" }), waiting{NewReader(strings.NewReader("http://c.test/\n"))})
		}, "http://a.test/@1 http://c.test/@1", true},
		{"filter", func() Source {
			return Filter(waiting{Lines(2, func(i int) string { return urls[i] })}, func(t Target) bool { return t.URL.Host == "b.test" })
		}, "http://b.test/@2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src()
			got := false
			if w, ok := src.(MayWait); ok {
				got = w.MayWait()
			}
			if got != tt.mayWait {
				t.Errorf("MayWait: %v, want %v", got, tt.mayWait)
			}
			if got := strings.Join(drain(t, src), " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
