package usage

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/exit"
)

// FlagErrorFunc is cobra's flag error function for a command tree: it
// turns pflag's errors into usage errors (exit.Usage) in people's words. A
// bad value names the flag and what it takes (never strconv's message), and
// an unknown flag comes with the nearest flags the command has; aliases
// maps another tool's name for a flag to the command's (curl's --max-time
// to --timeout), offered first.
func FlagErrorFunc(aliases map[string]string) func(*cobra.Command, error) error {
	return func(c *cobra.Command, err error) error {
		var invalid *pflag.InvalidValueError
		var unknown *pflag.NotExistError
		switch {
		case errors.As(err, &invalid):
			err = invalidValue(invalid)
		case errors.As(err, &unknown):
			err = unknownFlag(c, unknown, aliases)
		}
		return &exit.Error{Code: exit.Usage, Err: err}
	}
}

// invalidValue words the error of a value pflag could not set. The
// command's own flag types say what they take; pflag's own (int, float64,
// bool) fail with a *strconv.NumError, reworded here.
func invalidValue(e *pflag.InvalidValueError) error {
	name := "--" + e.GetFlag().Name
	var num *strconv.NumError
	if !errors.As(e, &num) {
		return fmt.Errorf("%s: %w", name, e.Unwrap())
	}
	if errors.Is(num.Err, strconv.ErrRange) {
		return fmt.Errorf("%s: %q is out of range", name, e.GetValue())
	}
	what := map[string]string{
		"int": "a whole number", "int64": "a whole number", "uint": "a whole number",
		"float64": "a number", "bool": "true or false",
	}[e.GetFlag().Value.Type()]
	if what == "" {
		what = "a valid " + e.GetFlag().Value.Type()
	}
	return fmt.Errorf("%s: %q is not %s", name, e.GetValue(), what)
}

// unknownFlag names an unknown flag and suggests the command's flags within
// two edits of it, or that it is a prefix of.
func unknownFlag(c *cobra.Command, e *pflag.NotExistError, aliases map[string]string) error {
	name := e.GetSpecifiedName()
	if group := e.GetSpecifiedShortnames(); group == name {
		return fmt.Errorf("unknown flag -%s", name)
	} else if group != "" {
		return fmt.Errorf("unknown flag -%s in -%s", name[:1], group)
	}
	var near []string
	if alias := aliases[name]; alias != "" && c.Flags().Lookup(alias) != nil {
		near = append(near, alias)
	}
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden || slices.Contains(near, f.Name) {
			return
		}
		if editDistance(name, f.Name) <= 2 || len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			near = append(near, f.Name)
		}
	})
	if len(near) == 0 {
		return fmt.Errorf("unknown flag --%s", name)
	}
	return fmt.Errorf("unknown flag --%s; did you mean --%s?", name, strings.Join(near, " or --"))
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
