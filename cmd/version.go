package cmd

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildVersion says which build of fanout this is, from the build info the
// Go toolchain records in every binary (debug.ReadBuildInfo).
type buildVersion struct {
	Module   string // the module's version: v1.2.3, a pseudo-version, or "devel"
	Revision string // the VCS revision, when the build recorded one
	Time     string // the revision's commit time (RFC 3339), when recorded
	Modified bool   // the work tree had changes not committed
	Go       string // the toolchain that built it
}

// readVersion reads this binary's build info.
func readVersion() buildVersion {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return buildVersion{Module: "devel"}
	}
	return versionOf(info)
}

// versionOf extracts a buildVersion from build info. A build from a
// checkout has the module version "(devel)"; a build with -buildvcs=false
// (or outside a repository) has no vcs settings at all.
func versionOf(info *debug.BuildInfo) buildVersion {
	v := buildVersion{Module: info.Main.Version, Go: info.GoVersion}
	if v.Module == "" || v.Module == "(devel)" {
		v.Module = "devel"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// short is the version for the User-Agent: the module version without its
// "v", or for a development build "devel" and the revision's first 12
// digits when known (devel+0123456789ab).
func (v buildVersion) short() string {
	if v.Module != "devel" {
		return strings.TrimPrefix(v.Module, "v")
	}
	if v.Revision != "" {
		return "devel+" + v.Revision[:min(12, len(v.Revision))]
	}
	return "devel"
}

// String is the version for people: "fanout v1.2.3" or "fanout devel",
// then the revision, its time and whether the tree was modified, and the
// Go version, as far as they are known.
func (v buildVersion) String() string {
	var details []string
	if v.Revision != "" {
		details = append(details, "revision "+v.Revision)
	}
	if v.Time != "" {
		details = append(details, "committed "+v.Time)
	}
	if v.Modified {
		details = append(details, "with uncommitted changes")
	}
	if v.Go != "" {
		details = append(details, "built with "+v.Go)
	}
	s := "fanout " + v.Module
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s
}

// userAgent is the default User-Agent for version v.
func userAgent(v buildVersion) string {
	return "fanout/" + v.short() + " (+https://github.com/fanout-dev/fanout)"
}

// NewCmdVersion returns the version command; fanout --version says the same.
func NewCmdVersion(streams *IOStreams, v buildVersion) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Say which build of fanout this is (module version, VCS revision, Go version)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(streams.Out, v)
			return err
		},
	}
}
