package contract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree writes files (path → content) under a new directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for path, content := range files {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestLatestReleaseComparesVersionsNotNames(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"v1.9.0.graphql": "a", "v1.10.0.graphql": "b", "v1.10.0-rc.1.graphql": "c", "notes.txt": "d", "v2.graphql": "e",
	})
	version, sdl, err := LatestRelease(dir)
	if err != nil {
		t.Fatal(err)
	}
	// v2 is not a version in full (vX.Y.Z), so it is not a release file.
	if version != "v1.10.0" || string(sdl) != "b" {
		t.Errorf("latest release %s (%q), want v1.10.0", version, sdl)
	}
	if _, _, err := LatestRelease(t.TempDir()); err == nil {
		t.Error("an empty releases directory gave no error")
	}
}

// TestCheck runs the whole check over a repository tree as the test and the command do.
func TestCheck(t *testing.T) {
	current := load(t, edit(t, `"O." summary: String`, ``))
	printed := string(Print(current))
	cases := []struct {
		name           string
		files          map[string]string
		wantStale      bool
		wantUnintended int
		ok             bool
	}{
		{"breaking change not intended", map[string]string{SchemaFile: printed, ReleasesDir + "/v1.0.0.graphql": base}, false, 1, false},
		{"breaking change intended", map[string]string{SchemaFile: printed, ReleasesDir + "/v1.0.0.graphql": base,
			IntendedFile: "FIELD_REMOVED Campaign.summary: folded into description\n"}, false, 0, true},
		{"stale file", map[string]string{SchemaFile: base, ReleasesDir + "/v1.0.0.graphql": base,
			IntendedFile: "FIELD_REMOVED Campaign.summary: folded into description\n"}, true, 0, false},
		{"no file yet", map[string]string{ReleasesDir + "/v1.0.0.graphql": printed}, true, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Check(writeTree(t, tc.files), current)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{r.Stale, len(r.Unintended), r.OK(), r.Release}
			want := []any{tc.wantStale, tc.wantUnintended, tc.ok, "v1.0.0"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stale, unintended, ok, release (-want +got):\n%s\nunintended: %s", diff, strings.Join(r.Unintended, "; "))
			}
		})
	}
	t.Run("malformed intended list", func(t *testing.T) {
		_, err := Check(writeTree(t, map[string]string{SchemaFile: printed, ReleasesDir + "/v1.0.0.graphql": base,
			IntendedFile: "FIELD_REMOVED Campaign.summary:\n"}), current)
		if err == nil || !strings.Contains(err.Error(), "has no reason") {
			t.Errorf("err = %v, want one about the missing reason", err)
		}
	})
}
