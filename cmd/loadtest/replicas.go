package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// replica is a read replica of the measured database (-replicas), watched during each API
// phase: what it served and how far it trailed the primary. It only reads PostgreSQL's
// statistics; the harness never sends it a request of the mix.
type replica struct {
	name string // host:port/database, without the password
	pool *pgxpool.Pool
}

// replicaSample is a replica's cumulative counters at one moment.
type replicaSample struct {
	ok           bool
	transactions int64 // xact_commit + xact_rollback of the database
	rows         int64 // tup_returned + tup_fetched
	cpu          map[int]int64
}

// replicaResult is what one replica served during a phase. Its counters are PostgreSQL's
// cumulative statistics, which each backend flushes at most once a second: read them over
// runs of several seconds.
type replicaResult struct {
	Name               string
	Known              bool // both samples and the state at the end were read
	Transactions, Rows int64
	CPU                time.Duration // its backends' CPU, when it runs on this machine
	InRecovery         bool
	LagBytes           int64 // WAL the primary had written and the replica had not replayed, at the end; -1 when not known
}

// openReplicas connects to each replica of urls.
func openReplicas(ctx context.Context, urls []string) ([]replica, error) {
	var out []replica
	for _, u := range urls {
		pc, err := pgxpool.ParseConfig(u)
		if err != nil {
			return nil, fmt.Errorf("-replicas: %w", err)
		}
		pc.MaxConns = 2
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			return nil, fmt.Errorf("-replicas %s: %w", pc.ConnConfig.Host, err)
		}
		c := pc.ConnConfig
		out = append(out, replica{name: fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database), pool: pool})
	}
	return out, nil
}

func (r replica) sample(ctx context.Context) replicaSample {
	var s replicaSample
	err := r.pool.QueryRow(ctx, `SELECT xact_commit + xact_rollback, tup_returned + tup_fetched
		FROM pg_stat_database WHERE datname = current_database()`).Scan(&s.transactions, &s.rows)
	s.ok = err == nil
	s.cpu = (&cpuMeter{r.pool}).backends(ctx)
	return s
}

// sampleReplicas reads every replica's counters now.
func sampleReplicas(ctx context.Context, rs []replica) []replicaSample {
	out := make([]replicaSample, len(rs))
	for i, r := range rs {
		out[i] = r.sample(ctx)
	}
	return out
}

// replicaResults compares each replica's counters before and after a phase, and reads its
// state at the end: whether it is in recovery, and its replay position against the
// primary's WAL position (read through primary; nil for none). A server that is not a
// replica has no replay position, and no lag.
func replicaResults(ctx context.Context, rs []replica, before []replicaSample, primary *pgxpool.Pool) []replicaResult {
	out := make([]replicaResult, len(rs))
	var primaryLSN string
	if primary != nil {
		_ = primary.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&primaryLSN)
	}
	for i, r := range rs {
		after := r.sample(ctx)
		res := replicaResult{Name: r.name, LagBytes: -1}
		if before[i].ok && after.ok {
			res.Known = true
			res.Transactions = after.transactions - before[i].transactions
			res.Rows = after.rows - before[i].rows
		}
		for pid, t := range after.cpu {
			res.CPU += time.Duration(t-before[i].cpu[pid]) * time.Second / ticksPerSecond
		}
		var lag *int64
		if err := r.pool.QueryRow(ctx, `SELECT pg_is_in_recovery(),
			pg_wal_lsn_diff(NULLIF($1, '')::pg_lsn, pg_last_wal_replay_lsn())::bigint`,
			primaryLSN).Scan(&res.InRecovery, &lag); err != nil {
			res.Known = false
		}
		if lag != nil {
			res.LagBytes = max(*lag, 0)
		}
		out[i] = res
	}
	return out
}

// writeReplicas writes, for each API phase, what each replica served: transactions and
// rows read per second of the phase, its backends' CPU per API request, and its lag at the
// end.
func writeReplicas(w io.Writer, results []result) {
	fmt.Fprintln(w, "| query | replica | in recovery | transactions/s | rows read/s | DB CPU ms per API request | replay lag at the end, bytes |")
	fmt.Fprintln(w, "| --- | --- | --- | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		if r.Floor {
			continue
		}
		for _, rep := range r.Replicas {
			tps, rows, cpu, lag := "–", "–", "–", "–"
			if rep.Known && r.Elapsed > 0 {
				tps = fmt.Sprintf("%.0f", float64(rep.Transactions)/r.Elapsed.Seconds())
				rows = fmt.Sprintf("%.0f", float64(rep.Rows)/r.Elapsed.Seconds())
			}
			if n := len(r.Latency); n > 0 && rep.CPU > 0 {
				cpu = fmt.Sprintf("%.3f", float64(rep.CPU)/float64(n)/float64(time.Millisecond))
			}
			if rep.LagBytes >= 0 {
				lag = fmt.Sprint(rep.LagBytes)
			}
			fmt.Fprintf(w, "| %s | %s | %t | %s | %s | %s | %s |\n", r.Kind, rep.Name, rep.InRecovery, tps, rows, cpu, lag)
		}
	}
}
