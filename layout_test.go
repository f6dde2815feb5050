package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeLayoutNamesEveryPackage holds the README's layout section to the tree: a new
// package is a line there, so that a newcomer's map of the code stays whole.
func TestReadmeLayoutNamesEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)## Layout\n\n```\n(.*?)\n```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no code block under ## Layout")
	}
	lines := strings.Split(string(block[1]), "\n")
	for _, dir := range packageDirs(t) {
		if !layoutNames(lines, dir) {
			t.Errorf("README's layout section does not name %s/", dir)
		}
	}
}

// layoutNames reports whether a line of the layout names dir: as "dir/" itself, as files of
// it ("graph/*.resolvers.go"), or as its parent's line mentioning dir's own name
// ("scripts/ … testcounts").
func layoutNames(lines []string, dir string) bool {
	parent, base := filepath.Split(dir)
	for _, line := range lines {
		for _, field := range strings.Fields(strings.ReplaceAll(line, ",", " ")) {
			if field == dir+"/" || strings.HasPrefix(field, dir+"/*") ||
				(parent != "" && field == parent && strings.Contains(line, base)) {
				return true
			}
		}
	}
	return false
}

// packageDirs lists the directories below the root that hold a package's non-test Go files.
func packageDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "artefacts") {
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.Dir(path)
		if dir != "." && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 20 {
		t.Fatalf("found only %d package directories: %v", len(dirs), dirs)
	}
	return dirs
}
