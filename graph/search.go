package graph

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/page"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// searchTypes maps search kinds to the global ID types of their records.
var searchTypes = map[string]string{
	store.SearchCampaign: relay.TypeCampaign, store.SearchEvent: relay.TypeEvent,
	store.SearchNetwork: relay.TypeYouthNetwork, store.SearchOrganization: relay.TypeOrganization,
}

func (r *Resolver) search(ctx context.Context, query string, types []string, country *string, args page.Args) (*model.SearchConnection, error) {
	if err := store.CheckSearchText(query); err != nil {
		return nil, err
	}
	code, err := r.countryCode(ctx, country)
	if err != nil {
		return nil, err
	}
	q := store.SearchQuery{Text: query, Types: types, CountryCode: code, Viewer: auth.FromContext(ctx).OrgID,
		Count: slices.ContainsFunc(graphql.CollectAllFields(ctx), func(f string) bool { return f == "totalCount" || f == "totalCountIsExact" })}
	req, err := args.Validate(store.SearchToken(q))
	if err != nil {
		return nil, err
	}
	hits, err := loader.For(ctx).Direct().Search(ctx, q, req)
	if err != nil {
		return nil, err
	}
	// The records load together through the loaders, which check visibility once more.
	nodes := make([]models.Node, len(hits.Items))
	errs := make([]error, len(hits.Items))
	var wg sync.WaitGroup
	for i, h := range hits.Items {
		wg.Go(func() { nodes[i], errs[i] = r.node(ctx, relay.EncodeInt(searchTypes[h.Kind], h.ID)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := &model.SearchConnection{PageInfo: &model.PageInfo{HasNextPage: hits.HasNextPage, HasPreviousPage: hits.HasPreviousPage},
		TotalCount: min(hits.Matches, store.SearchCountCap), TotalCountIsExact: hits.Matches <= store.SearchCountCap}
	for i, h := range hits.Items {
		if nodes[i] == nil {
			continue
		}
		out.Edges = append(out.Edges, &model.SearchEdge{Cursor: hits.Cursor(i), Node: nodes[i], Snippet: h.Snippet,
			SnippetLanguage: h.SnippetLanguage, Score: h.Score})
	}
	if n := len(out.Edges); n > 0 {
		out.PageInfo.StartCursor, out.PageInfo.EndCursor = &out.Edges[0].Cursor, &out.Edges[n-1].Cursor
	}
	if out.Edges == nil {
		out.Edges = []*model.SearchEdge{}
	}
	return out, nil
}
