package cmd

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/pipeline"
)

// parseScrape parses args as fanout scrape's, through the runF seam: the
// options the run function would get, without running anything.
func parseScrape(t *testing.T, args ...string) *ScrapeOptions {
	t.Helper()
	streams, _, _ := testStreams("")
	var got *ScrapeOptions
	c := NewCmdScrape(streams, func(_ context.Context, o *ScrapeOptions) error { got = o; return nil })
	c.SetArgs(args)
	if err := c.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("scrape %v: %v", args, err)
	}
	return got
}

// parseBench is parseScrape for fanout bench.
func parseBench(t *testing.T, args ...string) *BenchOptions {
	t.Helper()
	streams, _, _ := testStreams("")
	var got *BenchOptions
	c := NewCmdBench(streams, func(_ context.Context, o *BenchOptions) error { got = o; return nil })
	c.SetArgs(args)
	if err := c.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("bench %v: %v", args, err)
	}
	return got
}

// runGroups are the flag groups a command that runs the pipeline embeds.
type runGroups struct {
	*LimitFlags
	*FetchFlags
	*RunFlags
}

func (g runGroups) config() pipeline.Config { return g.RunFlags.Options(g.LimitFlags, g.FetchFlags) }

func scrapeGroups(o *ScrapeOptions) runGroups {
	return runGroups{&o.LimitFlags, &o.FetchFlags, &o.RunFlags}
}

func benchGroups(o *BenchOptions) runGroups {
	return runGroups{&o.LimitFlags, &o.FetchFlags, &o.RunFlags}
}

// TestRunFlags checks that scrape and bench take the same run flags, with
// the same meaning, and differ only in their defaults.
func TestRunFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want func(o runGroups) bool
	}{
		{"limits", []string{"-c", "7", "-r", "2.5", "--burst", "3", "--per-host", "4", "--host-rate", "1.5"}, func(o runGroups) bool {
			return o.Concurrency == 7 && o.Rate == 2.5 && o.Burst == 3 && o.PerHost == 4 && o.HostRate == 1.5
		}},
		{"attempts", []string{"-t", "3s", "--retries", "5", "--max-retry-wait", "2s", "--max-body", "1K", "--max-redirects", "3"}, func(o runGroups) bool {
			return o.Timeout == 3*time.Second && o.Retries == 5 && o.MaxRetryWait == 2*time.Second && o.MaxBody == 1024 && o.MaxRedirects == 3
		}},
		{"run", []string{"--deadline", "1m", "--window", "99"}, func(o runGroups) bool {
			return o.Deadline == time.Minute && o.Window == 99
		}},
		{"requests", []string{"-A", "bot/1", "-H", "X-A: 1", "--insecure"}, func(o runGroups) bool {
			return o.UserAgent == "bot/1" && o.Headers.Header().Get("X-A") == "1" && o.Insecure
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, b := scrapeGroups(parseScrape(t, tt.args...)), benchGroups(parseBench(t, tt.args...))
			if !tt.want(s) || !tt.want(b) {
				t.Fatalf("scrape %+v\nbench %+v", s.config(), b.config())
			}
			// With the defaults that differ given, the two runs are the same.
			same := append([]string{"-c", "9", "--per-host", "1", "--retries", "1", "--throttle", "auto"}, tt.args...)
			if sc, bc := scrapeGroups(parseScrape(t, same...)).config(), benchGroups(parseBench(t, same...)).config(); !reflect.DeepEqual(sc, bc) {
				t.Errorf("the same flags make different runs:\nscrape %+v\nbench  %+v", sc, bc)
			}
		})
	}
}

