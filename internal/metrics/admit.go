package metrics

import "github.com/prometheus/client_golang/prometheus"

// The admission gate's metrics (internal/admit): how many operations were let in at once,
// how many waited and for how long, and how many were refused with OVERLOADED.
var (
	AdmitAdmitted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "admission_admitted_total", Help: "GraphQL operations admitted into execution, at once or after waiting.",
	})
	AdmitQueued = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "admission_queued_total", Help: "GraphQL operations that had to wait for a slot.",
	})
	AdmitRejected = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "admission_rejected_total", Help: "GraphQL operations refused with OVERLOADED after waiting the longest wait.",
	})
	AdmitWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "admission_queue_wait_seconds", Help: "Time operations that had to wait spent in the queue.",
		Buckets: latencyBuckets,
	})
	AdmitRunning = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "admission_running", Help: "GraphQL operations executing now.",
	})
	AdmitWaiting = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "admission_waiting", Help: "GraphQL operations waiting for a slot now.",
	})
	AdmitLimit = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "admission_limit", Help: "Most GraphQL operations executing at once (ADMIT_CONCURRENCY).",
	})
)

func init() {
	Registry.MustRegister(AdmitAdmitted, AdmitQueued, AdmitRejected, AdmitWait, AdmitRunning, AdmitWaiting, AdmitLimit)
}
