package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// memory reads a process's resident set now (VmRSS) and at its peak (VmHWM), in kB, from
// /proc/<pid>/status.
func memory(pid int) (rssKB, hwmKB int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch k {
		case "VmRSS":
			rssKB = n
		case "VmHWM":
			hwmKB = n
		}
	}
	return rssKB, hwmKB, sc.Err()
}

// listener finds the process listening on TCP port: the socket's inode from /proc/net/tcp
// (and tcp6), then the process that holds a descriptor for it. It needs permission to read
// the other process's descriptors, which the same user has.
func listener(port int) (int, error) {
	inodes := map[string]bool{}
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || f[3] != "0A" { // 0A is LISTEN
				continue
			}
			_, hexPort, _ := strings.Cut(f[1], ":")
			if p, err := strconv.ParseInt(hexPort, 16, 32); err == nil && int(p) == port {
				inodes["socket:["+f[9]+"]"] = true
			}
		}
	}
	if len(inodes) == 0 {
		return 0, fmt.Errorf("nothing listens on port %d", port)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		fds, _ := filepath.Glob(p + "/fd/*")
		for _, fd := range fds {
			if target, err := os.Readlink(fd); err == nil && inodes[target] {
				return strconv.Atoi(filepath.Base(p))
			}
		}
	}
	return 0, fmt.Errorf("no readable process holds the socket listening on port %d; pass -pid", port)
}

// cpuTicks returns the CPU time a process has used, user and system, in clock ticks
// (USER_HZ, 100 a second on Linux), from /proc/<pid>/stat.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unreadable CPU times", pid)
	}
	return utime + stime, nil
}

// ticksPerSecond is USER_HZ, which is 100 on every Linux the harness runs on.
const ticksPerSecond = 100

// cpuMeter reads the CPU time of the PostgreSQL backends connected to the measured
// database, whichever client opened them.
type cpuMeter struct{ pool *pgxpool.Pool }

// backends returns each backend's CPU ticks now, by pid.
func (m *cpuMeter) backends(ctx context.Context) map[int]int64 {
	if m == nil {
		return nil
	}
	rows, err := m.pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`)
	if err != nil {
		return nil
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil
	}
	out := make(map[int]int64, len(pids))
	for _, pid := range pids {
		if t, err := cpuTicks(int(pid)); err == nil {
			out[int(pid)] = t
		}
	}
	return out
}

// since returns the CPU time the backends used since start; a backend that started later
// counts in full, one that ended in between is lost (the pools keep theirs open).
func (m *cpuMeter) since(ctx context.Context, start map[int]int64) time.Duration {
	var ticks int64
	for pid, t := range m.backends(ctx) {
		ticks += t - start[pid]
	}
	return time.Duration(ticks) * time.Second / ticksPerSecond
}
