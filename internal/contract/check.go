package contract

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/mod/semver"
)

// The files of the contract, relative to the repository's root.
const (
	SchemaFile   = "schema.graphql"
	ReleasesDir  = "schema/releases"
	IntendedFile = "schema/intended-changes.txt"
	// UpdateCommand rewrites SchemaFile; messages about a stale file name it.
	UpdateCommand = "go run . schema > schema.graphql"
)

// Report is what Check found.
type Report struct {
	// Stale is true when SchemaFile differs from the executable schema.
	Stale bool
	// Release is the version the schema is compared with, e.g. "v1.0.0".
	Release string
	// Changes are all changes since Release, breaking or not.
	Changes []Change
	// Unintended are the breaking changes IntendedFile does not list, and its lines that
	// list a change that does not happen.
	Unintended []string
	// Lint are the breaches of the naming, description and deprecation rules.
	Lint []string
}

// OK reports whether the schema may ship as it is.
func (r Report) OK() bool { return !r.Stale && len(r.Unintended) == 0 && len(r.Lint) == 0 }

// Check holds schema, the one the server executes, to the contract files under root.
func Check(root string, schema *ast.Schema) (Report, error) {
	var r Report
	committed, err := os.ReadFile(filepath.Join(root, SchemaFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return r, fmt.Errorf("read %s: %w", SchemaFile, err)
	}
	r.Stale = !bytes.Equal(committed, Print(schema))

	version, sdl, err := LatestRelease(filepath.Join(root, ReleasesDir))
	if err != nil {
		return r, err
	}
	released, err := Load(filepath.Join(ReleasesDir, version+".graphql"), sdl)
	if err != nil {
		return r, err
	}
	r.Release = version
	r.Changes = Diff(released, schema)

	text, err := os.ReadFile(filepath.Join(root, IntendedFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return r, fmt.Errorf("read %s: %w", IntendedFile, err)
	}
	intended, err := ParseIntended(text)
	if err != nil {
		return r, fmt.Errorf("%s: %w", IntendedFile, err)
	}
	r.Unintended = CheckIntended(r.Changes, intended)
	r.Lint = Lint(schema)
	return r, nil
}

// LatestRelease returns the highest semantic version among the vX.Y.Z.graphql files in dir,
// and that file's SDL.
func LatestRelease(dir string) (version string, sdl []byte, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil, fmt.Errorf("schema releases: %w", err)
	}
	var versions []string
	for _, e := range entries {
		v, ok := strings.CutSuffix(e.Name(), ".graphql")
		if ok && semver.IsValid(v) && semver.Canonical(v) == v { // vX.Y.Z in full, not v2
			versions = append(versions, v)
		}
	}
	if len(versions) == 0 {
		return "", nil, fmt.Errorf("schema releases: no vX.Y.Z.graphql in %s", dir)
	}
	slices.SortFunc(versions, semver.Compare)
	version = versions[len(versions)-1]
	sdl, err = os.ReadFile(filepath.Join(dir, version+".graphql"))
	if err != nil {
		return "", nil, fmt.Errorf("schema release %s: %w", version, err)
	}
	return version, sdl, nil
}
