package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/fanout-dev/fanout/internal/testsite"
)

// screen is the text a terminal shows after it is sent out: enough of a
// terminal to read fanout's output (printable text, \r, \n, erase to the
// end of the line, wrapping at the last column; other escape sequences are
// ignored). Every line that ever scrolled by is kept; a row the text wrapped
// onto is joined to the row before it, so a long line reads as one, and a
// frame too wide for the terminal leaves its head joined to what follows.
func screen(out []byte, cols int) []string {
	lines := [][]rune{nil}
	wrapped := map[int]bool{} // rows the text wrapped onto
	row, col := 0, 0
	put := func(r rune) {
		if col >= cols {
			row, col = row+1, 0
			wrapped[row] = true
		}
		for row >= len(lines) {
			lines = append(lines, nil)
		}
		for len(lines[row]) <= col {
			lines[row] = append(lines[row], ' ')
		}
		lines[row][col] = r
		col++
	}
	text := []rune(string(out))
	for i := 0; i < len(text); i++ {
		switch r := text[i]; {
		case r == '\r':
			col = 0
		case r == '\n':
			row++
			for row >= len(lines) {
				lines = append(lines, nil)
			}
		case r == '\x1b' && i+1 < len(text) && text[i+1] == '[':
			j := i + 2
			for j < len(text) && (text[j] < '@' || text[j] > '~') {
				j++
			}
			if j < len(text) && text[j] == 'K' && row < len(lines) && col < len(lines[row]) {
				lines[row] = lines[row][:col] // erase to the end of the line
			}
			i = j
		case r >= ' ':
			put(r)
		}
	}
	var s []string
	for i, l := range lines {
		if wrapped[i] && len(s) > 0 {
			s[len(s)-1] += string(l)
			continue
		}
		s = append(s, string(l))
	}
	for i := range s {
		s[i] = strings.TrimRight(s[i], " ")
	}
	return s
}

// TestProgressBarNeverInsideResults runs fanout as a user does, with stdout
// and stderr on the same terminal (a pseudo-terminal), text results and the
// bar on, and reads the screen: every line must be a whole result or the
// summary, with no fragment of a bar inside.
func TestProgressBarNeverInsideResults(t *testing.T) {
	srv := httptest.NewServer(testsite.New(testsite.Options{Latency: 2 * time.Millisecond}))
	defer srv.Close()
	const n = 3000
	list := writeList(t, srv.URL, n)
	text := regexp.MustCompile(`^200 +(?:\d+ms|[\d.]+s) +2\.0K  http://127\.0\.0\.1:\d+/page/(\d+) +Page (\d+)$`)
	tests := []struct {
		name string
		cols uint16 // 440: wide enough for a JSON record on one line
		args []string
		line *regexp.Regexp
	}{
		{"text", 440, []string{"-f", "text"}, text},
		{"json lines", 440, nil, regexp.MustCompile(`^\{"url":"http://127\.0\.0\.1:\d+/page/(\d+)".*"title":"Page (\d+)".*\}$`)},
		{"text, 80 columns", 80, []string{"-f", "text"}, text}, // the frame fits the terminal, or its head is left behind
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fanout(append([]string{"scrape", "-c", "20", "--per-host", "0", list}, tt.args...)...)
			tty, err := pty.StartWithSize(c, &pty.Winsize{Rows: 40, Cols: tt.cols})
			if err != nil {
				t.Fatal(err)
			}
			defer tty.Close()
			timer := time.AfterFunc(60*time.Second, func() { c.Process.Kill() })
			defer timer.Stop()
			var raw bytes.Buffer
			io.Copy(&raw, tty) // ends with EIO once the child has exited
			if err := c.Wait(); err != nil {
				t.Fatalf("fanout: %v\n%s", err, raw.Bytes()[max(0, raw.Len()-2000):])
			}
			if !bytes.Contains(raw.Bytes(), []byte(" URL/s")) {
				t.Fatal("no progress bar was drawn: the test proves nothing")
			}
			results, summary := 0, 0
			for _, line := range screen(raw.Bytes(), int(tt.cols)) {
				switch m := tt.line.FindStringSubmatch(line); {
				case line == "":
				case m != nil && m[1] == m[2]:
					results++
				case strings.HasPrefix(line, fmt.Sprintf("fanout: %d URLs in ", n)):
					summary++
				case strings.HasPrefix(line, "fanout: --throttle auto slowed "): // the summary's, when a host was slowed
				case strings.HasPrefix(tt.name, "text") && strings.HasPrefix(line, "status ") && results == 0:
					// -f text's header, before any result
				default:
					t.Errorf("a line on the screen is neither a result nor the summary: %q", line)
				}
			}
			if results != n || summary != 1 {
				t.Errorf("screen shows %d results and %d summary lines, want %d and 1", results, summary, n)
			}
		})
	}
}
