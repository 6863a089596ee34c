package cmd

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSeconds(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr string
	}{
		{name: "plain number is seconds", in: "5", want: 5 * time.Second},
		{name: "fraction", in: "1.5", want: 1500 * time.Millisecond},
		{name: "leading dot", in: ".25", want: 250 * time.Millisecond},
		{name: "zero", in: "0", want: 0},
		{name: "go form", in: "500ms", want: 500 * time.Millisecond},
		{name: "minutes", in: "2m", want: 2 * time.Minute},
		{name: "compound", in: "1h30m", want: 90 * time.Minute},
		{name: "spaces trimmed", in: " 3 ", want: 3 * time.Second},
		{name: "word", in: "abc", wantErr: `"abc" is not a duration such as 5 (seconds), 1.5, 500ms, 2m or 1h30m`},
		{name: "nan", in: "NaN", wantErr: "not a duration"},
		{name: "inf", in: "Inf", wantErr: "not a duration"},
		{name: "exponent", in: "1e3", wantErr: "not a duration"},
		{name: "negative number", in: "-5", wantErr: "not a duration"},
		{name: "negative go form", in: "-5s", wantErr: `"-5s" is negative`},
		{name: "two dots", in: "1.2.3", wantErr: "not a duration"},
		{name: "empty", in: "", wantErr: "not a duration"},
		{name: "too long", in: "99999999999", wantErr: `"99999999999" seconds is too long`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d seconds
			err := d.Set(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Set(%q) = %v, %v; want an error with %q", tt.in, time.Duration(d), err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "strconv") || strings.Contains(err.Error(), "time:") {
					t.Errorf("error shows Go internals: %v", err)
				}
				return
			}
			if err != nil || time.Duration(d) != tt.want {
				t.Fatalf("Set(%q) = %v, %v; want %v", tt.in, time.Duration(d), err, tt.want)
			}
		})
	}
}

func TestPerSecond(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    float64
		wantErr string
	}{
		{name: "plain number", in: "10", want: 10},
		{name: "per second", in: "10/s", want: 10},
		{name: "per minute", in: "600/m", want: 10},
		{name: "per min", in: "30/min", want: 0.5},
		{name: "per hour", in: "36000/h", want: 10},
		{name: "one a day, the lowest", in: "1/d", want: 1.0 / 86400},
		{name: "per sec", in: "5/sec", want: 5},
		{name: "per hour, spelled out", in: "7200/hour", want: 2},
		{name: "per day, spelled out", in: "86400/day", want: 1},
		{name: "per minute, spelled out, upper case", in: "120/Minute", want: 2},
		{name: "fraction", in: "0.5", want: 0.5},
		{name: "zero is no limit", in: "0", want: 0},
		{name: "zero per minute", in: "0/m", want: 0},
		{name: "nan", in: "NaN", wantErr: `"NaN" is not a rate such as 10 (per second), 10/s, 600/m, 100/h or 5/day`},
		{name: "inf", in: "+Inf", wantErr: "not a rate"},
		{name: "negative", in: "-1", wantErr: "not a rate"},
		{name: "unknown unit", in: "10/w", wantErr: "not a rate"},
		{name: "no number", in: "/s", wantErr: "not a rate"},
		{name: "below one a day", in: "1/h", want: 1.0 / 3600},
		{name: "too low", in: "0.00001", wantErr: `below the lowest rate, 1/d`},
		{name: "too low per day", in: "0.5/d", wantErr: `below the lowest rate, 1/d`},
		{name: "underflows to zero", in: "0." + strings.Repeat("0", 400) + "1", wantErr: `below the lowest rate, 1/d`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r perSecond
			err := r.Set(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Set(%q) = %v, %v; want an error with %q", tt.in, float64(r), err, tt.wantErr)
				}
				return
			}
			if err != nil || float64(r) != tt.want {
				t.Fatalf("Set(%q) = %v, %v; want %v", tt.in, float64(r), err, tt.want)
			}
		})
	}
}

func TestProxyURL(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{name: "http", in: "http://127.0.0.1:3128", want: "http://127.0.0.1:3128"},
		{name: "host and port mean http", in: "127.0.0.1:3128", want: "http://127.0.0.1:3128"},
		{name: "https", in: "https://proxy.example:443", want: "https://proxy.example:443"},
		{name: "socks5", in: "socks5://127.0.0.1:1080", want: "socks5://127.0.0.1:1080"},
		{name: "socks5h", in: "socks5h://127.0.0.1:1080", want: "socks5h://127.0.0.1:1080"},
		{name: "password redacted", in: "http://u:secret@127.0.0.1:3128", want: "http://u:xxxxx@127.0.0.1:3128"},
		{name: "ftp", in: "ftp://127.0.0.1", wantErr: `proxy scheme "ftp" is not supported`},
		{name: "no host", in: "http://", wantErr: "not a proxy URL"},
		{name: "empty port", in: "http://127.0.0.1:", wantErr: "not a proxy URL"},
		{name: "bad port", in: "http://127.0.0.1:99999", wantErr: "not a proxy URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p proxyURL
			err := p.Set(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Set(%q) = %v; want an error with %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || p.String() != tt.want {
				t.Fatalf("Set(%q) = %q, %v; want %q", tt.in, p.String(), err, tt.want)
			}
		})
	}
}

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
			if code != ExitUsage || out != "" {
				t.Fatalf("exit %d, stdout %q; want %d and nothing", code, out, ExitUsage)
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
	streams, _, _ := TestStreams("")
	var got *ScrapeOptions
	c := NewCmdScrape(streams, func(_ context.Context, o *ScrapeOptions) error { got = o; return nil })
	c.SetArgs([]string{"-t", "1.5", "--deadline", "90", "--max-retry-wait", "2m", "-r", "600/m", "--host-rate", "30/m", "-k", "-x", "socks5://127.0.0.1:1080"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Timeout != 1500*time.Millisecond || got.Deadline != 90*time.Second || got.MaxRetryWait != 2*time.Minute ||
		got.Rate != 10 || got.HostRate != 0.5 || !got.Insecure || got.Proxy.u.String() != "socks5://127.0.0.1:1080" {
		t.Errorf("options %+v", got)
	}
}
