package cmd

import (
	"runtime"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/buildinfo"
	"github.com/fanout-dev/fanout/internal/cmdline"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/internal/flagvalue"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/warc"
)

// warcOptions are --warc and --warc-max-size (docs/warc.md), beside -o and
// --db in scrape's and crawl's output flags.
type warcOptions struct {
	File    string
	MaxSize flagvalue.Bytes
	info    []warc.Field // the warcinfo record's fields, set by noteWarcInfo
}

func (o *warcOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.File, "warc", "", "also archive every HTTP exchange, as sent and received, in this WARC file (.warc.gz: compressed; HTTP/1.1 only then)")
	f.Var(&o.MaxSize, "warc-max-size", "with --warc: start a new file (FILE-00001.warc.gz, …) past this size (e.g. 1GiB)")
}

// validate checks the flags, naming the flag at fault.
func (o *warcOptions) validate(fetch *FetchFlags) error {
	switch {
	case o.MaxSize < 0:
		return exit.Usagef("--warc-max-size must not be negative")
	case o.MaxSize > 0 && o.File == "":
		return exit.Usagef("--warc-max-size needs --warc")
	case o.File != "" && fetch.Proxy.URL() != nil:
		return exit.Usagef("--warc does not record through a proxy (--proxy): its exchanges would be the proxy's")
	}
	return nil
}

// noteInfo keeps, for the warcinfo record, the command and its flags
// as given, secrets redacted by the one rule (cmdline.ShownCommand).
func (o *warcOptions) noteInfo(c *cobra.Command, args []string) {
	if o.File == "" {
		return
	}
	software := "fanout/" + buildinfo.Read().Short() + " (" + runtime.Version() + ")"
	o.info = warc.Info(software, cmdline.ShownCommand(c.Name(), c.Flags(), args))
}

// open creates the WARC file and sets cfg's fetcher to record into it;
// the closer writes the exchanges still held and closes the file. Without
// --warc, nothing changes.
func (o *warcOptions) open(cfg *pipeline.Config) (func() error, error) {
	if o.File == "" {
		return func() error { return nil }, nil
	}
	w, err := warc.Create(o.File, int64(o.MaxSize), o.info)
	if err != nil {
		return nil, err
	}
	rec := warc.NewRecorder(w)
	cfg.Fetch.Capture = rec
	return rec.Close, nil
}
