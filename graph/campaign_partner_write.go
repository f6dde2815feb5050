package graph

import (
	"context"

	"campaigns/graph/model"
	"campaigns/internal/loader"
	"campaigns/internal/relay"
	"campaigns/internal/store"
)

// partnerInput decodes the campaign and organization of a partner mutation.
func partnerInput(campaign, organization, role string) (store.PartnerInput, error) {
	c, err := relay.DecodeInt(relay.TypeCampaign, campaign)
	if err != nil {
		return store.PartnerInput{}, err
	}
	o, err := relay.DecodeInt(relay.TypeOrganization, organization)
	if err != nil {
		return store.PartnerInput{}, err
	}
	return store.PartnerInput{CampaignID: c, OrganizationID: o, Role: role}, nil
}

func (r *Resolver) addCampaignPartner(ctx context.Context, in model.AddCampaignPartnerInput) (*model.CampaignPayload, error) {
	change, err := partnerInput(in.Campaign, in.Organization, in.Role)
	if err != nil {
		return nil, err
	}
	change.CanEdit, change.Note = in.CanEdit != nil && *in.CanEdit, in.Note
	id, errs, err := r.write(ctx, "addCampaignPartner", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.AddCampaignPartner(change)) })
	if err != nil {
		return nil, err
	}
	return campaignPayload(ctx, id, errs, in.ClientMutationID)
}

func (r *Resolver) removeCampaignPartner(ctx context.Context, in model.RemoveCampaignPartnerInput) (*model.CampaignPayload, error) {
	change, err := partnerInput(in.Campaign, in.Organization, in.Role)
	if err != nil {
		return nil, err
	}
	id, errs, err := r.write(ctx, "removeCampaignPartner", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.RemoveCampaignPartner(change)) })
	if err != nil {
		return nil, err
	}
	return campaignPayload(ctx, id, errs, in.ClientMutationID)
}

func (r *Resolver) recordFundingCommitment(ctx context.Context, in model.RecordFundingCommitmentInput) (*model.FundingCommitmentPayload, error) {
	campaign, err := relay.DecodeInt(relay.TypeCampaign, in.Campaign)
	if err != nil {
		return nil, err
	}
	funder, err := relay.DecodeInt(relay.TypeOrganization, in.Funder)
	if err != nil {
		return nil, err
	}
	change := store.FundingInput{
		CampaignID: campaign, FunderID: funder, Amount: in.Amount, Currency: in.Currency,
		Purpose: in.Purpose, Source: in.Source, CommittedOn: in.CommittedOn,
	}
	id, errs, err := r.write(ctx, "recordFundingCommitment", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.RecordFundingCommitment(change)) })
	if err != nil {
		return nil, err
	}
	p := &model.FundingCommitmentPayload{UserErrors: errs, ClientMutationID: in.ClientMutationID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeFunding, id)
	if err != nil {
		return nil, err
	}
	p.FundingCommitment, err = loader.For(ctx).FundingCommitment(ctx, k)
	return p, err
}

func (r *Resolver) recordIndicatorValues(ctx context.Context, in model.RecordIndicatorValuesInput) (*model.IndicatorPayload, error) {
	campaign, err := relay.DecodeInt(relay.TypeCampaign, in.Campaign)
	if err != nil {
		return nil, err
	}
	change := store.IndicatorValuesInput{
		CampaignID: campaign, Code: in.Code, Name: in.Name, Unit: in.Unit, Start: in.Start, End: in.End,
		Baseline: in.Baseline, Target: in.Target, Actual: in.Actual, Comparator: in.ActualComparator,
		Note: in.Note, Source: in.Source,
	}
	if err := iatiInput(in, &change); err != nil {
		return nil, err
	}
	id, errs, err := r.write(ctx, "recordIndicatorValues", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.RecordIndicatorValues(change)) })
	if err != nil {
		return nil, err
	}
	p := &model.IndicatorPayload{UserErrors: errs, ClientMutationID: in.ClientMutationID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeIndicator, id)
	if err != nil {
		return nil, err
	}
	p.Indicator, err = loader.For(ctx).Indicator(ctx, k)
	return p, err
}
