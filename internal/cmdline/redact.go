// Package cmdline is a command line shown back to a person: a flag's value
// as shown (secrets redacted by the one rule, Shown), and the command line
// that resumes a stopped run (Resume), which holds its secrets as given and
// is preceded by a note saying so (SecretsNote).
package cmdline

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/flagvalue"
	"github.com/fanout-dev/fanout/record"
)

// One rule for secrets in flags (docs/report.md, "Secrets"): wherever a
// flag's value is shown to a person or written to a file made to be
// shared (the report page's flags table, errors, summaries), credential
// headers (record.SecretHeader) and URL passwords (-u, -x) are shown as
// record.Redacted. The resume line is the one exception: it is a command
// to run, so it holds them as given, and a line before it says so.

// Shown is f's value as shown to a person or in a shared file.
func Shown(f *pflag.Flag) string {
	switch v := f.Value.(type) {
	case *flagvalue.Headers:
		return v.Redacted()
	case pflag.SliceValue:
		var vals []string
		for _, s := range v.GetSlice() {
			vals = append(vals, record.RedactURL(s))
		}
		return "[" + strings.Join(vals, ",") + "]"
	}
	return record.RedactURL(f.Value.String())
}

// ShownCommand is a command as given (its name, the flags set, then the
// arguments), each flag's value as Shown: for a shared file, such as a
// WARC file's warcinfo record.
func ShownCommand(name string, flags *pflag.FlagSet, args []string) string {
	words := []string{name}
	flags.Visit(func(f *pflag.Flag) { words = append(words, "--"+f.Name+"="+Shown(f)) })
	return strings.Join(append(words, args...), " ")
}

// Secrets names the secrets a resume command built from flags holds in
// clear: credential headers, a proxy's password, passwords in -u URLs.
func Secrets(flags *pflag.FlagSet) []string {
	var secrets []string
	flags.Visit(func(f *pflag.Flag) {
		switch v := f.Value.(type) {
		case *flagvalue.Headers:
			for name := range v.Header() {
				if record.SecretHeader(name) {
					secrets = append(secrets, "-H "+name)
				}
			}
		case *flagvalue.Proxy:
			if _, ok := v.URL().User.Password(); ok {
				secrets = append(secrets, "the --proxy password")
			}
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				if record.RedactURL(s) != s {
					secrets = append(secrets, fmt.Sprintf("the --%s password", f.Name))
					break
				}
			}
		}
	})
	return secrets
}

// SecretsNote is the line printed before a resume command that holds
// secrets, or "".
func SecretsNote(secrets []string) string {
	if len(secrets) == 0 {
		return ""
	}
	return "fanout: the command below holds " + strings.Join(secrets, ", ") +
		" in clear, so that it works as printed: keep it private"
}
