package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{name: "from a repository", bi: debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-11-28T21:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			want: "campaigns v1.2.0 revision abc123 (modified) built from a commit of 2026-11-28T21:00:00Z go1.26.8"},
		{name: "without VCS information", bi: debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: "campaigns (devel) go1.26.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromBuildInfo(&tt.bi).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := Read().String(); !strings.Contains(got, "go1.") {
		t.Errorf("Read: %q names no Go version", got)
	}
}
