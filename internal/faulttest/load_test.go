package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// outcome is how one request ended, as a client sees it.
type outcome string

const (
	served      outcome = "served"              // 200 with data and no errors
	unavailable outcome = "SERVICE_UNAVAILABLE" // every error has code SERVICE_UNAVAILABLE
	refused     outcome = "refused"             // the connection was refused: nothing was sent
	// resetEarly is a connection reset or closed before any answer. When a server closes
	// its listener, the connections the kernel still had queued for it end so, and their
	// requests never ran; the SIGTERM test checks that against the server's log.
	resetEarly outcome = "reset before any answer"
	failed     outcome = "FAILED" // anything else: a hang, a 500, an internal error, no code
)

// result is one request's outcome with what explains it.
type result struct {
	outcome outcome
	status  int
	detail  string // the error codes, the transport error, or the body
	id      string // the X-Request-Id sent
	kind    string // what the request was, for tallies by kind
	at      time.Time
}

// client sends GraphQL requests to a server over real TCP. Every request has its own
// connection (no keep-alive), so that a failure is always the failure of that request and
// never of a connection an earlier one left behind.
type client struct {
	url string
	hc  *http.Client
}

func newClient(baseURL string, timeout time.Duration) *client {
	return &client{url: baseURL, hc: &http.Client{
		Timeout:   timeout, // the bound on a hang
		Transport: &http.Transport{DisableKeepAlives: true},
	}}
}

// newKeepAliveClient is a client that keeps its connections alive and reuses them, as
// browsers, mobile apps and load balancers do, up to conns idle ones: a connection the
// server closes while a request is on its way shows as a failure of that request.
func newKeepAliveClient(baseURL string, timeout time.Duration, conns int) *client {
	return &client{url: baseURL, hc: &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute},
	}}
}

// query posts a GraphQL query, with an API key when key is set, and classifies the answer.
func (c *client) query(ctx context.Context, id, key, query string, vars map[string]any) result {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/query", bytes.NewReader(body))
	if err != nil {
		return result{outcome: failed, detail: err.Error(), id: id, at: time.Now()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", id)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res := c.do(req)
	res.id = id
	return res
}

// get fetches a path, such as /readyz, and classifies the answer by status only.
func (c *client) get(ctx context.Context, path string) (status int, body string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (c *client) do(req *http.Request) result {
	r := result{at: time.Now()}
	resp, err := c.hc.Do(req)
	if err != nil {
		r.detail = err.Error()
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			r.outcome = refused
		case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF):
			r.outcome = resetEarly
		default:
			r.outcome = failed
		}
		return r
	}
	defer resp.Body.Close()
	r.status = resp.StatusCode
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.outcome, r.detail = failed, "reading the answer: "+err.Error()
		return r
	}
	var answer struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &answer); err != nil {
		r.outcome, r.detail = failed, fmt.Sprintf("status %d, not JSON: %.200s", resp.StatusCode, b)
		return r
	}
	if len(answer.Errors) == 0 {
		if resp.StatusCode == http.StatusOK && len(answer.Data) > 0 && string(answer.Data) != "null" {
			r.outcome = served
		} else {
			r.outcome, r.detail = failed, fmt.Sprintf("status %d without errors: %.200s", resp.StatusCode, b)
		}
		return r
	}
	codes := make([]string, len(answer.Errors))
	r.outcome = unavailable
	for i, e := range answer.Errors {
		codes[i], _ = e.Extensions["code"].(string)
		if codes[i] != "SERVICE_UNAVAILABLE" {
			r.outcome = failed
		}
	}
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable {
		r.outcome = failed
	}
	r.detail = fmt.Sprintf("status %d, codes %s: %s", resp.StatusCode, strings.Join(codes, ","), answer.Errors[0].Message)
	return r
}

// tally counts outcomes, and keeps a few examples of each.
type tally struct {
	mu       sync.Mutex
	counts   map[outcome]int
	byKind   map[string]int // kind + " " + outcome
	examples map[outcome][]string
	first    map[outcome]time.Time // when the first answer of each outcome arrived
}

func newTally() *tally {
	return &tally{counts: map[outcome]int{}, byKind: map[string]int{}, examples: map[outcome][]string{}, first: map[outcome]time.Time{}}
}

func (t *tally) add(r result) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts[r.outcome] == 0 {
		t.first[r.outcome] = time.Now()
	}
	t.counts[r.outcome]++
	t.byKind[r.kind+" "+string(r.outcome)]++
	if len(t.examples[r.outcome]) < 3 && r.detail != "" {
		t.examples[r.outcome] = append(t.examples[r.outcome], r.detail)
	}
}

func (t *tally) count(o outcome) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[o]
}

// countKind counts the answers with outcome o to requests of kind, or of any kind when
// kind is empty.
func (t *tally) countKind(kind string, o outcome) int {
	if kind == "" {
		return t.count(o)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byKind[kind+" "+string(o)]
}

// firstAt returns when the first answer with outcome o arrived.
func (t *tally) firstAt(o outcome) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.first[o]
}

// notServed counts the answers to requests of kind that were not served.
func (t *tally) notServed(kind string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for k, c := range t.byKind {
		if strings.HasPrefix(k, kind+" ") && k != kind+" "+string(served) {
			n += c
		}
	}
	return n
}

func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, c := range t.counts {
		n += c
	}
	return n
}

// String lists the counts by outcome, with examples of anything that is not served.
func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var keys []string
	for o := range t.counts {
		keys = append(keys, string(o))
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d ", k, t.counts[outcome(k)])
	}
	for _, k := range keys {
		for _, ex := range t.examples[outcome(k)] {
			fmt.Fprintf(&b, "\n    %s: %s", k, ex)
		}
	}
	return strings.TrimSpace(b.String())
}
