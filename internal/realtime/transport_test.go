package realtime_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"campaigns/internal/realtime"
)

// TestSubscriptionOverPlainHTTPIsRefused: a subscription sent as a plain POST gets
// BAD_REQUEST at once, and over GET METHOD_NOT_ALLOWED as any operation but a query. Served, it would hold the request open and answer only the first
// item, which looks like success to a client that chose the wrong transport.
func TestSubscriptionOverPlainHTTPIsRefused(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	vars := map[string]any{"event": w.events[0].GlobalID()}
	body, err := json.Marshal(map[string]any{"query": eventChangedDoc, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	varsJSON, _ := json.Marshal(vars)
	get := in.srv.URL + "/query?" + url.Values{"query": {eventChangedDoc}, "variables": {string(varsJSON)}}.Encode()
	// The client's timeout only stops a server that holds the request open, which is
	// the failure; it is not a measure of speed.
	client := &http.Client{Timeout: 30 * time.Second}
	for name, c := range map[string]struct {
		req  func() (*http.Response, error)
		code string
	}{
		"POST": {func() (*http.Response, error) {
			return client.Post(in.srv.URL+"/query", "application/json", bytes.NewReader(body))
		}, "BAD_REQUEST"},
		"GET": {func() (*http.Response, error) { return client.Get(get) }, "METHOD_NOT_ALLOWED"},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := c.req()
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			defer res.Body.Close()
			var out struct {
				Data   any
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
				t.Fatalf("decode the answer (status %d): %v", res.StatusCode, err)
			}
			if len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != c.code {
				t.Fatalf("status %d, answer %+v; want one %s error", res.StatusCode, out, c.code)
			}
			if in.broker.Count() != 0 {
				t.Fatalf("%d subscriptions were opened", in.broker.Count())
			}
		})
	}
}
