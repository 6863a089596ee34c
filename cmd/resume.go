package cmd

import (
	"strings"

	"github.com/spf13/pflag"
)

// resumeCommand is the command line that resumes a scrape run stopped
// early: the same flags as given (--resume added) and the same files, each
// word quoted for a POSIX shell where it needs it.
func resumeCommand(flags *pflag.FlagSet, files []string) string {
	words := []string{"fanout", "scrape"}
	flags.Visit(func(f *pflag.Flag) {
		switch v := f.Value.(type) {
		case *headerList:
			for name, values := range v.h {
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
	if len(files) == 0 {
		files = []string{"-"}
	}
	words = append(words, files...)
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	return strings.Join(quoted, " ")
}

// shellQuote quotes s for a POSIX shell, unless it needs none.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