func TestRunFlagDefaults(t *testing.T) {
	s, b := parseScrape(t), parseBench(t)
	if s.Concurrency != 50 || s.PerHost != 8 || s.Retries != 2 {
		t.Errorf("scrape defaults: -c %d --per-host %d --retries %d", s.Concurrency, s.PerHost, s.Retries)
	}
	if b.Concurrency != 64 || b.PerHost != 0 || b.Retries != 0 {
		t.Errorf("bench defaults: -c %d --per-host %d --retries %d", b.Concurrency, b.PerHost, b.Retries)
	}
	if s.pipelineConfig().Fetch.MaxRedirects != 10 || parseScrape(t, "--max-redirects", "0").pipelineConfig().Fetch.MaxRedirects != fetcher.NoFollow {
		t.Error("--max-redirects 0 does not make NoFollow")
	}
}

// TestResumeCommand checks the "resume with:" line against commands
// written out by hand: every repeated value once per flag, standard input
// only when the run read it, and a JSON-lines --output appended to.
func TestResumeCommand(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"flags and files", []string{"-c", "5", "--db", "run.db", "a.txt", "b.txt"},
			"fanout scrape --concurrency=5 --db=run.db --resume a.txt b.txt"},
		{"quoted where needed", []string{"-H", "X-A: b c", "--db", "my db", "--insecure", "it's.txt"},
			`fanout scrape '--db=my db' -H 'X-A: b c' --insecure --resume 'it'\''s.txt'`},
		{"stdin, --resume given already", []string{"--db", "r.db", "--resume"},
			"fanout scrape --db=r.db --resume -"},
		{"repeated -u, no stdin", []string{"--db", "r.db", "-u", "http://a.test/1", "-u", "http://a.test/2"},
			"fanout scrape --db=r.db --url=http://a.test/1 --url=http://a.test/2 --resume"},
		{"repeated -e", []string{"--db", "r.db", "-e", "p=.price", "-e", "img=img.hero@src", "urls.txt"},
			"fanout scrape --db=r.db --extract=p=.price --extract=img=img.hero@src --resume urls.txt"},
		{"repeated --resolver", []string{"--db", "r.db", "--resolver", "127.0.0.1:5353", "--resolver", "127.0.0.2", "urls.txt"},
			"fanout scrape --db=r.db --resolver=127.0.0.1:5353 --resolver=127.0.0.2:53 --resume urls.txt"},
		{"jsonl output appended", []string{"--db", "r.db", "-o", "run.jsonl", "urls.txt"},
			"fanout scrape --db=r.db --resume urls.txt >> run.jsonl"},
		{"csv output kept", []string{"--db", "r.db", "-o", "run.csv", "urls.txt"},
			"fanout scrape --db=r.db --output=run.csv --resume urls.txt"},
		{"--html: the whole run's page from the store", []string{"--db", "r.db", "--html", "run.html", "-o", "run.jsonl", "urls.txt"},
			"fanout scrape --db=r.db --resume urls.txt >> run.jsonl && fanout report --db=r.db --html=run.html"},
		{"--html quoted where needed", []string{"--db", "my run.db", "--html", "my page.html", "urls.txt"},
			`fanout scrape '--db=my run.db' --resume urls.txt && fanout report '--db=my run.db' '--html=my page.html'`},
		{"secrets as given, so that it works", []string{"--db", "r.db", "-H", "Authorization: Bearer t0k", "-x", "http://u:pw@127.0.0.1:3128", "-u", "http://a:b@a.test/", "urls.txt"},
			"fanout scrape --db=r.db -H 'Authorization: Bearer t0k' --proxy=http://u:pw@127.0.0.1:3128 --url=http://a:b@a.test/ --resume urls.txt"},
		{"gathered output kept", []string{"--db", "r.db", "--report", "gather", "-o", "run.json", "urls.txt"},
			"fanout scrape --db=r.db --output=run.json --report=gather --resume urls.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := parseScrape(t, tt.args...)
			if got := opts.resume; got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			secret := strings.Contains(tt.name, "secrets")
			if note := opts.resumeNote; secret != (note != "") || secret && !strings.Contains(note, "-H Authorization, the --proxy password, the --url password in clear") {
				t.Errorf("note %q", note)
			}
		})
	}
}
