package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/dbtest"
	"campaigns/internal/gen"
	"campaigns/internal/store"
)

// benchQuery is the load harness's campaign list (cmd/loadtest): 20 campaigns, each with its
// partners and first 10 events, each event with its venue, the venue's country and the
// organizer.
const benchQuery = `{ campaigns(first: 20) { ` + benchList + ` } }`

const benchList = `totalCount pageInfo { endCursor hasNextPage }
	nodes { id name status startsOn partners { role organization { id name } }
		events(first: 10) { nodes { id title kind startsAt timeZone venue { name city country { name } } organizer { id name } } } }`

// benchTwice asks for the same list again under a second alias. The second copy's records
// come from the request's loaders, filled by the first (only its root page and count are
// read again), so what it adds to a request is, nearly all, gqlgen executing and writing
// the answer: the part of the API's cost that no change to the data access can remove.
const benchTwice = `{ campaigns(first: 20) { ` + benchList + ` } again: campaigns(first: 20) { ` + benchList + ` } }`

// BenchmarkNestedCampaignList runs the nested campaign list through the whole handler over a
// generated data set (200 campaigns, 20,000 events), one request at a time and from
// parallel clients, reporting the SQL statements per request beside the time: under
// concurrency the loaders' batches split, which shows as more statements.
func BenchmarkNestedCampaignList(b *testing.B) {
	st := dbtest.New(b)
	if _, err := gen.Generate(context.Background(), st, gen.Options{Seed: 1, Campaigns: 200, Events: 20_000, Networks: 2_000, Organizations: 2_000}); err != nil {
		b.Fatal(err)
	}
	h := api.New(st, api.Options{})
	body, _ := json.Marshal(map[string]string{"query": benchQuery})
	twice, _ := json.Marshal(map[string]string{"query": benchTwice})
	do := func(b *testing.B) int64 { return post(b, h, body) }
	b.Run("serial", func(b *testing.B) {
		var stmts int64
		b.ReportAllocs()
		for b.Loop() {
			stmts += do(b)
		}
		b.ReportMetric(float64(stmts)/float64(b.N), "statements/op")
	})
	b.Run("serial-twice", func(b *testing.B) {
		var stmts int64
		b.ReportAllocs()
		for b.Loop() {
			stmts += post(b, h, twice)
		}
		b.ReportMetric(float64(stmts)/float64(b.N), "statements/op")
	})
	b.Run("parallel", func(b *testing.B) {
		var stmts int64
		b.ReportAllocs()
		b.SetParallelism(8)
		results := make(chan int64, 1024)
		done := make(chan struct{})
		go func() {
			for n := range results {
				stmts += n
			}
			close(done)
		}()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				results <- do(b)
			}
		})
		close(results)
		<-done
		b.ReportMetric(float64(stmts)/float64(b.N), "statements/op")
	})
}

// post sends one query to h and returns the SQL statements it ran.
func post(b *testing.B, h http.Handler, body []byte) int64 {
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	ctx := store.WithStatementCounter(req.Context())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
		b.Fatalf("status %d: %.500s", rec.Code, rec.Body.String())
	}
	return store.StatementCount(ctx)
}
