// Command testcounts reads `go test -json` on stdin and writes what a person reads in CI:
// each package's result line as go test prints it, the whole output of every test that
// failed (and of a package that did not build or failed outside its tests), the tests that
// were skipped with their reasons, and last one line of counts:
//
//	tests: 259 passed, 0 failed, 0 skipped; subtests: 1650 passed, 0 failed, 0 skipped
//
// It exits 1 when a test or package failed, so that CI fails with it. .ci/run pipes the
// README's test command into it: go test -json -race -count=1 ./... | testcounts
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (go doc test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	// ImportPath is set on build output (Action "build-output", "build-fail").
	ImportPath string
}

// counts are the results of tests or of subtests.
type counts struct{ passed, failed, skipped int }

func (c counts) String() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.passed, c.failed, c.skipped)
}

// summary is what the events said.
type summary struct {
	tests, subtests counts
	// failedPackages are packages that failed, with or without a failed test.
	failedPackages []string
	// skips are the skipped tests with the reason their output gives.
	skips []string
}

func main() {
	s, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testcounts:", err)
		os.Exit(2)
	}
	if s.tests.failed+s.subtests.failed > 0 || len(s.failedPackages) > 0 {
		os.Exit(1)
	}
}

// summarize reads the events of r, writes the readable report on w, and returns the counts.
func summarize(r io.Reader, w io.Writer) (summary, error) {
	var s summary
	// output holds each test's output until it ends: shown only if it failed.
	output := map[string]*strings.Builder{}
	pkgOutput := map[string]*strings.Builder{}
	key := func(e event) string { return e.Package + " " + e.Test }
	failedTests := map[string]bool{} // packages with a failed test
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Fprintf(w, "%s\n", line) // not an event: go test's own words (e.g. a vet failure)
			continue
		}
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output) // compiler errors, as go test prints them
		case e.Test == "" && e.Action == "output":
			b := pkgOutput[e.Package]
			if b == nil {
				b = new(strings.Builder)
				pkgOutput[e.Package] = b
			}
			b.WriteString(e.Output)
			// The package's result line ("ok  	campaigns/x	1.2s", "FAIL	campaigns/x"…).
			if strings.HasPrefix(e.Output, "ok  ") || strings.HasPrefix(e.Output, "FAIL\t") || strings.HasPrefix(e.Output, "?   ") {
				fmt.Fprint(w, e.Output)
			}
		case e.Test == "" && e.Action == "fail":
			s.failedPackages = append(s.failedPackages, e.Package)
			if !failedTests[e.Package] {
				// Failed outside any test (a panic in TestMain, a build failure, a
				// timeout): everything the package printed is all there is to go on.
				fmt.Fprintf(w, "\n--- output of %s, which failed outside its tests:\n%s\n", e.Package, pkgOutput[e.Package])
			}
		case e.Test != "" && e.Action == "output":
			b := output[key(e)]
			if b == nil {
				b = new(strings.Builder)
				output[key(e)] = b
			}
			b.WriteString(e.Output)
		case e.Test != "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			c := &s.tests
			if strings.Contains(e.Test, "/") {
				c = &s.subtests
			}
			switch e.Action {
			case "pass":
				c.passed++
			case "fail":
				c.failed++
				failedTests[e.Package] = true
				fmt.Fprintf(w, "\n--- FAIL: %s %s\n%s\n", e.Package, e.Test, output[key(e)])
			case "skip":
				c.skipped++
				s.skips = append(s.skips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, skipReason(output[key(e)])))
			}
			delete(output, key(e))
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	if len(s.skips) > 0 {
		sort.Strings(s.skips)
		fmt.Fprintf(w, "\nskipped:\n  %s\n", strings.Join(s.skips, "\n  "))
	}
	if len(s.failedPackages) > 0 {
		fmt.Fprintf(w, "\nfailed packages:\n  %s\n", strings.Join(s.failedPackages, "\n  "))
	}
	fmt.Fprintf(w, "\ntests: %s; subtests: %s\n", s.tests, s.subtests)
	return s, nil
}

// skipReason is the message a skipped test gave (the lines after its "--- SKIP" line), in
// one line.
func skipReason(out *strings.Builder) string {
	if out == nil {
		return "(no reason given)"
	}
	var reason []string
	for l := range strings.SplitSeq(out.String(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		reason = append(reason, l)
	}
	if len(reason) == 0 {
		return "(no reason given)"
	}
	return strings.Join(reason, " ")
}
