package usage

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Width is the width help is wrapped to: the terminal's when w is one,
// else 80 columns.
func Width(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols >= 40 {
			return cols
		}
	}
	return 80
}

// WriteHelp is every command's help (cobra's help function): its long
// description (or short one) wrapped to the width, then its usage.
func WriteHelp(c *cobra.Command, _ []string) {
	w := c.OutOrStdout()
	text := c.Long
	if text == "" {
		text = c.Short
	}
	fmt.Fprintf(w, "%s\n\n", Wrap(strings.TrimSpace(text), Width(w)))
	c.UsageFunc()(c)
}

// Wrap fills text's paragraphs to width columns. A line that starts with
// white space is kept as it is (a list, an example, a table); other lines
// run on into one paragraph until a blank line or such a line.
func Wrap(text string, width int) string {
	var out []string
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, fill(strings.Join(para, " "), width, ""))
			para = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			out = append(out, "")
		case line[0] == ' ' || line[0] == '\t':
			flush()
			out = append(out, line)
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// fill breaks text into lines of at most width columns at spaces, the lines
// after the first starting with indent. A word longer than the room left
// stands alone on its line.
func fill(text string, width int, indent string) string {
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case col+1+n > width:
			b.WriteString("\n" + indent)
			col = utf8.RuneCountInString(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
	}
	return b.String()
}

// hang fills text into the columns from col to width, for a text that
// starts at col on its first line: the lines after it are indented to col.
func hang(text string, col, width int) string {
	return strings.ReplaceAll(fill(text, width-col, ""), "\n", "\n"+strings.Repeat(" ", col))
}

// writeCommands lists c's subcommands with their short descriptions,
// wrapped to width.
func writeCommands(w io.Writer, c *cobra.Command, width int) {
	pad := 0
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			pad = max(pad, len(sub.Name()))
		}
	}
	fmt.Fprintf(w, "\nCommands:\n")
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			fmt.Fprintf(w, "  %-*s   %s\n", pad, sub.Name(), hang(sub.Short, 2+pad+3, width))
		}
	}
	fmt.Fprintf(w, "\nUse \"%s COMMAND --help\" for more about a command.\n", c.CommandPath())
}
