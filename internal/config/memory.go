package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// memorySettings tune the Go garbage collector. The Go runtime reads GOGC and GOMEMLIMIT
// itself; they are in this table so that the server's own defaults apply when they are
// unset, and so that --help and the README list them. The defaults trade memory for CPU:
// at 32 clients the collector took a fifth of the server's CPU on the nested campaign list
// at GOGC=100, and GOGC=200 under a 150 MiB soft limit keeps the process under the 200 MB
// the load run allows (BENCHMARKS.md).
var memorySettings = []setting{
	{"GOGC", "200", "the server's garbage collection target: the heap grows by this percentage of the live heap before a collection; off to collect only at GOMEMLIMIT",
		func(c *Config, v string) error {
			if v == "off" {
				c.GCPercent = -1
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return fmt.Errorf("want a positive percentage or off, got %q", v)
			}
			c.GCPercent = n
			return nil
		}},
	{"GOMEMLIMIT", "150MiB", "soft limit on the server's Go memory, in bytes or with a unit (KiB, MiB, GiB), or off: the collector runs harder as the process nears it",
		func(c *Config, v string) error { return memLimit(v, &c.MemoryLimit) }},
}

// memLimit reads a size the way the Go runtime reads GOMEMLIMIT; off is no limit.
func memLimit(v string, dst *int64) error {
	if v == "off" {
		*dst = math.MaxInt64
		return nil
	}
	num, mult := v, int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if s, ok := strings.CutSuffix(v, u.suffix); ok {
			num, mult = s, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return fmt.Errorf("want a size such as 150MiB, or off, got %q", v)
	}
	*dst = n * mult
	return nil
}
