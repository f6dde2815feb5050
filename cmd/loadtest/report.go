package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// result is what one phase measured.
type result struct {
	Kind     string
	Floor    bool
	Elapsed  time.Duration
	Latency  []time.Duration // one per completed request, in no particular order
	Errors   int
	FirstErr string
	// Statements is the sum of the SQL statements reported by the requests that reported
	// them, and Counted how many did.
	Statements int64
	Counted    int
	// RSSMaxKB is the largest resident set sampled during the phase, HWMKB the process's
	// peak since it started (VmHWM); 0 when not known.
	RSSMaxKB, HWMKB int64
	// GoCPU is the CPU time of the Go process that did the work (the server, or the harness
	// running the floor), DBCPU that of PostgreSQL's backends serving it; 0 when not known.
	GoCPU, DBCPU time.Duration
	// Targets are the same figures for each instance of a run over several (-url a,b,c),
	// in the order of -url: the requests of the clients dealt to it, its process's CPU and
	// memory. The floor has one target, the harness.
	Targets []targetResult
	// Replicas are what each replica of -replicas served during an API phase.
	Replicas []replicaResult
}

// targetResult is what one instance served during a phase.
type targetResult struct {
	Latency         []time.Duration
	Errors          int
	GoCPU           time.Duration
	RSSMaxKB, HWMKB int64
}

// summary is a result reduced to the figures of the report.
type summary struct {
	Requests            int
	PerSecond           float64
	P50, P90, P99, Max  time.Duration
	ErrorRate           float64
	StatementsPerReq    float64 // -1 when no request reported its statements
	P99OverP50          float64
	RSSMaxMB, HWMMB     float64
	Kind                string
	Floor               bool
	Errors              int
	FirstErr            string
	StatementsReported  bool
	Elapsed             time.Duration
	LatencyObservations int
	// GoCPUPerReq and DBCPUPerReq are CPU time per answered request.
	GoCPUPerReq, DBCPUPerReq time.Duration
}

// percentile returns the nearest-rank percentile p (0 < p <= 100) of sorted: the smallest
// value with at least p% of the values at or below it. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100 + 0.9999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func summarize(r result) summary {
	lat := slices.Clone(r.Latency)
	slices.Sort(lat)
	n := len(lat)
	s := summary{Kind: r.Kind, Floor: r.Floor, Requests: n + r.Errors, Errors: r.Errors, FirstErr: r.FirstErr,
		Elapsed: r.Elapsed, LatencyObservations: n, StatementsPerReq: -1,
		RSSMaxMB: float64(r.RSSMaxKB) / 1024, HWMMB: float64(r.HWMKB) / 1024}
	if r.Elapsed > 0 {
		s.PerSecond = float64(n) / r.Elapsed.Seconds()
	}
	s.P50, s.P90, s.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	if n > 0 {
		s.Max = lat[n-1]
	}
	if s.P50 > 0 {
		s.P99OverP50 = float64(s.P99) / float64(s.P50)
	}
	if s.Requests > 0 {
		s.ErrorRate = float64(r.Errors) / float64(s.Requests)
	}
	if n > 0 {
		s.GoCPUPerReq, s.DBCPUPerReq = r.GoCPU/time.Duration(n), r.DBCPU/time.Duration(n)
	}
	if r.Counted > 0 {
		s.StatementsPerReq = float64(r.Statements) / float64(r.Counted)
		s.StatementsReported = true
	}
	return s
}

// ms formats a duration in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// writeTable writes the summaries as a Markdown table, with each API row's throughput as a
// ratio of the floor's for the same kind where the floor was measured.
func writeTable(w io.Writer, sums []summary, floor map[string]float64) {
	fmt.Fprintln(w, "| query | mode | requests | req/s | p50 ms | p90 ms | p99 ms | p99/p50 | errors | statements/req | Go CPU ms/req | DB CPU ms/req | RSS max MB | VmHWM MB | × floor |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range sums {
		mode := "API"
		if s.Floor {
			mode = "floor"
		}
		stmts := "–"
		if s.StatementsReported {
			stmts = fmt.Sprintf("%.2f", s.StatementsPerReq)
		}
		ratio := "–"
		if f, ok := floor[s.Kind]; ok && !s.Floor && f > 0 {
			ratio = fmt.Sprintf("%.2f", s.PerSecond/f)
		}
		rss, hwm := "–", "–"
		if s.RSSMaxMB > 0 {
			rss = fmt.Sprintf("%.0f", s.RSSMaxMB)
		}
		if s.HWMMB > 0 {
			hwm = fmt.Sprintf("%.0f", s.HWMMB)
		}
		goCPU, dbCPU := "–", "–"
		if s.GoCPUPerReq > 0 {
			goCPU = fmt.Sprintf("%.3f", float64(s.GoCPUPerReq)/float64(time.Millisecond))
		}
		if s.DBCPUPerReq > 0 {
			dbCPU = fmt.Sprintf("%.3f", float64(s.DBCPUPerReq)/float64(time.Millisecond))
		}
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %s | %s | %.1f | %d | %s | %s | %s | %s | %s | %s |\n",
			s.Kind, mode, s.Requests, s.PerSecond, ms(s.P50), ms(s.P90), ms(s.P99), s.P99OverP50, s.Errors, stmts, goCPU, dbCPU, rss, hwm, ratio)
	}
	for _, s := range sums {
		if s.FirstErr != "" {
			fmt.Fprintf(w, "\nfirst error of %s: %s\n", s.Kind, strings.TrimSpace(s.FirstErr))
		}
	}
}

// writeInstances writes, for a run over several instances, each API phase's figures per
// instance: whether the clients dealt to each were served alike, and what each process
// spent. urls name the instances in the order of -url.
func writeInstances(w io.Writer, results []result, urls []string) {
	fmt.Fprintln(w, "| query | instance | requests | req/s | p50 ms | p99 ms | errors | Go CPU ms/req | RSS max MB | VmHWM MB |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		if r.Floor {
			continue
		}
		for i, t := range r.Targets {
			s := summarize(result{Kind: r.Kind, Elapsed: r.Elapsed, Latency: t.Latency, Errors: t.Errors,
				GoCPU: t.GoCPU, RSSMaxKB: t.RSSMaxKB, HWMKB: t.HWMKB})
			name := fmt.Sprint(i + 1)
			if i < len(urls) {
				name = urls[i]
			}
			goCPU, rss, hwm := "–", "–", "–"
			if s.GoCPUPerReq > 0 {
				goCPU = fmt.Sprintf("%.3f", float64(s.GoCPUPerReq)/float64(time.Millisecond))
			}
			if s.RSSMaxMB > 0 {
				rss = fmt.Sprintf("%.0f", s.RSSMaxMB)
			}
			if s.HWMMB > 0 {
				hwm = fmt.Sprintf("%.0f", s.HWMMB)
			}
			fmt.Fprintf(w, "| %s | %s | %d | %.0f | %s | %s | %d | %s | %s | %s |\n",
				r.Kind, name, s.Requests, s.PerSecond, ms(s.P50), ms(s.P99), s.Errors, goCPU, rss, hwm)
		}
	}
}
