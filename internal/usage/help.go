// Package usage is what a command says about how to use it: its help,
// wrapped to the terminal, with its flags in titled groups and each value
// named (Page, WriteHelp), and the usage error for a flag given wrong, in
// people's words (FlagErrorFunc). It knows cobra and pflag, not fanout's
// flags: the command gives its groups, placeholders and aliases.
package usage

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Group is a titled part of a command's flags in its help.
type Group struct {
	Title string
	Names []string // flags in this order; a name the command lacks is passed over
}

// Page is a command's usage beyond what cobra knows of the command.
type Page struct {
	// Groups order the flags for people. A flag in no group is listed under
	// "Other flags" (all under "Flags" when there are no groups), so none
	// is ever hidden.
	Groups []Group
	// Placeholders name the value of a flag where its type says too
	// little; other flags get one from their type (N, DURATION, …).
	Placeholders map[string]string
	Footer       string // written last, as it is ("" for none)
}

// Write writes c's usage, wrapped to the width of w: the usage line,
// examples, subcommands, then its flags in groups, aligned across groups,
// and the footer.
func (p Page) Write(w io.Writer, c *cobra.Command) error {
	width := Width(w)
	fmt.Fprintf(w, "Usage:\n  %s\n", c.UseLine())
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "  %s COMMAND\n", c.CommandPath())
	}
	if c.Example != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", c.Example)
	}
	if c.HasAvailableSubCommands() {
		writeCommands(w, c, width)
	}
	p.writeFlags(w, c, width)
	fmt.Fprint(w, p.Footer)
	return nil
}

// writeFlags lists c's flags in groups (then the rest), each flag's text
// wrapped to width beside the names, or under them when the names leave
// too little room.
func (p Page) writeFlags(w io.Writer, c *cobra.Command, width int) {
	listed := map[string]bool{}
	var lists [][]*pflag.Flag
	for _, g := range p.Groups {
		var flags []*pflag.Flag
		for _, name := range g.Names {
			if f := c.Flags().Lookup(name); f != nil {
				flags = append(flags, f)
				listed[name] = true
			}
		}
		lists = append(lists, flags)
	}
	var rest []*pflag.Flag
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !listed[f.Name] && !f.Hidden {
			rest = append(rest, f)
		}
	})
	title := "Other flags"
	if len(p.Groups) == 0 {
		title = "Flags"
	}
	groups := append(p.Groups[:len(p.Groups):len(p.Groups)], Group{Title: title})
	lists = append(lists, rest)
	pad := 0
	for _, flags := range lists {
		for _, f := range flags {
			pad = max(pad, len(p.flagName(f)))
		}
	}
	indent := 2 + pad + 3
	if width-indent < 30 {
		indent = 10 // the text goes under the names
	}
	for i, flags := range lists {
		if len(flags) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", groups[i].Title)
		for _, f := range flags {
			text := hang(flagUsage(f), indent, width)
			if indent == 10 {
				fmt.Fprintf(w, "  %s\n%s%s\n", p.flagName(f), strings.Repeat(" ", indent), text)
				continue
			}
			fmt.Fprintf(w, "  %-*s   %s\n", pad, p.flagName(f), text)
		}
	}
}

// flagName is "-c, --concurrency N": the short name if any, the long name
// and the placeholder of its value.
func (p Page) flagName(f *pflag.Flag) string {
	name := "    --" + f.Name
	if f.Shorthand != "" {
		name = "-" + f.Shorthand + ", --" + f.Name
	}
	if ph := p.placeholder(f); ph != "" {
		name += " " + ph
	}
	return name
}

// placeholder names a flag's value: from Placeholders, else from its type;
// "" for a switch.
func (p Page) placeholder(f *pflag.Flag) string {
	if ph, ok := p.Placeholders[f.Name]; ok {
		return ph
	}
	if strings.Contains(f.Usage, "`") {
		name, _ := pflag.UnquoteUsage(f)
		return name
	}
	switch t := f.Value.Type(); t {
	case "bool":
		return ""
	case "int", "int64", "uint", "float64":
		return "N"
	case "duration":
		return "DURATION"
	case "string", "stringArray", "stringSlice":
		return "STRING"
	default:
		return strings.ToUpper(strings.Trim(t, "'"))
	}
}

// flagUsage is the flag's text and, when it is not the zero value, its
// default.
func flagUsage(f *pflag.Flag) string {
	_, usage := pflag.UnquoteUsage(f)
	switch f.DefValue {
	case "", "0", "0s", "false", "[]":
		return usage
	}
	if strings.Contains(usage, "(default") {
		return usage
	}
	return fmt.Sprintf("%s (default %s)", usage, f.DefValue)
}
