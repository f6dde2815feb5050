package config

import (
	"os"
	"strconv"
	"testing"
)

// TestListenFDs: LISTEN_FDS=1 serves on the inherited socket unless LISTEN_PID names another
// process, as systemd's socket activation means it; any other count is refused.
func TestListenFDs(t *testing.T) {
	for _, tc := range []struct {
		fds, pid string
		inherit  bool
		fails    bool
	}{
		{"", "", false, false},
		{"1", "", true, false},
		{"1", strconv.Itoa(os.Getpid()), true, false},
		{"1", strconv.Itoa(os.Getpid() + 1), false, false},
		{"2", "", false, true},
	} {
		c, err := Load(func(k string) string { return map[string]string{"LISTEN_FDS": tc.fds, "LISTEN_PID": tc.pid}[k] })
		if (err != nil) != tc.fails || c.InheritListener != tc.inherit {
			t.Errorf("LISTEN_FDS=%q LISTEN_PID=%q: inherit %t, error %v; want inherit %t, failure %t", tc.fds, tc.pid, c.InheritListener, err, tc.inherit, tc.fails)
		}
	}
}
