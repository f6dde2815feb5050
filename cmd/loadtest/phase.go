package main

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// doer sends one request (or runs one floor request) with parameters drawn from r, and
// returns how many SQL statements it ran, when it knows.
type doer func(ctx context.Context, r *rand.Rand) (statements int64, counted bool, err error)

// runPhase runs do from n clients, each a request after the other, until d has passed or
// max requests have started. A request under way at the end is finished and counted, so the
// elapsed time is until the last one ends. With a pid, it samples the process's memory.
//
// It also measures CPU time, which other work on the machine does not change as it changes
// throughput: that of the Go process doing the work (the server's pid, or for the floor the
// harness itself) and that of the database's backends (cpu reads them; nil for none).
func runPhase(ctx context.Context, kind string, floor bool, n int, d time.Duration, max int64, pid int, do doer, seed uint64, cpu *cpuMeter) result {
	if max <= 0 {
		max = maxRequests
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
	goPid := pid
	if floor {
		goPid = os.Getpid()
	}
	goStart, _ := cpuTicks(goPid)
	dbStart := cpu.backends(ctx)
	start := time.Now()
	deadline := start.Add(d)

	var rssMax atomic.Int64
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	if pid > 0 && !floor {
		sampler.Go(func() {
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				if rss, _, err := memory(pid); err == nil && rss > rssMax.Load() {
					rssMax.Store(rss)
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
			for ctx.Err() == nil && time.Now().Before(deadline) && started.Add(1) <= max {
				t0 := time.Now()
				stmts, counted, err := do(ctx, r)
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
	res := result{Kind: kind, Floor: floor, Elapsed: time.Since(start)}
	if goEnd, err := cpuTicks(goPid); err == nil && goPid > 0 {
		res.GoCPU = time.Duration(goEnd-goStart) * time.Second / ticksPerSecond
	}
	res.DBCPU = cpu.since(ctx, dbStart)
	close(stopSampling)
	sampler.Wait()
	for _, w := range workers {
		res.Latency = append(res.Latency, w.lat...)
		res.Errors += w.errors
		res.Statements += w.statements
		res.Counted += w.counted
		if res.FirstErr == "" {
			res.FirstErr = w.firstErr
		}
	}
	if pid > 0 && !floor {
		res.RSSMaxKB = rssMax.Load()
		if _, hwm, err := memory(pid); err == nil {
			res.HWMKB = hwm
		}
	}
	return res
}
