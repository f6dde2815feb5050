package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// TestStatsExtensionCountsStatements checks that with StatsExtension every answer carries
// the number of SQL statements the request ran, the same number a test counts, and that
// without it answers carry no extensions.
func TestStatsExtensionCountsStatements(t *testing.T) {
	st := dbtest.Seeded(t)
	const query = `{ campaigns(first: 5) { totalCount nodes { name } } }`
	want := apitest.New(st).Query(t, query, nil)
	if want.Statements != 2 {
		t.Fatalf("the query ran %d statements, want 2 (a page and a count)", want.Statements)
	}
	for _, tt := range []struct {
		name  string
		stats bool
		want  any
	}{
		{"on", true, float64(want.Statements)},
		{"off", false, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := api.New(st, api.Options{StatsExtension: tt.stats})
			body, _ := json.Marshal(map[string]string{"query": query})
			req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var res struct {
				Errors     []any          `json:"errors"`
				Extensions map[string]any `json:"extensions"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusOK || len(res.Errors) > 0 {
				t.Fatalf("status %d, %v: %s", rec.Code, err, rec.Body.String())
			}
			if got := res.Extensions["sqlStatements"]; got != tt.want {
				t.Errorf("extensions.sqlStatements = %v, want %v", got, tt.want)
			}
		})
	}
}
