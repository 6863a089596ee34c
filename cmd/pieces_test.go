package cmd

import (
	"context"
	"encoding/json"
	"testing"
)

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
			streams, out, _ := TestStreams("")
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
