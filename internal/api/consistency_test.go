package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// TestConsistencyTokenWithoutReplicas: on one machine (no DATABASE_REPLICA_URLS) a token
// that parses is accepted and changes nothing, one that does not is refused with
// BAD_USER_INPUT and nothing served, as behind a load balancer, and a mutation's answer
// carries no token, as before replicas existed. The token with replicas is proved in the
// root package's TestReplicaReadYourWrites, on a private primary and replica.
func TestConsistencyTokenWithoutReplicas(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	c := apitest.New(st)
	query := `{ campaigns(first: 1) { totalCount } }`
	for _, tc := range []struct {
		name, header string
		ext          any
		ok           bool
	}{
		{"none", "", nil, true},
		{"header", "16/B374D848", nil, true},
		{"extensions", "", "0/16B3748", true},
		{"both", "0/1", "FFFFFFFF/FFFFFFFF", true},
		{"header not a position", "yesterday", nil, false},
		{"header of three parts", "1/2/3", nil, false},
		{"header past 64 bits", "100000000/0", nil, false},
		{"extensions not text", "", 42, false},
		{"extensions not a position", "", "16-B374D848", false},
		{"one of two bad", "0/1", "x/1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := map[string]any{"query": query}
			if tc.ext != nil {
				req["extensions"] = map[string]any{"consistencyToken": tc.ext}
			}
			body, _ := json.Marshal(req)
			cl := c
			if tc.header != "" {
				cl = c.WithHeader("Consistency-Token", tc.header)
			}
			r := cl.Post(t, "application/json", body)
			if tc.ok {
				var d struct{ Campaigns struct{ TotalCount int } }
				r.MustData(t, &d)
				return
			}
			if code := r.ErrorCode(t); code != "BAD_USER_INPUT" || len(r.Errors) != 1 || len(r.Data) > 0 && string(r.Data) != "null" {
				t.Errorf("code %q, %d errors, data %s; want one BAD_USER_INPUT and no data", code, len(r.Errors), r.Data)
			}
			if r.Statements != 0 {
				t.Errorf("a refused token ran %d statements", r.Statements)
			}
			if id, _ := r.Errors[0].Extensions["requestId"].(string); id == "" {
				t.Errorf("the refusal has no requestId: %+v", r.Errors[0])
			}
		})
	}

	key := apitest.Key(t, st, "consistency-editors", "EDITOR")
	body, _ := json.Marshal(map[string]any{"query": `mutation { createCampaign(input: { slug: "consistency-none", name: "No replicas" }) { campaign { id } } }`})
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"id"`) {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	if h := rec.Header().Get("Consistency-Token"); h != "" || strings.Contains(rec.Body.String(), "consistencyToken") {
		t.Errorf("without replicas, a mutation's answer carries a token: header %q, body %s", h, rec.Body)
	}
}
