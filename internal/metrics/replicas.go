package metrics

import "github.com/prometheus/client_golang/prometheus"

// The read replicas' metrics (internal/store/replicas.go), with DATABASE_REPLICA_URLS only:
// no series shows without replicas. A replica is labelled with its host:port, never with
// its URL, which may hold a password.
var (
	// ReplicaLag is how far behind the primary each replica was at its last probe, in
	// seconds: the time since the primary held WAL that the replica has not yet replayed.
	ReplicaLag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "db_replica_lag_seconds", Help: "How far behind the primary a read replica was at its last probe, by replica.",
	}, []string{"replica"})

	// ReplicaUp is 1 while a replica answers its probe and is within REPLICA_MAX_LAG, so
	// that it serves reads, and 0 while it is skipped.
	ReplicaUp = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "db_replica_up", Help: "1 while a read replica answers and is within REPLICA_MAX_LAG, so serves reads; 0 while it is skipped.",
	}, []string{"replica"})

	// Reads counts the statements that a replica could have served (queries outside
	// transactions, of operations that may read a replica), by where they went: target
	// "primary" (no replica was fit, a token's wait ran out, or the request had read the
	// primary already) or "replica", with the replica's host:port.
	Reads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "db_reads_total", Help: "Statements that a read replica could have served, by target (primary or replica) and replica.",
	}, []string{"target", "replica"})
)

func init() {
	Registry.MustRegister(ReplicaLag, ReplicaUp, Reads)
}
