package api_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

func TestSeededCampaignsAnswer(t *testing.T) {
	c := apitest.New(dbtest.Seeded(t))
	var got struct {
		Campaigns struct {
			TotalCount int
			Nodes      []struct{ Slug string }
		}
	}
	c.Query(t, `{ campaigns(first: 100) { totalCount nodes { slug } } }`, nil).MustData(t, &got)
	if got.Campaigns.TotalCount != len(got.Campaigns.Nodes) || got.Campaigns.TotalCount == 0 {
		t.Fatalf("totalCount %d, nodes %d", got.Campaigns.TotalCount, len(got.Campaigns.Nodes))
	}
}

func TestResponsesAreCompressedWhenAsked(t *testing.T) {
	c := apitest.New(dbtest.Seeded(t))
	body := `{"query":"{ campaigns(first: 100) { nodes { name summary description objectives } } }"}`
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !strings.Contains(string(plain), "MTV EXIT") {
		t.Fatalf("decompressed body: %v %.200s", err, plain)
	}
}
