package progress

import (
	"io"

	"github.com/schollz/progressbar/v3"
)

// progressbar/v3 draws the bar's frames, but only draws: left to itself it
// cannot share a terminal with result lines (docs/ARCHITECTURE.md,
// **progress**). It writes a frame in two writes (a line of spaces, then
// the line), its spinner redraws from a goroutine of its own, it fits its
// width only when it writes to an *os.File, and its rate jumps between
// it/s, it/min and it/hr. So here:
//
//   - it writes into frames, never to the terminal; the Bar sends what one
//     render wrote on as one Write, holding the lock result lines take;
//   - ANSI codes are on, so a render writes "\r", the line and erase to the
//     end of the line, in one write with no clearing write before it;
//   - it starts no goroutine: the spinner's interval is 0 (its ticker starts
//     only when that interval is not 0 and the total is unknown) and the
//     spinner is one empty string;
//   - it has no throttle of its own: a frame is due by the Bar's clock
//     (Options.Every), which also redraws from the Bar's ticker and after
//     result lines, draws progressbar's throttle would drop;
//   - its width is what the Bar fits to the terminal (barWidth), and its
//     description is the Bar's text: counts, URLs per second in that one
//     unit, the time left. Its own rate and time estimates are off.
//
// Each frame is a new progressbar.ProgressBar, so the frame is a function of
// the Bar's counts alone: a long-lived one stops drawing once its count
// reaches its total, and counts modulo its width while the total is unknown.

// Columns progressbar adds to the text: "  60% [" before the bar (the
// percentage in 4 columns), "]  " after it and one space at the end; or,
// without a bar, a space before the text and two after it. TestFramesFit
// holds these to what it draws.
const (
	barOverhead  = 11
	textOverhead = 3
)

// Bar widths, in columns between the brackets: the bar shrinks to fit the
// text, down to minBar; narrower than that, the frame is the text alone.
const (
	maxBar = 20
	minBar = 8
)

// theme draws "[=====     ]" in plain ASCII, so a column is a byte.
var theme = progressbar.Theme{Saucer: "=", SaucerPadding: " ", BarStart: "[", BarEnd: "]"}

// frames is progressbar's writer: it keeps what one render writes, so that
// draw sends a whole frame to the terminal in one Write. Its callers hold
// the Bar's lock, the one result lines take.
type frames struct {
	out io.Writer
	buf []byte
}

// Write keeps b for the frame being rendered.
func (f *frames) Write(b []byte) (int, error) {
	f.buf = append(f.buf, b...)
	return len(b), nil
}

// draw renders one frame with progressbar and writes it to f.out in one
// Write: a bar barWidth columns wide for done of total, then text; or, when
// barWidth is 0, text alone. The frame takes at most room columns (text is
// cut to fit). It reports whether a frame was written.
func (f *frames) draw(done, total int64, text string, barWidth, room int) bool {
	f.buf = f.buf[:0]
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(f),
		progressbar.OptionUseANSICodes(true),
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSpinnerCustom([]string{""}),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetTheme(theme),
	}
	if barWidth == 0 || total <= 0 {
		total, done, barWidth = -1, 0, 1 // no bar: progressbar's layout for an unknown total
		text = text[:min(len(text), max(room-textOverhead, 0))]
	} else {
		done = min(done, total)
		opts = append(opts, progressbar.OptionShowDescriptionAtLineEnd())
	}
	opts = append(opts, progressbar.OptionSetWidth(barWidth), progressbar.OptionSetDescription(text))
	bar := progressbar.NewOptions64(total, opts...)
	bar.Set64(done) // draws when done moves the percentage off 0
	if len(f.buf) == 0 {
		bar.RenderBlank()
	}
	if len(f.buf) == 0 {
		return false
	}
	f.out.Write(f.buf)
	return true
}

// barWidth is the width of a bar that fits beside text in room columns,
// or 0 when none does (or the total is unknown).
func barWidth(total int64, text string, room int) int {
	w := min(maxBar, room-barOverhead-len(text))
	if total <= 0 || w < minBar {
		return 0
	}
	return w
}
