package graph

import (
	"context"

	"campaigns/graph/model"
	"campaigns/internal/loader"
	"campaigns/internal/relay"
	"campaigns/internal/store"
)

// organizationPayload loads the organization a write returned, as the payload shows it.
func organizationPayload(ctx context.Context, id string, errs []*model.UserError, clientID *string) (*model.OrganizationPayload, error) {
	p := &model.OrganizationPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeOrganization, id)
	if err != nil {
		return nil, err
	}
	p.Organization, err = loader.For(ctx).Organization(ctx, k)
	return p, err
}

// createOrganization creates a partner organization; platform operators only.
func (r *Resolver) createOrganization(ctx context.Context, in model.CreateOrganizationInput) (*model.OrganizationPayload, error) {
	change := store.OrganizationInput{
		Slug: &in.Slug, Name: &in.Name, Kind: &in.Kind,
		Country: given(in.Country), Website: given(in.Website), Description: given(in.Description),
	}
	id, errs, err := r.write(ctx, "createOrganization", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.CreateOrganization(change)) })
	if err != nil {
		return nil, err
	}
	return organizationPayload(ctx, id, errs, in.ClientMutationID)
}

// updateOrganization changes the given fields of an organization; platform operators only.
func (r *Resolver) updateOrganization(ctx context.Context, in model.UpdateOrganizationInput) (*model.OrganizationPayload, error) {
	k, err := relay.DecodeInt(relay.TypeOrganization, in.ID)
	if err != nil {
		return nil, err
	}
	change := store.OrganizationInput{
		Name: in.Name, Kind: in.Kind,
		Country: opt(in.Country), Website: opt(in.Website), Description: opt(in.Description),
	}
	id, errs, err := r.write(ctx, "updateOrganization", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.UpdateOrganization(k, change)) })
	if err != nil {
		return nil, err
	}
	return organizationPayload(ctx, id, errs, in.ClientMutationID)
}

// upsertCountry creates or changes a country; platform operators only. Aliases and the
// ASEAN flag left out keep the values a country has.
func (r *Resolver) upsertCountry(ctx context.Context, in model.UpsertCountryInput) (*model.CountryPayload, error) {
	change := store.CountryInput{Code: in.Code, Name: in.Name, Aliases: in.Aliases, AliasesSet: in.Aliases != nil, AseanMember: in.AseanMember}
	id, errs, err := r.write(ctx, "upsertCountry", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.UpsertCountry(change)) })
	if err != nil {
		return nil, err
	}
	p := &model.CountryPayload{UserErrors: errs, ClientMutationID: in.ClientMutationID}
	if id == "" {
		return p, nil
	}
	d, err := relay.Decode(id)
	if err != nil {
		return nil, err
	}
	p.Country, err = loader.For(ctx).Country(ctx, d.Key)
	return p, err
}
