package cmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/exit"
)

// TestFlagErrors checks usage errors as the user sees them: the flag named,
// what it takes, no Go internals, suggestions, and the command's own help.
func TestFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"rate nan", []string{"scrape", "-r", "NaN"}, []string{`--rate: "NaN" is not a rate`}},
		{"host rate nan", []string{"scrape", "--host-rate", "NaN"}, []string{`--host-rate: "NaN" is not a rate`}},
		{"rate too low", []string{"scrape", "--rate", "1/w"}, []string{`--rate: "1/w" is not a rate`}},
		{"host rate too low", []string{"scrape", "--host-rate", "0.000001"}, []string{"--host-rate", "below the lowest rate"}},
		{"timeout word", []string{"scrape", "-t", "soon"}, []string{`--timeout: "soon" is not a duration`}},
		{"deadline", []string{"scrape", "--deadline", "-1s"}, []string{`--deadline: "-1s" is negative`}},
		{"max retry wait", []string{"scrape", "--max-retry-wait", "x"}, []string{"--max-retry-wait", "not a duration"}},
		{"int", []string{"scrape", "-c", "many"}, []string{`--concurrency: "many" is not a whole number`}},
		{"int range", []string{"scrape", "--retries", "99999999999999999999"}, []string{"--retries", "out of range"}},
		{"bool", []string{"scrape", "--fail-fast=maybe"}, []string{`--fail-fast: "maybe" is not true or false`}},
		{"misspelled", []string{"scrape", "--concurency", "5"}, []string{"unknown flag --concurency; did you mean --concurrency?"}},
		{"prefix", []string{"scrape", "--insec"}, []string{"did you mean --insecure?"}},
		{"curl name", []string{"scrape", "--max-time", "5"}, []string{"did you mean --timeout?"}},
		{"nothing near", []string{"scrape", "--zzzzzzzz"}, []string{"unknown flag --zzzzzzzz\n"}},
		{"short", []string{"scrape", "-Z"}, []string{"unknown flag -Z\n"}},
		{"bench duration", []string{"bench", "--latency", "fast"}, []string{"--latency", "not a duration", "Run 'fanout bench --help'"}},
		{"bench rate", []string{"bench", "-r", "NaN"}, []string{"--rate", "not a rate", "Run 'fanout bench --help'"}},
		{"bench share nan", []string{"bench", "--error-rate", "NaN"}, []string{"--error-rate"}},
		{"serve duration", []string{"serve", "--jitter", "1x"}, []string{"--jitter", "not a duration", "Run 'fanout serve --help'"}},
		{"serve gap", []string{"serve", "--gap", "NaN"}, []string{"--gap", "not a duration"}},
		{"proxy", []string{"scrape", "-x", "ftp://127.0.0.1"}, []string{"--proxy", "ftp"}},
		{"subcommand help", []string{"scrape", "--bogus"}, []string{"Run 'fanout scrape --help' for usage."}},
		{"root help", []string{"scrap"}, []string{"Run 'fanout --help' for usage."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tt.args...)
			if code != exit.Usage || out != "" {
				t.Fatalf("exit %d, stdout %q; want %d and nothing", code, out, exit.Usage)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not say %q", errOut, w)
				}
			}
			for _, internal := range []string{"strconv", "time:", "invalid argument", "ParseFloat"} {
				if strings.Contains(errOut, internal) {
					t.Errorf("stderr shows %q: %q", internal, errOut)
				}
			}
		})
	}
}

// TestFlagForms checks that the new forms reach the options.
func TestFlagForms(t *testing.T) {
	streams, _, _ := testStreams("")
	var got *ScrapeOptions
	c := NewCmdScrape(streams, func(_ context.Context, o *ScrapeOptions) error { got = o; return nil })
	c.SetArgs([]string{"-t", "1.5", "--deadline", "90", "--max-retry-wait", "2m", "-r", "600/m", "--host-rate", "30/m", "-k", "-x", "socks5://127.0.0.1:1080"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Timeout != 1500*time.Millisecond || got.Deadline != 90*time.Second || got.MaxRetryWait != 2*time.Minute ||
		got.Rate != 10 || got.HostRate != 0.5 || !got.Insecure || got.Proxy.URL().String() != "socks5://127.0.0.1:1080" {
		t.Errorf("options %+v", got)
	}
}
