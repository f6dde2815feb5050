package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func msd(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, v := range n {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func TestPercentileIsNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1ms … 100ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one value is every percentile", msd(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the largest", hundred, 100, 100 * time.Millisecond},
		{"p50 of four rounds up to the second", msd(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of four is the largest", msd(1, 2, 3, 4), 99, 4 * time.Millisecond},
		{"p1 of four is the smallest", msd(1, 2, 3, 4), 1, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	r := result{Kind: "campaigns", Elapsed: 2 * time.Second, Latency: msd(40, 10, 30, 20), Errors: 1,
		Statements: 27, Counted: 3, RSSMaxKB: 100 << 10, HWMKB: 150 << 10}
	s := summarize(r)
	checks := []struct {
		name      string
		got, want any
	}{
		{"requests count errors too", s.Requests, 5},
		{"req/s counts answered requests only", s.PerSecond, 2.0},
		{"p50", s.P50, 20 * time.Millisecond},
		{"p99", s.P99, 40 * time.Millisecond},
		{"max", s.Max, 40 * time.Millisecond},
		{"p99/p50", s.P99OverP50, 2.0},
		{"error rate", s.ErrorRate, 0.2},
		{"statements per request that reported them", s.StatementsPerReq, 9.0},
		{"RSS in MB", s.RSSMaxMB, 100.0},
		{"VmHWM in MB", s.HWMMB, 150.0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if r.Latency[0] != 40*time.Millisecond {
		t.Error("summarize sorted the caller's latencies in place")
	}
	if none := summarize(result{Kind: "x", Elapsed: time.Second}); none.StatementsReported || none.PerSecond != 0 || none.P99OverP50 != 0 {
		t.Errorf("an empty result summarized as %+v", none)
	}
}

func TestTableShowsTheRatioToTheFloor(t *testing.T) {
	api := summarize(result{Kind: "event", Elapsed: time.Second, Latency: msd(1, 1, 1, 1, 1, 1)})
	floor := summarize(result{Kind: "event", Floor: true, Elapsed: time.Second, Latency: msd(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)})
	var b bytes.Buffer
	writeTable(&b, []summary{api, floor}, map[string]float64{"event": floor.PerSecond})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header, a rule and two rows, got:\n%s", b.String())
	}
	if !strings.HasSuffix(lines[2], "| 0.50 |") {
		t.Errorf("the API row should end with the ratio 6/12 = 0.50: %s", lines[2])
	}
	if !strings.HasSuffix(lines[3], "| – |") {
		t.Errorf("the floor row has no ratio: %s", lines[3])
	}
}

func TestLoopbackOnly(t *testing.T) {
	for host, ok := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "127.0.0.2": true,
		"10.0.0.1": false, "192.168.1.5": false, "8.8.8.8": false, "::ffff:10.0.0.1": false} {
		if err := loopbackOnly(host); (err == nil) != ok {
			t.Errorf("loopbackOnly(%q) = %v, want allowed %t", host, err, ok)
		}
	}
}

func TestDepthOf(t *testing.T) {
	for doc, want := range map[string]int{
		`{ a }`:                             1,
		`{ a { b } }`:                       2,
		`{ a { b { c } d } }`:               3,
		`{ n { id ... on E { x { y } } } }`: 3,
		qCampaigns:                          7,
		qEvents:                             3,
	} {
		if got, err := depthOf(doc); err != nil || got != want {
			t.Errorf("depthOf(%.40q) = %d, %v; want %d", doc, got, err, want)
		}
	}
}
