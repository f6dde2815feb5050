package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNeeds runs the cases of a missing tool in a child process (a skip or a failure ends a
// test, so the parent looks at how the child's ended): skipped without CI=true, failed with
// it, and let through when the tool is there.
func TestNeeds(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") != "" {
		Needs(t, "a tool no machine has", false)
		t.Log("went on")
		return
	}
	for _, tc := range []struct {
		ci   string
		want string
		fail bool
	}{
		{"", "--- SKIP: TestNeeds", false},
		{"false", "--- SKIP: TestNeeds", false},
		{"true", "--- FAIL: TestNeeds", true},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNeeds$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_CHILD=1", "CI="+tc.ci)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tc.fail || !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "a tool no machine has") {
			t.Errorf("CI=%q: err %v, want failed %t and %q in:\n%s", tc.ci, err, tc.fail, tc.want, out)
		}
	}
}

// TestToolFindsACommand: a command that is there is returned, whatever CI says.
func TestToolFindsACommand(t *testing.T) {
	t.Setenv("CI", "true")
	if path := Tool(t, "sh", "any Unix has it"); path == "" {
		t.Error("no path for sh")
	}
}
