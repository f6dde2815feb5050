package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"campaigns/graph/model"
	"campaigns/internal/loader"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// opt turns gqlgen's omittable input into the store's optional change.
func opt[T any](o graphql.Omittable[*T]) store.Opt[T] {
	v, set := o.ValueOK()
	if !set {
		return store.Opt[T]{}
	}
	return store.Opt[T]{Set: true, Value: v}
}

// given wraps a create input's optional value as a change that is set.
func given[T any](v *T) store.Opt[T] { return store.Opt[T]{Set: v != nil, Value: v} }

// campaignPayload loads the campaign a write returned, as the payload shows it.
func campaignPayload(ctx context.Context, id string, errs []*model.UserError, clientID *string) (*model.CampaignPayload, error) {
	p := &model.CampaignPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeCampaign, id)
	if err != nil {
		return nil, err
	}
	p.Campaign, err = loader.For(ctx).Campaign(ctx, k)
	return p, err
}

func (r *Resolver) createCampaign(ctx context.Context, in model.CreateCampaignInput) (*model.CampaignPayload, error) {
	parent, err := optionalID(relay.TypeCampaign, in.Parent)
	if err != nil {
		return nil, err
	}
	change := store.CampaignInput{
		Slug: &in.Slug, Name: &in.Name, Summary: given(in.Summary), Description: given(in.Description), Status: in.Status,
		Focus: in.Focus, FocusSet: true, Themes: in.Themes, ThemesSet: true, Audiences: in.Audiences, AudiencesSet: true,
		Objectives: in.Objectives, ObjectivesSet: true, StartsOn: given(in.StartsOn), EndsOn: given(in.EndsOn),
		ParentID: parent, Countries: in.Countries, CountriesSet: true,
	}
	id, errs, err := r.write(ctx, "createCampaign", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.CreateCampaign(change)) })
	if err != nil {
		return nil, err
	}
	return campaignPayload(ctx, id, errs, in.ClientMutationID)
}

func (r *Resolver) updateCampaign(ctx context.Context, in model.UpdateCampaignInput) (*model.CampaignPayload, error) {
	k, err := relay.DecodeInt(relay.TypeCampaign, in.ID)
	if err != nil {
		return nil, err
	}
	change := store.CampaignInput{
		Slug: in.Slug, Name: in.Name, Summary: opt(in.Summary), Description: opt(in.Description), Status: in.Status,
		Focus: in.Focus, FocusSet: in.Focus != nil, Themes: in.Themes, ThemesSet: in.Themes != nil,
		Audiences: in.Audiences, AudiencesSet: in.Audiences != nil, Objectives: in.Objectives, ObjectivesSet: in.Objectives != nil,
		StartsOn: opt(in.StartsOn), EndsOn: opt(in.EndsOn), Countries: in.Countries, CountriesSet: in.Countries != nil,
	}
	id, errs, err := r.write(ctx, "updateCampaign", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) {
		return nodeID(tx.UpdateCampaign(k, int32(in.ExpectedVersion), change))
	})
	if err != nil {
		return nil, err
	}
	return campaignPayload(ctx, id, errs, in.ClientMutationID)
}

func (r *Resolver) archiveCampaign(ctx context.Context, in model.ArchiveCampaignInput) (*model.CampaignPayload, error) {
	k, err := relay.DecodeInt(relay.TypeCampaign, in.ID)
	if err != nil {
		return nil, err
	}
	id, errs, err := r.write(ctx, "archiveCampaign", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.ArchiveCampaign(k, int32(in.ExpectedVersion))) })
	if err != nil {
		return nil, err
	}
	return campaignPayload(ctx, id, errs, in.ClientMutationID)
}

// owner loads the organization that owns a record, or nil for one nobody owns.
func owner(ctx context.Context, id *int64) (*models.Organization, error) {
	if id == nil {
		return nil, nil
	}
	return loader.For(ctx).Organization(ctx, *id)
}
