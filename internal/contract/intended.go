package contract

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Intended is a breaking change made on purpose, as schema/intended-changes.txt lists it.
type Intended struct {
	ID     string // `KIND Path`, as Change.ID
	Reason string
	Line   int
}

// ParseIntended reads the list of intended breaking changes: one per line,
// `KIND Path: reason`, where the reason says why and how clients move on; blank lines and
// lines starting with # are ignored. A line without a reason is an error, because the reason
// is what the partners affected are told.
func ParseIntended(text []byte) ([]Intended, error) {
	var out []Intended
	var errs []string
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, ok := strings.Cut(line, ":")
		fields := strings.Fields(id)
		switch {
		case !ok || len(fields) != 2:
			errs = append(errs, fmt.Sprintf("line %d: want `KIND Path: reason`, got %q", n, line))
		case strings.TrimSpace(reason) == "":
			errs = append(errs, fmt.Sprintf("line %d: %s has no reason", n, id))
		default:
			out = append(out, Intended{ID: fields[0] + " " + fields[1], Reason: strings.TrimSpace(reason), Line: n})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read intended changes: %w", err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("intended changes: %s", strings.Join(errs, "; "))
	}
	return out, nil
}

// CheckIntended returns one problem for each breaking change that intended does not list,
// and one for each listed change that does not happen (a stale line would let the same
// change through unnoticed later). No problems means the change set may ship.
func CheckIntended(changes []Change, intended []Intended) []string {
	listed := make(map[string]bool, len(intended))
	for _, in := range intended {
		listed[in.ID] = true
	}
	happened := make(map[string]bool)
	var problems []string
	for _, c := range Breaking(changes) {
		happened[c.ID()] = true
		if !listed[c.ID()] {
			problems = append(problems, "breaking change not listed as intended: "+c.String())
		}
	}
	for _, in := range intended {
		if !happened[in.ID] {
			problems = append(problems, fmt.Sprintf("line %d lists %s, which is not a breaking change against the release; remove the line", in.Line, in.ID))
		}
	}
	return problems
}
