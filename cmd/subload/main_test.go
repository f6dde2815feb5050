package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/metrics"
	"campaigns/internal/realtime"
	"campaigns/internal/seed"
)

// TestSubloadDeliversToEverySubscriber runs the command with 20 subscribers against a
// server over the seeded database: every subscriber gets the one change, and the report
// says so, with the server's memory (this process's: the server runs in the test).
func TestSubloadDeliversToEverySubscriber(t *testing.T) {
	st := dbtest.New(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	key := apitest.Key(t, st, "mtv-exit", "EDITOR")
	ctx, cancel := context.WithCancel(context.Background())
	b := realtime.New(st, realtime.Options{PerKey: 100})
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	select {
	case <-b.Listening():
	case <-time.After(20 * time.Second):
		t.Fatal("the broker does not listen")
	}
	streams := new(api.Streams)
	srv := httptest.NewServer(api.New(st, api.Options{Broker: b, Streams: streams, Limits: limits.Config{MaxCost: apitest.TestMaxCost}}))
	met := httptest.NewServer(metrics.Handler())
	t.Cleanup(func() {
		b.Shutdown()
		closeCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
		_ = streams.Close(closeCtx)
		stop()
		srv.Close()
		met.Close()
		cancel()
		<-done
	})

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-url", srv.URL + "/query", "-metrics", met.URL + "/metrics", "-pid", fmt.Sprint(os.Getpid()),
		"-key", key, "-n", "20", "-settle", "10ms", "-timeout", "1m"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	out := stdout.String()
	for _, want := range []string{"subscribers 20 (refused 0)", "delivered 20\n", "from the mutation's start: p50 ", "per idle subscriber: ", "per idle subscriber, Go: ", "SELECT statements from the mutation's start to the last delivery: "} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

// TestSubloadRefusesWhatItMustNot: other hosts than loopback, and counts and times past
// its bounds.
func TestSubloadRefusesWhatItMustNot(t *testing.T) {
	for _, args := range [][]string{
		{"-url", "http://example.org/query", "-key", "k"},
		{"-url", "http://127.0.0.1:1/query", "-metrics", "http://10.0.0.1:9464/metrics", "-key", "k"},
		{"-n", "20001", "-key", "k"},
		{"-n", "0", "-key", "k"},
		{"-timeout", "11m", "-key", "k"},
		{"-n", "10"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %s)", args, code, &stderr)
		}
	}
}
