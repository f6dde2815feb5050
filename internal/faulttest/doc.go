// Package faulttest proves that the API survives faults: a statement that runs too long, a
// client that goes away mid-query, PostgreSQL restarted under load, and SIGTERM under load.
// It holds only tests. They stay on the loopback interface and bound every wait; the
// restart test runs a private PostgreSQL cluster of its own (cluster_test.go), never the
// shared server that the other test packages use at the same time.
package faulttest
