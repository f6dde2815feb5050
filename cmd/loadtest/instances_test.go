package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeInstance is an API instance in the test's process: it answers every GraphQL request
// with the same status and body, and counts them.
type fakeInstance struct {
	srv      *httptest.Server
	requests atomic.Int64
}

func newFakeInstance(t *testing.T, status int, body string) *fakeInstance {
	t.Helper()
	f := &fakeInstance{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Query string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !strings.Contains(req.Query, "events") {
			http.Error(w, "not the harness's request", http.StatusBadRequest)
			return
		}
		f.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func TestClientsAreDealtToTheInstancesInTurn(t *testing.T) {
	var got []int
	for c := range 7 {
		got = append(got, target(c, 3))
	}
	if want := []int{0, 1, 2, 0, 1, 2, 0}; !slices.Equal(got, want) {
		t.Errorf("targets of clients 0..6 over 3 instances: %v, want %v", got, want)
	}
	if target(5, 1) != 0 || target(5, 0) != 0 {
		t.Error("with one instance (or none named) every client sends to the first")
	}
}

// TestPhaseOverTwoInstances runs a short phase of a few requests over two instances in the
// test's process, one healthy and one refusing every request, and checks that each
// instance's figures are its own: what it answered, what it refused, and the whole run's
// figures their sum.
func TestPhaseOverTwoInstances(t *testing.T) {
	good := newFakeInstance(t, http.StatusOK, `{"data":{"events":{"edges":[]}},"extensions":{"sqlStatements":1}}`)
	bad := newFakeInstance(t, http.StatusServiceUnavailable, `{"errors":[{"message":"overloaded","extensions":{"code":"OVERLOADED"}}]}`)
	cfg, err := parseFlags([]string{"-url", good.srv.URL + "/query," + bad.srv.URL + "/query", "-c", "4", "-kinds", "page1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := &params{cfg: cfg, http: newHTTPClient(cfg)}
	const requests = 40
	res := runPhase(context.Background(), "page1", false, cfg.concurrency, time.Minute, requests, make([]int, len(cfg.urls)), p.apiDoer("page1"), 1, nil)

	if len(res.Targets) != 2 {
		t.Fatalf("%d targets, want 2", len(res.Targets))
	}
	first, second := res.Targets[0], res.Targets[1]
	if int64(len(first.Latency)) != good.requests.Load() || first.Errors != 0 {
		t.Errorf("first instance: %d answered and %d errors counted; it answered %d and refused none",
			len(first.Latency), first.Errors, good.requests.Load())
	}
	if int64(second.Errors) != bad.requests.Load() || len(second.Latency) != 0 {
		t.Errorf("second instance: %d answered and %d errors counted; it refused %d and answered none",
			len(second.Latency), second.Errors, bad.requests.Load())
	}
	if good.requests.Load() == 0 || bad.requests.Load() == 0 {
		t.Errorf("requests: %d to the first, %d to the second; want both used", good.requests.Load(), bad.requests.Load())
	}
	if n := len(res.Latency) + res.Errors; n != requests || len(res.Latency) != len(first.Latency) || res.Errors != second.Errors {
		t.Errorf("whole run: %d answered, %d errors; want the instances' sum, %d requests in all", len(res.Latency), res.Errors, requests)
	}
	if res.Counted != len(first.Latency) || res.Statements != int64(len(first.Latency)) {
		t.Errorf("statements: %d over %d requests; want 1 per answered request", res.Statements, res.Counted)
	}
	if !strings.Contains(res.FirstErr, "status 503") {
		t.Errorf("first error %q: want the second instance's 503", res.FirstErr)
	}

	var b bytes.Buffer
	writeInstances(&b, []result{res}, cfg.urls)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header, a rule and a row per instance, got:\n%s", b.String())
	}
	for i, u := range cfg.urls {
		if row := lines[2+i]; !strings.HasPrefix(row, "| page1 | "+u+" | ") {
			t.Errorf("row %d does not name instance %s: %s", i, u, row)
		}
	}
	if !strings.Contains(lines[3], " | 0 | ") || !strings.Contains(lines[3], " | "+strconv.FormatInt(bad.requests.Load(), 10)+" | ") {
		t.Errorf("the second instance's row should show 0 req/s and its %d errors: %s", bad.requests.Load(), lines[3])
	}
}

func TestURLList(t *testing.T) {
	for _, tc := range []struct {
		url  string
		pid  string
		want int // instances; 0 for refused
	}{
		{"http://127.0.0.1:8090/query", "", 1},
		{"http://127.0.0.1:8090/query,http://127.0.0.1:8091/query, http://[::1]:8092/query", "", 3},
		{"http://127.0.0.1:8090/query,http://10.0.0.1:8091/query", "", 0},
		{"http://127.0.0.1:8090/query,http://127.0.0.1:8090/query", "", 0},
		{"http://127.0.0.1:8090/query,", "", 0},
		{"http://127.0.0.1:8090/query,http://127.0.0.1:8091/query", "1234", 0},
		{"http://127.0.0.1:8090/query", "1234", 1},
	} {
		args := []string{"-url", tc.url}
		if tc.pid != "" {
			args = append(args, "-pid", tc.pid)
		}
		cfg, err := parseFlags(args, io.Discard)
		switch {
		case tc.want == 0 && err == nil:
			t.Errorf("-url %q -pid %q accepted as %v", tc.url, tc.pid, cfg.urls)
		case tc.want > 0 && (err != nil || len(cfg.urls) != tc.want || len(cfg.pids) != tc.want):
			t.Errorf("-url %q -pid %q: %v, %d urls and %d pids; want %d", tc.url, tc.pid, err, len(cfg.urls), len(cfg.pids), tc.want)
		}
	}
}
