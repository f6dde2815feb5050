package loader_test

import (
	"context"
	"sync"
	"testing"

	"campaigns/internal/dbtest"
	"campaigns/internal/gen"
	"campaigns/internal/loader"
	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// benchData generates 200 campaigns with 20,000 events and returns the store with the
// first page of campaigns by name.
func benchData(b *testing.B) (*store.Store, []int64) {
	b.Helper()
	st := dbtest.New(b)
	ctx := context.Background()
	if _, err := gen.Generate(ctx, st, gen.Options{Seed: 1, Campaigns: 200, Events: 20_000, Networks: 200, Organizations: 2_000}); err != nil {
		b.Fatal(err)
	}
	p, err := st.Campaigns(ctx, store.CampaignFilter{}, store.Order{Field: "NAME"}, page.Request{Size: 20})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(p.Items))
	for i, c := range p.Items {
		ids[i] = c.ID
	}
	return st, ids
}

// BenchmarkEventPageBatch is one level of the nested campaign list: 20 campaigns ask for
// their first 10 events at once, as gqlgen's goroutines do, and the loader answers them with
// one LATERAL statement after its wait. The time includes the wait (loader.Wait).
func BenchmarkEventPageBatch(b *testing.B) {
	st, ids := benchData(b)
	keys := make([]*models.Campaign, len(ids))
	for i, id := range ids {
		keys[i] = &models.Campaign{ID: id}
	}
	var stmts int64
	b.ReportAllocs()
	for b.Loop() {
		ctx := store.WithStatementCounter(context.Background())
		lctx := loader.With(ctx, loader.New(st))
		var wg sync.WaitGroup
		for _, k := range keys {
			wg.Go(func() {
				p, err := loader.Page(lctx, loader.CampaignEvents.Of(k), store.EventFilter{}, store.Order{Field: "STARTS_AT"}, page.Request{Size: 10})
				if err != nil || len(p.Items) == 0 {
					b.Errorf("event page of campaign %d: %d events, %v", k.ID, len(p.Items), err)
				}
			})
		}
		wg.Wait()
		stmts += store.StatementCount(ctx)
	}
	b.ReportMetric(float64(stmts)/float64(b.N), "statements/op")
}

// BenchmarkOrganizationBatch loads 100 organizations by ID through one loader, as the
// organizers of a page of nested events are loaded.
func BenchmarkOrganizationBatch(b *testing.B) {
	st, _ := benchData(b)
	p, err := st.Organizations(context.Background(), store.OrganizationFilter{}, store.Order{Field: "NAME"}, page.Request{Size: 100})
	if err != nil {
		b.Fatal(err)
	}
	var stmts int64
	b.ReportAllocs()
	for b.Loop() {
		ctx := store.WithStatementCounter(context.Background())
		l := loader.New(st)
		var wg sync.WaitGroup
		for _, o := range p.Items {
			wg.Go(func() {
				if _, err := l.Organization(ctx, o.ID); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		stmts += store.StatementCount(ctx)
	}
	b.ReportMetric(float64(stmts)/float64(b.N), "statements/op")
}
