// Package buildinfo says which build of fanout is running: the module
// version, VCS revision and Go version the toolchain recorded, and the
// User-Agent and names derived from them, so that every place that names
// the build (fanout version, the User-Agent, a WARC file's warcinfo) says
// the same.
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Version says which build of fanout this is, from the build info the Go
// toolchain records in every binary (debug.ReadBuildInfo).
type Version struct {
	Module   string // the module's version: v1.2.3, a pseudo-version, or "devel"
	Revision string // the VCS revision, when the build recorded one
	Time     string // the revision's commit time (RFC 3339), when recorded
	Modified bool   // the work tree had changes not committed
	Go       string // the toolchain that built it
}

// Read reads this binary's build info.
func Read() Version {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Version{Module: "devel"}
	}
	return From(info)
}

// From extracts a Version from build info. A build from a
// checkout has the module version "(devel)"; a build with -buildvcs=false
// (or outside a repository) has no vcs settings at all.
func From(info *debug.BuildInfo) Version {
	v := Version{Module: info.Main.Version, Go: info.GoVersion}
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

// Short is the version for the User-Agent: the module version without its
// "v", or for a development build "devel" and the revision's first 12
// digits when known (devel+0123456789ab).
func (v Version) Short() string {
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
func (v Version) String() string {
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

// UserAgent is the default User-Agent of this version: every request
// fanout makes sends it unless -A says otherwise (fetcher.DefaultUserAgent).
func (v Version) UserAgent() string {
	return "fanout/" + v.Short() + " (+https://github.com/fanout-dev/fanout)"
}
