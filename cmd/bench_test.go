package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/internal/exit"
)

// TestBenchSaysWhatItRan checks that bench states its setup, whose
// defaults differ from scrape's, and fails when nothing succeeded.
func TestBenchSaysWhatItRan(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"in-process", []string{"bench", "-n", "20"}, exit.OK,
			"ran 20 pages: 1 in-process http server(s), pages of 2KiB, latency 0s; -c 64, --per-host 0 (no limit), --retries 0", ""},
		{"nothing listening", []string{"bench", "-n", "20", "--target", "http://127.0.0.1:1/page/{n}"}, exit.Failure,
			"(20 URLs, 0 ok (2xx/3xx), 0 4xx, 0 5xx)", "no request succeeded (of 20 URLs: connect 20)"},
		{"--fail-fast stops at a dropped connection", []string{"bench", "-n", "40", "--drop-rate", "0.5", "--fail-fast"}, exit.Failure,
			"ran ", "--fail-fast: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tt.args...)
			if code != tt.code || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out, tt.wantOut, errOut, tt.wantErr)
			}
		})
	}
}

// TestBenchDeadHosts checks that bench --dead-hosts fetches that many
// refused hosts and reports the memory it took.
func TestBenchDeadHosts(t *testing.T) {
	code, out, errOut := run(t, "", "bench", "--dead-hosts", "300", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"urls":300`, `"by_error":{"connect":300}`, `"peak_heap_bytes":`} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output does not have %s: %s", want, out)
		}
	}
	if strings.Contains(out, `"peak_heap_bytes":0,`) {
		t.Errorf("no peak heap measured: %s", out)
	}
}

// TestBenchPieces runs fanout bench with the site sending every body in
// small flushed pieces: every page arrives whole and answers 200.
func TestBenchPieces(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"whole", []string{"-n", "40", "--format", "json", "--progress", "never"}},
		{"pieces of 16", []string{"-n", "40", "--pieces", "16", "--format", "json", "--progress", "never"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			streams, out, _ := testStreams("")
			c := NewCmdBench(streams, nil)
			c.SetArgs(tt.args)
			if err := c.ExecuteContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			var res struct {
				OK    int   `json:"ok"`
				Bytes int64 `json:"bytes"`
			}
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatalf("%v in %s", err, out)
			}
			if res.OK != 40 || res.Bytes != 40*2048 {
				t.Errorf("ok %d, bytes %d; want 40 pages of 2048 bytes", res.OK, res.Bytes)
			}
		})
	}
}
