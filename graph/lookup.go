package graph

import (
	"context"
	"errors"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/loader"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// maxNodes bounds nodes(ids:), like a page.
const maxNodes = page.MaxSize

// nodes resolves many global IDs at once, so the loaders batch them. Each ID answers on its
// own, as node(id) would: an unknown ID gives null in its place, and a malformed one (or any
// failure of its lookup) null with an error whose path points at it, ["nodes", i], so that
// one bad ID in a client's cache does not cost it the others.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]models.Node, error) {
	if len(ids) > maxNodes {
		return nil, problem.Wrap(store.ErrInvalid, "nodes takes at most %d IDs, got %d", maxNodes, len(ids))
	}
	out, errs := r.nodeSlots(ctx, ids)
	for i, err := range errs {
		if err != nil {
			graphql.AddError(ctx, gqlerror.WrapPath(append(graphql.GetPath(ctx), ast.PathIndex(i)), err))
		}
	}
	return out, nil
}

// nodesOf loads the entities of ids, as node(id) would for the caller, all at once so that
// the loaders batch them; any error fails the whole list.
func (r *Resolver) nodesOf(ctx context.Context, ids []string) ([]models.Node, error) {
	out, errs := r.nodeSlots(ctx, ids)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// nodeSlots loads the entities of ids together, each with its own error.
func (r *Resolver) nodeSlots(ctx context.Context, ids []string) ([]models.Node, []error) {
	out := make([]models.Node, len(ids))
	errs := make([]error, len(ids))
	if err := primeNodes(ctx, ids); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i], errs[i] = r.node(ctx, id) })
	}
	wg.Wait()
	return out, errs
}

// primeNodes loads the campaigns, organizations and youth networks among ids in one
// statement before they are resolved one by one: through their loaders alone they would
// take a statement per type. IDs that do not decode are left to node, which reports them.
func primeNodes(ctx context.Context, ids []string) error {
	want := map[string][]int64{}
	for _, id := range ids {
		d, err := relay.Decode(id)
		if err != nil {
			continue
		}
		switch d.Type {
		case relay.TypeCampaign, relay.TypeOrganization, relay.TypeYouthNetwork:
			if k, err := relay.DecodeInt(d.Type, id); err == nil {
				want[d.Type] = append(want[d.Type], k)
			}
		}
	}
	if len(want) < 2 { // one type is one statement through its loader anyway
		return nil
	}
	return loader.For(ctx).PrimeRecords(ctx, want[relay.TypeCampaign], want[relay.TypeOrganization], want[relay.TypeYouthNetwork])
}

// exactlyOne checks that a lookup was given an ID or a slug, not both and not neither.
func exactlyOne(id, slug *string) error {
	if (id == nil) == (slug == nil) {
		return problem.Wrap(store.ErrInvalid, "give either id or slug")
	}
	return nil
}

func (r *Resolver) campaignByIDOrSlug(ctx context.Context, id, slug *string) (*models.Campaign, error) {
	if err := exactlyOne(id, slug); err != nil {
		return nil, err
	}
	if slug != nil {
		return visibleCampaign(ctx)(loader.For(ctx).Direct().CampaignBySlug(ctx, *slug))
	}
	k, err := relay.DecodeInt(relay.TypeCampaign, *id)
	if err != nil {
		return nil, err
	}
	return visibleCampaign(ctx)(loader.For(ctx).Campaign(ctx, k))
}

func (r *Resolver) networkByIDOrSlug(ctx context.Context, id, slug *string) (*models.YouthNetwork, error) {
	if err := exactlyOne(id, slug); err != nil {
		return nil, err
	}
	if slug != nil {
		return missingIsNil(loader.For(ctx).Direct().NetworkBySlug(ctx, *slug))
	}
	k, err := relay.DecodeInt(relay.TypeYouthNetwork, *id)
	if err != nil {
		return nil, err
	}
	return missingIsNil(loader.For(ctx).Network(ctx, k))
}

func (r *Resolver) organizationByIDOrSlug(ctx context.Context, id, slug *string) (*models.Organization, error) {
	if err := exactlyOne(id, slug); err != nil {
		return nil, err
	}
	if slug != nil {
		return missingIsNil(loader.For(ctx).Direct().OrganizationBySlug(ctx, *slug))
	}
	k, err := relay.DecodeInt(relay.TypeOrganization, *id)
	if err != nil {
		return nil, err
	}
	return missingIsNil(loader.For(ctx).Organization(ctx, k))
}

// countryByName looks a country up by code, name or alias. The store calls an unknown name
// bad input, which it is in a filter; a lookup answers it with null, as the schema promises.
func (r *Resolver) countryByName(ctx context.Context, name string) (*models.Country, error) {
	c, err := loader.For(ctx).Direct().FindCountry(ctx, name)
	if errors.Is(err, store.ErrInvalid) {
		return nil, nil
	}
	return c, err
}

// campaignCountries loads a campaign's countries through its coverage, so that countries
// and coverage selected together cost one statement.
func (r *Resolver) campaignCountries(ctx context.Context, id int64) ([]*models.Country, error) {
	l := loader.For(ctx)
	coverage, err := l.CampaignCountries(ctx, id)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(coverage))
	for i, c := range coverage {
		codes[i] = c.CountryCode
	}
	return l.Countries(ctx, codes)
}
