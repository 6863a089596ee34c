package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFrom(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name      string
		info      debug.BuildInfo
		wantLong  string
		wantShort string
	}{
		{"go build without vcs", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"fanout devel (built with go1.26.8)", "devel"},
		{"go test: no main version", debug.BuildInfo{}, "fanout devel", "devel"},
		{"go build in a checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
				{Key: "vcs.time", Value: "2026-11-26T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"fanout devel (revision " + rev + ", committed 2026-11-26T10:00:00Z, with uncommitted changes, built with go1.26.8)",
			"devel+0123456789ab"},
		{"go install @v1.2.3", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			"fanout v1.2.3 (built with go1.26.8)", "1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := From(&tt.info)
			if got := v.String(); got != tt.wantLong {
				t.Errorf("String() = %q, want %q", got, tt.wantLong)
			}
			if got := v.Short(); got != tt.wantShort {
				t.Errorf("Short() = %q, want %q", got, tt.wantShort)
			}
			if ua := v.UserAgent(); ua != "fanout/"+tt.wantShort+" (+https://github.com/fanout-dev/fanout)" {
				t.Errorf("User-Agent %q", ua)
			}
		})
	}
}
