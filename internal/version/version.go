// Package version tells which build of the server is running, from the build information
// the Go toolchain embeds: a partner reporting a problem, or an operator comparing
// instances, needs the exact revision, not a hand-kept number.
package version

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Info is what --version prints.
type Info struct {
	Module    string // the main module's version: (devel) for a build from a work tree
	Revision  string // the VCS revision, when built from a repository
	Time      string // the revision's commit time
	Modified  bool   // whether the work tree had uncommitted changes
	GoVersion string
}

// revision and commitTime may be set at link time, for builds where the toolchain cannot
// read the repository (a container build without .git, or -buildvcs=false):
//
//	go build -ldflags "-X campaigns/internal/version.revision=$(git rev-parse HEAD)"
var revision, commitTime string

// Read returns the running binary's build information.
func Read() Info {
	in := Info{Module: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		in = FromBuildInfo(bi)
	}
	if in.Revision == "" {
		in.Revision = revision
	}
	if in.Time == "" {
		in.Time = commitTime
	}
	return in
}

// FromBuildInfo picks the fields of Info out of bi.
func FromBuildInfo(bi *debug.BuildInfo) Info {
	in := Info{Module: bi.Main.Version, GoVersion: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// String is one line, e.g. "campaigns (devel) revision 1a2b3c… (modified) 2026-11-28T21:00:00Z go1.26.8".
func (in Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "campaigns %s", orUnknown(in.Module))
	if in.Revision != "" {
		fmt.Fprintf(&b, " revision %s", in.Revision)
		if in.Modified {
			b.WriteString(" (modified)")
		}
	}
	if in.Time != "" {
		fmt.Fprintf(&b, " built from a commit of %s", in.Time)
	}
	fmt.Fprintf(&b, " %s", orUnknown(in.GoVersion))
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
