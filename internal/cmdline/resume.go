package cmdline

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/flagvalue"
)

// Resume is the command line that resumes a run of command (scrape
// or crawl) stopped early: the same flags as given (--resume added, a repeatable flag once
// per value) and the same files (standard input only if the run read it),
// each word quoted for a POSIX shell where it needs it. appendTo, when not
// "", is the --output file of a JSON-lines stream: the command appends to
// it (>> FILE) rather than recreating it, so that the file ends with a
// final record for every URL, as the resume recipe of docs/store.md says.
// --html is not repeated (its page would describe the resumed part only):
// the command goes on to write the page of the whole run from the store,
// with fanout report. Secrets are given as they were (redact.go), so
// the command works; SecretsNote says so.
func Resume(command string, flags *pflag.FlagSet, files []string, appendTo string) string {
	words := []string{"fanout", command}
	flags.Visit(func(f *pflag.Flag) {
		if appendTo != "" && f.Name == "output" || f.Name == "html" {
			return
		}
		switch v := f.Value.(type) {
		case Repeated:
			for _, s := range v.Repeated() {
				words = append(words, "--"+f.Name+"="+s)
			}
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				words = append(words, "--"+f.Name+"="+s)
			}
		case *flagvalue.Proxy: // the password as given: the command must work (redact.go)
			words = append(words, "--"+f.Name+"="+v.URL().String())
		case *flagvalue.Headers:
			for name, values := range v.Header() {
				for _, value := range values {
					words = append(words, "-H", name+": "+value)
				}
			}
		default:
			if f.Name == "resume" {
				return
			}
			if f.Value.Type() == "bool" && f.Value.String() == "true" {
				words = append(words, "--"+f.Name)
				return
			}
			words = append(words, "--"+f.Name+"="+f.Value.String())
		}
	})
	words = append(words, "--resume")
	if len(files) == 0 && !flags.Changed("url") {
		files = []string{"-"}
	}
	words = append(words, files...)
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	if appendTo != "" {
		quoted = append(quoted, ">>", shellQuote(appendTo))
	}
	if html := flags.Lookup("html"); html != nil && html.Changed {
		quoted = append(quoted, "&&", "fanout", "report", shellQuote("--db="+flags.Lookup("db").Value.String()),
			shellQuote("--html="+html.Value.String()))
	}
	return strings.Join(quoted, " ")
}

// Repeated is a repeatable flag value whose String does not give back its
// values: Repeated is each value as it was given, in order.
type Repeated interface{ Repeated() []string }

// shellQuote quotes s for a POSIX shell, unless it needs none.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
