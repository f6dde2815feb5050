package main

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// doer sends one request (or runs one floor request) for client, with parameters drawn
// from r, and returns how many SQL statements it ran, when it knows. The API's doer sends
// client's requests to its own instance (target), so a run over several instances spreads
// its clients over them in turn.
type doer func(ctx context.Context, client int, r *rand.Rand) (statements int64, counted bool, err error)

// target returns the instance, out of n, that client sends to: clients are dealt to the
// instances in turn, each keeping its own for the whole run, as a browser keeps the
// connection a balancer gave it.
func target(client, n int) int { return client % max(n, 1) }

// runPhase runs do from n clients, each a request after the other, until d has passed or
// limit requests have started. A request under way at the end is finished and counted, so the
// elapsed time is until the last one ends. pids are the server instances' processes, one per
// target (0 where not known; one, the harness, for the floor); each is sampled for memory.
//
// It also measures CPU time, which other work on the machine does not change as it changes
// throughput: that of the Go processes doing the work (the instances, or for the floor the
// harness itself) and that of the database's backends (cpu reads them; nil for none).
func runPhase(ctx context.Context, kind string, floor bool, n int, d time.Duration, limit int64, pids []int, do doer, seed uint64, cpu *cpuMeter) result {
	if limit <= 0 {
		limit = maxRequests
	}
	if len(pids) == 0 {
		pids = []int{0}
	}
	type worker struct {
		lat        []time.Duration
		errors     int
		firstErr   string
		statements int64
		counted    int
	}
	workers := make([]worker, n)
	var started atomic.Int64
	goPids := pids
	if floor {
		goPids = []int{os.Getpid()}
	}
	goStart := make([]int64, len(goPids))
	for i, pid := range goPids {
		goStart[i], _ = cpuTicks(pid)
	}
	dbStart := cpu.backends(ctx)
	start := time.Now()
	deadline := start.Add(d)

	rssMax := make([]atomic.Int64, len(pids))
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	if !floor {
		sampler.Go(func() {
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				for i, pid := range pids {
					if pid <= 0 {
						continue
					}
					if rss, _, err := memory(pid); err == nil && rss > rssMax[i].Load() {
						rssMax[i].Store(rss)
					}
				}
				select {
				case <-stopSampling:
					return
				case <-tick.C:
				}
			}
		})
	}

	var wg sync.WaitGroup
	for i := range workers {
		w := &workers[i]
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) && started.Add(1) <= limit {
				t0 := time.Now()
				stmts, counted, err := do(ctx, i, r)
				elapsed := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil {
						return // interrupted: not the server's error
					}
					w.errors++
					if w.firstErr == "" {
						w.firstErr = err.Error()
					}
					continue
				}
				w.lat = append(w.lat, elapsed)
				if counted {
					w.statements += stmts
					w.counted++
				}
			}
		})
	}
	wg.Wait()
	res := result{Kind: kind, Floor: floor, Elapsed: time.Since(start), Targets: make([]targetResult, len(pids))}
	counted := map[int]bool{} // two targets served by one process count its CPU once
	for i, pid := range goPids {
		goEnd, err := cpuTicks(pid)
		if err != nil || pid <= 0 {
			continue
		}
		used := time.Duration(goEnd-goStart[i]) * time.Second / ticksPerSecond
		if !floor {
			res.Targets[i].GoCPU = used
		}
		if !counted[pid] {
			res.GoCPU += used
			counted[pid] = true
		}
	}
	res.DBCPU = cpu.since(ctx, dbStart)
	close(stopSampling)
	sampler.Wait()
	for i, w := range workers {
		t := &res.Targets[target(i, len(pids))]
		t.Latency = append(t.Latency, w.lat...)
		t.Errors += w.errors
		res.Latency = append(res.Latency, w.lat...)
		res.Errors += w.errors
		res.Statements += w.statements
		res.Counted += w.counted
		if res.FirstErr == "" {
			res.FirstErr = w.firstErr
		}
	}
	if !floor {
		for i, pid := range pids {
			if pid <= 0 {
				continue
			}
			t := &res.Targets[i]
			t.RSSMaxKB = rssMax[i].Load()
			if _, hwm, err := memory(pid); err == nil {
				t.HWMKB = hwm
			}
			res.RSSMaxKB, res.HWMKB = max(res.RSSMaxKB, t.RSSMaxKB), max(res.HWMKB, t.HWMKB)
		}
	}
	return res
}
